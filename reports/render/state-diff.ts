// "What changed" between two snapshots, in the words a kernel developer would use:
//   alloc pfn 8 o1 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@8, +o2 MOVABLE@12, +o1 MOVABLE@10;
//   NR_FREE_PAGES 64→62
import { MIGRATETYPE_NAMES } from '../../model/api/index.js';
import type { Migratetype, Snapshot, ZoneSnapshot } from '../../model/api/index.js';
import { shortMt } from './compact.js';

/** At most this many free-list or pageblock entries per part; the rest is counted. */
const MAX_ENTRIES = 12;

const zoneKey = (z: Pick<ZoneSnapshot, 'nid' | 'zone'>) => `n${z.nid} ${z.zone}`;

interface ListEntry {
  readonly order: number;
  readonly mt: string;
  readonly pfn: number;
}

function listEntries(z: ZoneSnapshot | undefined): Map<string, ListEntry> {
  const out = new Map<string, ListEntry>();
  z?.freeLists.forEach((byOrder, mti) => {
    const mt = shortMt(MIGRATETYPE_NAMES[mti] ?? `type${mti}`);
    byOrder.forEach((pfns, order) => {
      for (const pfn of pfns) out.set(`${order}/${mt}/${pfn}`, { order, mt, pfn });
    });
  });
  return out;
}

const byOrderThenPfn = (a: ListEntry, b: ListEntry) => b.order - a.order || a.pfn - b.pfn;

function capped(items: string[]): string {
  if (items.length <= MAX_ENTRIES) return items.join(', ');
  return `${items.slice(0, MAX_ENTRIES).join(', ')}, … ${items.length - MAX_ENTRIES} more`;
}

/** The pageblock type at `pfn` in a snapshot. */
export function pageblockTypeAt(s: Snapshot, pfn: number, pageblockOrder: number): Migratetype | undefined {
  const start = pfn - (pfn % 2 ** pageblockOrder);
  return s.pageblocks.find((pb) => pb.pfn === start)?.migratetype;
}

/**
 * The differences between consecutive states, as short parts (empty: nothing changed).
 * `pageblockOrder` lets a new folio report its pageblock type.
 */
