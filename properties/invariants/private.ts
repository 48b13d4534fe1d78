// private/*: nothing lands on a private node without __GFP_PRIVATE, and nothing leaves one whose
// driver cannot migrate (DESIGN.md §7, §9; private_nodes.md R6, R16).
import { GFP_BITS } from '../../model/api/index.js';
import type { Snapshot } from '../../model/api/index.js';
import type { Invariant, InvariantContext } from '../findings.js';
import { zoneOf, zoneRanges } from './layout.js';

/** gfp mask → `GFP_KERNEL`-style names of its single bits. */
export function gfpBitNames(mask: number): string {
  const names = Object.entries(GFP_BITS)
    .filter(([, bit]) => (mask & bit) !== 0)
    .map(([name]) => name);
  return names.length > 0 ? names.join('|') : '0';
}

/** Private node ids and whether each may migrate folios out (NP_OPS_MIGRATION in its current ops). */
export function privateNodes(s: Snapshot): Map<number, { migration: boolean; longtermPin: boolean }> {
  return new Map(
    s.privateNodes.map((p) => [
      p.nid,
      { migration: p.ops?.flags.includes('NP_OPS_MIGRATION') ?? false, longtermPin: p.ops?.flags.includes('NP_OPS_LONGTERM_PIN') ?? false },
    ]),
  );
}

export const noLeak: Invariant = {
  id: 'private/no-leak',
  claim: 'a folio on a private node got there only through a request with __GFP_PRIVATE (allocation gate, migrate_to, MPOL_F_PRIVATE)',
  check({ snapshot, holders }: InvariantContext) {
    const priv = privateNodes(snapshot);
    if (priv.size === 0 || !holders) return [];
    const errs: string[] = [];
    const nidOf = new Map(snapshot.folios.map((f) => [f.pfn, f.nid]));
    for (const h of holders) {
      const nid = nidOf.get(h.pfn);
      if (nid === undefined || !priv.has(nid) || (h.placement.gfp & GFP_BITS.__GFP_PRIVATE) !== 0) continue;
      errs.push(`folio pfn ${h.pfn} order ${h.order} on private node ${nid} was placed by ${h.placement.path} with ${gfpBitNames(h.placement.gfp)}, without __GFP_PRIVATE`);
    }
    return errs;
  },
};

export const noMigrateOut: Invariant = {
  id: 'private/no-migrate-out',
  claim: 'a folio on a private node without NP_OPS_MIGRATION never moves',
  check({ snapshot, before }: InvariantContext) {
    if (!before) return [];
    const priv = privateNodes(before);
    if (priv.size === 0) return [];
    const errs: string[] = [];
    const zones = zoneRanges(before);
    const now = new Map(snapshot.vmas.map((v) => [v.handle, v]));
    for (const v of before.vmas) {
      const after = now.get(v.handle);
      if (!after) continue;
      v.ptes.forEach((pfn, i) => {
        if (pfn === null) return;
        const nid = zoneOf(zones, pfn)?.nid;
        const node = nid === undefined ? undefined : priv.get(nid);
        if (!node || node.migration) return;
        const moved = after.ptes[i];
        if (moved !== null && moved !== undefined && moved !== pfn) {
          errs.push(`${v.handle}[${i}] was on private node ${nid} (pfn ${pfn}, no NP_OPS_MIGRATION) and moved to pfn ${moved}`);
        }
      });
    }
    return errs;
  },
};

export const PRIVATE_INVARIANTS: readonly Invariant[] = [noLeak, noMigrateOut];
