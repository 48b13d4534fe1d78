// gup/*: pins are counted so they can be seen, exactly, and long-term pins sit only where the
// memory can never need to move (DESIGN.md §4, §9; gup.md §1, §3, §8).
import type { FolioHolders, Snapshot } from '../../model/api/index.js';
import type { Invariant, InvariantContext } from '../findings.js';
import { folioAt, maybeDmaPinned, pageblockTypes, typesCovered } from './layout.js';
import { privateNodes } from './private.js';

const at = (h: { pfn: number; order: number }) => `folio pfn ${h.pfn} order ${h.order}`;

function folioOf(snapshot: Snapshot, h: FolioHolders) {
  return snapshot.folios.find((f) => f.pfn === h.pfn && f.order === h.order);
}

/** Every reference the holders imply, without wrapping. */
function exactReferences(h: FolioHolders): number {
  return h.kernel + h.mapped + h.gets + (h.order > 0 ? h.pins : 1024 * h.pins);
}

/**
 * The claim holds while the exact reference total stays below 2^32: the unsigned test in
 * folio_maybe_dma_pinned survives the signed overflow past INT_MAX, but plain get_page/folio_get
 * has no overflow guard (only VM_BUG_ON near zero with CONFIG_DEBUG_VM), so 2^32 plain references
 * wrap the counter all the way round. That state is a kernel bug of its own (an unbounded
 * reference leak), not a pin-accounting rule, and the invariant says so instead of reporting it.
 */
export const noFalseNegative: Invariant = {
  id: 'gup/no-false-negative',
  claim: 'a folio with an exact pin count > 0 is folio_maybe_dma_pinned (while fewer than 2^32 references are held)',
  check({ snapshot, holders }: InvariantContext) {
    const errs: string[] = [];
    for (const h of holders ?? []) {
      if (h.pins === 0 || exactReferences(h) >= 2 ** 32) continue;
      const f = folioOf(snapshot, h);
      if (f && !maybeDmaPinned(f)) errs.push(`${at(h)} has ${h.pins} pinned pages but refcount ${f.refcount}, pincount ${f.pincount} read as not pinned`);
    }
    return errs;
  },
};

export const refcountExact: Invariant = {
  id: 'gup/refcount-exact',
  claim: 'the kernel-visible _refcount/_pincount equal what the holders imply',
  check({ snapshot, holders }: InvariantContext) {
    if (!holders) return [];
    const errs: string[] = [];
    for (const h of holders) {
      const f = folioOf(snapshot, h);
      if (!f) {
        errs.push(`${at(h)} has holders but is not allocated`);
        continue;
      }
      const refcount = exactReferences(h) | 0;
      const pincount = h.order > 0 ? h.pins : 0;
      if (f.refcount !== refcount || f.pincount !== pincount || f.mapped !== h.mapped) {
        errs.push(
          `${at(h)}: refcount ${f.refcount}, pincount ${f.pincount}, mapped ${f.mapped}; holders (kernel ${h.kernel}, mapped ${h.mapped}, gets ${h.gets}, pins ${h.pins}) imply ${refcount}, ${pincount}, ${h.mapped}`,
        );
      }
    }
    const held = new Set(holders.map((h) => h.pfn));
    for (const f of snapshot.folios) if (!held.has(f.pfn)) errs.push(`folio pfn ${f.pfn} order ${f.order} is allocated but nothing holds it`);
    return errs;
  },
};

/**
 * Pinnability of a private node's folio follows the profile (DESIGN.md §7): the node's
 * NP_OPS_LONGTERM_PIN, or (zone-pin) its zone. Node flags can change after a pin is taken and the
 * RFC revokes no pins then, so that rule is judged when a pin is taken; the zone and pageblock rules
 * hold for every pinned folio after every op.
 */
export const longtermPinnable: Invariant = {
  id: 'gup/longterm-pinnable',
  claim: 'every folio with a FOLL_LONGTERM pin is longterm-pinnable (not ZONE_MOVABLE, not a CMA/ISOLATE pageblock, private only as the profile allows)',
  check({ config, profile, snapshot, holders, holdersBefore }: InvariantContext) {
    const errs: string[] = [];
    const types = pageblockTypes(snapshot);
    const priv = privateNodes(snapshot);
    const pinsBefore = new Map((holdersBefore ?? []).map((h) => [h.pfn, h.longtermPins]));
    for (const h of holders ?? []) {
      if (h.longtermPins === 0) continue;
      const f = folioOf(snapshot, h);
      if (!f) continue;
      const node = priv.get(f.nid);
      if (node && profile.privateNodes) {
        const newPin = h.longtermPins > (pinsBefore.get(h.pfn) ?? 0);
        const allowed = profile.privateNodes.pinnable === 'flag' ? node.longtermPin : f.zone !== 'ZONE_MOVABLE';
        if (newPin && !allowed) errs.push(`${at(h)} was long-term pinned on private node ${f.nid}, which ${profile.name} does not allow`);
      } else if (f.zone === 'ZONE_MOVABLE') errs.push(`${at(h)} is long-term pinned in ZONE_MOVABLE (node ${f.nid})`);
      const bad = typesCovered(types, config.pageblockOrder, h.pfn, 2 ** h.order).find((t) => t === 'MIGRATE_CMA' || t === 'MIGRATE_ISOLATE');
      if (bad) errs.push(`${at(h)} is long-term pinned in a ${bad} pageblock`);
    }
    return errs;
  },
};

export const pinnedStays: Invariant = {
  id: 'gup/pinned-stays',
  claim: 'a pinned folio never moves or is freed while pinned',
  check({ snapshot, before }: InvariantContext) {
    if (!before) return [];
    const errs: string[] = [];
    const live = new Map(snapshot.handles.map((h) => [h.handle, h]));
    const pinnedPfns = new Set<number>();
    for (const h of before.handles) {
      if (!h.handle.startsWith('u') || !live.has(h.handle)) continue;
      for (const pfn of h.pfns) {
        pinnedPfns.add(pfn);
        const was = folioAt(before, pfn);
        const now = folioAt(snapshot, pfn);
        if (was && (!now || now.pfn !== was.pfn || now.order !== was.order)) {
          errs.push(`${h.handle} pins pfn ${pfn}, but its folio (pfn ${was.pfn} order ${was.order}) ${now ? 'changed' : 'was freed'}`);
        }
      }
    }
    const vmasNow = new Map(snapshot.vmas.map((v) => [v.handle, v]));
    for (const v of before.vmas) {
      const now = vmasNow.get(v.handle);
      if (!now) continue;
      v.ptes.forEach((pfn, i) => {
        if (pfn !== null && pinnedPfns.has(pfn) && now.ptes[i] !== pfn) {
          errs.push(`${v.handle}[${i}] mapped pinned pfn ${pfn}, now ${now.ptes[i] ?? 'nothing'}: the pinned page moved`);
        }
      });
    }
    return errs;
  },
};

export const GUP_INVARIANTS: readonly Invariant[] = [noFalseNegative, refcountExact, longtermPinnable, pinnedStays];