export function describeStateChange(before: Snapshot, after: Snapshot, pageblockOrder: number): string[] {
  const parts: string[] = [];
  const multiZone = new Set([...before.zones, ...after.zones].map(zoneKey)).size > 1;

  // folios
  const oldFolios = new Map(before.folios.map((f) => [f.pfn, f]));
  const newFolios = new Map(after.folios.map((f) => [f.pfn, f]));
  for (const f of before.folios) {
    const g = newFolios.get(f.pfn);
    if (!g || g.order !== f.order) parts.push(`free pfn ${f.pfn} o${f.order}`);
  }
  for (const f of after.folios) {
    const o = oldFolios.get(f.pfn);
    if (!o || o.order !== f.order) {
      const mt = pageblockTypeAt(after, f.pfn, pageblockOrder);
      parts.push(`alloc pfn ${f.pfn} o${f.order} (n${f.nid} ${f.zone}${mt ? ` ${shortMt(mt)}` : ''})`);
      continue;
    }
    if (o.refcount !== f.refcount) parts.push(`pfn ${f.pfn} refcount ${o.refcount}→${f.refcount}`);
    if (o.pincount !== f.pincount) parts.push(`pfn ${f.pfn} pincount ${o.pincount}→${f.pincount}`);
  }

  // free lists and counters, zone by zone
  const keys = [...new Set([...before.zones, ...after.zones].map(zoneKey))];
  const removed: ListEntry[] = [];
  const added: ListEntry[] = [];
  const counters: string[] = [];
  for (const key of keys) {
    const zb = before.zones.find((z) => zoneKey(z) === key);
    const za = after.zones.find((z) => zoneKey(z) === key);
    const lb = listEntries(zb);
    const la = listEntries(za);
    for (const [k, e] of lb) if (!la.has(k)) removed.push(e);
    for (const [k, e] of la) if (!lb.has(k)) added.push(e);
    const where = multiZone ? `[${key}]` : '';
    const counter = (name: string, a: number | undefined, b: number | undefined) => {
      if (a !== b) counters.push(`${name}${where} ${a ?? '—'}→${b ?? '—'}`);
    };
    counter('NR_FREE_PAGES', zb?.nrFreePages, za?.nrFreePages);
    counter('NR_FREE_CMA_PAGES', zb?.nrFreeCmaPages, za?.nrFreeCmaPages);
    counter('managed', zb?.managedPages, za?.managedPages);
    counter('present', zb?.presentPages, za?.presentPages);
    counter('spanned', zb?.spannedPages, za?.spannedPages);
    counter('cma', zb?.cmaPages, za?.cmaPages);
  }
  const show = (sign: string) => (e: ListEntry) => `${sign}o${e.order} ${e.mt}@${e.pfn}`;
  const listChanges = [...removed.sort(byOrderThenPfn).map(show('-')), ...added.sort(byOrderThenPfn).map(show('+'))];
  if (listChanges.length > 0) parts.push(`free lists: ${capped(listChanges)}`);
  parts.push(...counters);

  // pageblock types
  const oldTypes = new Map(before.pageblocks.map((pb) => [pb.pfn, pb.migratetype]));
  const newTypes = new Map(after.pageblocks.map((pb) => [pb.pfn, pb.migratetype]));
  const retyped: string[] = [];
  for (const [pfn, mt] of newTypes) {
    const old = oldTypes.get(pfn);
    if (old === undefined) retyped.push(`+${pfn} ${shortMt(mt)}`);
    else if (old !== mt) retyped.push(`${pfn} ${shortMt(old)}→${shortMt(mt)}`);
  }
  for (const pfn of oldTypes.keys()) if (!newTypes.has(pfn)) retyped.push(`-${pfn}`);
  if (retyped.length > 0) parts.push(`pageblocks: ${capped(retyped)}`);

  // handles
  // handles: only the ones that died (a new handle is already in the result column)
  const newHandles = new Set(after.handles.map((h) => h.handle));
  const gone = before.handles.filter((h) => !newHandles.has(h.handle)).map((h) => `-${h.handle}`);
  if (gone.length > 0) parts.push(`handles: ${capped(gone)}`);

  // anything a later snapshot field adds (vmas, pins, …) that this file does not know yet
  const known = new Set(['zones', 'pageblocks', 'folios', 'handles']);
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (!known.has(k) && JSON.stringify(b[k]) !== JSON.stringify(a[k])) parts.push(`${k} changed`);
  }
  return parts;
}

/** The free lists of a state, per zone: `n0 ZONE_NORMAL: o3 MOVABLE@0,8,16,24; o3 CMA@32`. */
export function describeFreeLists(s: Snapshot): string[] {
  return s.zones.map((z) => {
    const lists: string[] = [];
    const maxOrder = Math.max(0, ...z.freeLists.map((l) => l.length)) - 1;
    for (let order = maxOrder; order >= 0; order--) {
      z.freeLists.forEach((byOrder, mti) => {
        const pfns = byOrder[order] ?? [];
        if (pfns.length === 0) return;
        const mt = shortMt(MIGRATETYPE_NAMES[mti] ?? `type${mti}`);
        const shown = pfns.length > MAX_ENTRIES ? `${pfns.slice(0, MAX_ENTRIES).join(',')},… (${pfns.length})` : pfns.join(',');
        lists.push(`o${order} ${mt}@${shown}`);
      });
    }
    return `${zoneKey(z)}: ${lists.length > 0 ? lists.join('; ') : 'no free pages'} (NR_FREE_PAGES ${z.nrFreePages})`;
  });
}
