// "What changed" between two snapshots, in the words a kernel developer would use:
//   alloc pfn 8 o1 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@8, +o2 MOVABLE@12, +o1 MOVABLE@10;
//   NR_FREE_PAGES 64→62
// and for user memory, pins, hotplug and policies:
//   free pfn 40 o0; alloc pfn 12 o0 (n0 ZONE_NORMAL MOVABLE; refcount 1025, mapped 1); v1[0]: pfn 40 → 12;
//   offline [32, 48) n0 ZONE_MOVABLE; tid 1 policy MPOL_DEFAULT→MPOL_INTERLEAVE[0,1], ilPrev -1→1
import { MIGRATETYPE_NAMES } from '../../model/api/index.js';
import type { FolioSnapshot, Migratetype, PageblockSnapshot, PolicySnapshot, PrivateNodeSnapshot, Snapshot, ZoneSnapshot } from '../../model/api/index.js';
import { shortMt } from './compact.js';
import { formatPolicy, inIntervals, maybeDmaPinned, intervalDifference, pfnWords, showRange, type Interval } from './ranges.js';

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

/** The pageblock type at `pfn` in a snapshot (pageblocks are ascending: binary search). */
export function pageblockTypeAt(s: Snapshot, pfn: number, pageblockOrder: number): Migratetype | undefined {
  const start = pfn - (pfn % 2 ** pageblockOrder);
  let lo = 0;
  let hi = s.pageblocks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const pb = s.pageblocks[mid] as PageblockSnapshot;
    if (pb.pfn === start) return pb.migratetype;
    if (pb.pfn < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** `refcount 1025, mapped 1`: what sets a folio apart from a fresh kernel allocation ('' when nothing). */
function folioExtras(f: FolioSnapshot): string {
  const out: string[] = [];
  if (f.refcount !== 1) out.push(`refcount ${f.refcount}`);
  if (f.pincount !== 0) out.push(`pincount ${f.pincount}`);
  if (f.mapped !== 0) out.push(`mapped ${f.mapped}`);
  return out.join(', ');
}

/** `pfn 40: refcount 1→1025, pincount 0→1` ('' when the counts are the same). */
function folioCountChanges(o: FolioSnapshot, f: FolioSnapshot): string {
  const out: string[] = [];
  if (o.refcount !== f.refcount) out.push(`refcount ${o.refcount}→${f.refcount}`);
  if (o.pincount !== f.pincount) out.push(`pincount ${o.pincount}→${f.pincount}`);
  if (o.mapped !== f.mapped) out.push(`mapped ${o.mapped}→${f.mapped}`);
  return out.length === 0 ? '' : `pfn ${f.pfn}: ${out.join(', ')}`;
}

interface PteChange {
  readonly index: number;
  readonly from: number | null;
  readonly to: number | null;
}

const next = (x: number | null) => (x === null ? null : x + 1);

/**
 * The pte changes of one VMA as runs: `v1[0..3] → pfn 32..35` (faulted in), `v1[2]: pfn 40 → 12`
 * (migrated), `v1[0..3] unmapped (pfn 32..35)`.
 */
export function describePteChanges(vma: string, changes: readonly PteChange[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < changes.length; ) {
    const first = changes[i] as PteChange;
    let j = i;
    for (;;) {
      const a = changes[j] as PteChange;
      const b = changes[j + 1];
      if (!b || b.index !== a.index + 1 || b.from !== next(a.from) || b.to !== next(a.to)) break;
      j++;
    }
    const last = changes[j] as PteChange;
    const idx = j === i ? `${vma}[${first.index}]` : `${vma}[${first.index}..${last.index}]`;
    const span = (a: number | null, b: number | null) => (a === b ? String(a) : `${a}..${b}`);
    if (first.from === null) out.push(`${idx} → pfn ${span(first.to, last.to)}`);
    else if (first.to === null) out.push(`${idx} unmapped (pfn ${span(first.from, last.from)})`);
    else out.push(`${idx}: pfn ${span(first.from, last.from)} → ${span(first.to, last.to)}`);
    i = j + 1;
  }
  return out;
}

function vmaChanges(before: Snapshot, after: Snapshot): string[] {
  const parts: string[] = [];
  const old = new Map(before.vmas.map((v) => [v.handle, v]));
  const now = new Map(after.vmas.map((v) => [v.handle, v]));
  const handles = [...before.vmas.map((v) => v.handle), ...after.vmas.filter((v) => !old.has(v.handle)).map((v) => v.handle)];
  for (const h of handles) {
    const b = old.get(h);
    const a = now.get(h);
    if (!b && a) {
      parts.push(`+${h}: tid ${a.task}, ${a.pages} ${a.pages === 1 ? 'page' : 'pages'}${a.folioOrder > 0 ? `, folio o${a.folioOrder}` : ''}`);
    }
    const changes: PteChange[] = [];
    const n = Math.max(b?.ptes.length ?? 0, a?.ptes.length ?? 0);
    for (let index = 0; index < n; index++) {
      const from = b?.ptes[index] ?? null;
      const to = a?.ptes[index] ?? null;
      if (from !== to) changes.push({ index, from, to });
    }
    const ptes = describePteChanges(h, changes);
    if (ptes.length > 0) parts.push(capped(ptes));
    if (a && b) {
      const policy = policyChange(b.policy, a.policy, 'none');
      if (policy) parts.push(`${h} policy ${policy}`);
    }
  }
  return parts;
}

/** `MPOL_BIND[0]→MPOL_BIND[1] (cpuset [0,1]→[1,2])`, or '' when equal. */
function policyChange(b: PolicySnapshot | null, a: PolicySnapshot | null, ifNull: string): string {
  if (JSON.stringify(b) === JSON.stringify(a)) return '';
  const fb = formatPolicy(b, ifNull);
  const fa = formatPolicy(a, ifNull);
  const cpuset = b && a && JSON.stringify(b.cpusetMems) !== JSON.stringify(a.cpusetMems) ? ` (cpuset [${b.cpusetMems.join(',')}]→[${a.cpusetMems.join(',')}])` : '';
  return `${fb === fa ? fa : `${fb}→${fa}`}${cpuset}`;
}

function taskChanges(before: Snapshot, after: Snapshot): string[] {
  const parts: string[] = [];
  const old = new Map(before.tasks.map((t) => [t.tid, t]));
  for (const t of after.tasks) {
    const o = old.get(t.tid);
    if (!o) continue;
    const out: string[] = [];
    if (JSON.stringify(o.mems) !== JSON.stringify(t.mems)) out.push(`mems [${o.mems.join(',')}]→[${t.mems.join(',')}]`);
    const policy = policyChange(o.policy, t.policy, 'MPOL_DEFAULT');
    if (policy) out.push(`policy ${policy}`);
    if (o.ilPrev !== t.ilPrev) out.push(`ilPrev ${o.ilPrev}→${t.ilPrev}`);
    if (out.length > 0) parts.push(`tid ${t.tid} ${out.join(', ')}`);
  }
  return parts;
}

/**
 * A private node's ops in a state change: `MIGRATION|MEMPOLICY (migrate_to, folio_migrate)`
 * (NP_OPS_ left off), `0 (no callbacks)` for an empty set, `none` when no ops are registered.
 */
export function formatNodeOps(ops: PrivateNodeSnapshot['ops']): string {
  if (ops === null) return 'none';
  const flags = ops.flags.length === 0 ? '0' : ops.flags.map((f) => f.replace(/^NP_OPS_/, '')).join('|');
  return `${flags} (${ops.callbacks.length === 0 ? 'no callbacks' : ops.callbacks.join(', ')})`;
}

/** `n2 ops none→MIGRATION|MEMPOLICY (migrate_to, folio_migrate)`: node_private_set_ops / clear_ops. */
function privateNodeChanges(before: Snapshot, after: Snapshot): string[] {
  const old = new Map((before.privateNodes ?? []).map((p) => [p.nid, p]));
  const parts: string[] = [];
  for (const p of after.privateNodes ?? []) {
    const o = old.get(p.nid);
    if (!o || JSON.stringify(o.ops) === JSON.stringify(p.ops)) continue;
    parts.push(`n${p.nid} ops ${formatNodeOps(o.ops)}→${formatNodeOps(p.ops)}`);
  }
  return parts;
}

type Keyed = Interval & { readonly key: string };

/** Present memory that appeared (online) or went away (offline), per node and zone. */
function memoryChanges(before: Snapshot, after: Snapshot): { parts: string[]; added: Interval[]; removed: Interval[] } {
  const byKey = (s: Snapshot) => {
    const m = new Map<string, Interval[]>();
    for (const r of s.memory) {
      const key = `n${r.nid} ${r.zone}`;
      const list = m.get(key) ?? [];
      list.push({ start: r.pfn, end: r.pfn + r.nrPages });
      m.set(key, list);
    }
    return m;
  };
  const mb = byKey(before);
  const ma = byKey(after);
  const added: Keyed[] = [];
  const removed: Keyed[] = [];
  for (const key of new Set([...mb.keys(), ...ma.keys()])) {
    for (const x of intervalDifference(ma.get(key) ?? [], mb.get(key) ?? [])) added.push({ ...x, key });
    for (const x of intervalDifference(mb.get(key) ?? [], ma.get(key) ?? [])) removed.push({ ...x, key });
  }
  const byStart = (x: Interval, y: Interval) => x.start - y.start;
  removed.sort(byStart);
  added.sort(byStart);
  const parts = [
    ...removed.map((x) => `offline ${showRange(x.start, x.end)} ${x.key}`),
    ...added.map((x) => `online ${showRange(x.start, x.end)} ${x.key}`),
  ];
  return { parts, added, removed };
}

/**
 * Pageblock type changes as pfn ranges: `[4, 6) MOVABLE→CMA`; pageblocks that appear or go away
 * with onlined or offlined memory are left to the online/offline part.
 */
function pageblockChanges(before: Snapshot, after: Snapshot, pageblockOrder: number, memory: { added: Interval[]; removed: Interval[] }): string[] {
  const pb = 2 ** pageblockOrder;
  const oldTypes = new Map(before.pageblocks.map((p) => [p.pfn, p.migratetype]));
  const newTypes = new Map(after.pageblocks.map((p) => [p.pfn, p.migratetype]));
  const items: { pfn: number; what: string }[] = [];
  for (const [pfn, mt] of newTypes) {
    const old = oldTypes.get(pfn);
    if (old === undefined) {
      if (!inIntervals(memory.added, pfn)) items.push({ pfn, what: `+${shortMt(mt)}` });
    } else if (old !== mt) items.push({ pfn, what: `${shortMt(old)}→${shortMt(mt)}` });
  }
  for (const [pfn, mt] of oldTypes) {
    if (!newTypes.has(pfn) && !inIntervals(memory.removed, pfn)) items.push({ pfn, what: `-${shortMt(mt)}` });
  }
  items.sort((a, b) => a.pfn - b.pfn);
  const out: string[] = [];
  for (let i = 0; i < items.length; ) {
    const first = items[i] as { pfn: number; what: string };
    let j = i;
    while (j + 1 < items.length && items[j + 1]?.what === first.what && items[j + 1]?.pfn === (items[j]?.pfn as number) + pb) j++;
    const end = (items[j]?.pfn as number) + pb;
    const w = first.what;
    out.push(w.startsWith('+') || w.startsWith('-') ? `${w[0]}${showRange(first.pfn, end)} ${w.slice(1)}` : `${showRange(first.pfn, end)} ${w}`);
    i = j + 1;
  }
  return out;
}

/** Handle kinds whose death is worth its pfns (references and pins; k, c and v show elsewhere). */
const SHOW_PFNS_OF = /^[gu]/;

/**
 * The differences between consecutive states, as short parts (empty: nothing changed).
 * `pageblockOrder` lets a new folio report its pageblock type and groups pageblock changes.
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
      const extras = folioExtras(f);
      parts.push(`alloc pfn ${f.pfn} o${f.order} (n${f.nid} ${f.zone}${mt ? ` ${shortMt(mt)}` : ''}${extras ? `; ${extras}` : ''})`);
      continue;
    }
    const counts = folioCountChanges(o, f);
    if (counts) parts.push(counts);
  }

  // user mappings and policies
  parts.push(...vmaChanges(before, after));

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
    if (!zb || !za) {
      // a zone that online_pages populated for the first time (zones never leave the snapshot)
      counters.push(`${zb ? '-' : '+'}zone ${key}`);
      continue;
    }
    const counter = (name: string, a: number, b: number) => {
      if (a !== b) counters.push(`${name}${where} ${a}→${b}`);
    };
    counter('NR_FREE_PAGES', zb.nrFreePages, za.nrFreePages);
    counter('NR_FREE_CMA_PAGES', zb.nrFreeCmaPages, za.nrFreeCmaPages);
    counter('managed', zb.managedPages, za.managedPages);
    counter('present', zb.presentPages, za.presentPages);
    counter('start_pfn', zb.startPfn, za.startPfn);
    counter('spanned', zb.spannedPages, za.spannedPages);
    counter('cma', zb.cmaPages, za.cmaPages);
  }
  const show = (sign: string) => (e: ListEntry) => `${sign}o${e.order} ${e.mt}@${e.pfn}`;
  const listChanges = [...removed.sort(byOrderThenPfn).map(show('-')), ...added.sort(byOrderThenPfn).map(show('+'))];
  if (listChanges.length > 0) parts.push(`free lists: ${capped(listChanges)}`);
  parts.push(...counters);

  // hotplug: present memory that went offline or came online
  const memory = memoryChanges(before, after);
  parts.push(...memory.parts);

  // pageblock types
  const retyped = pageblockChanges(before, after, pageblockOrder, memory);
  if (retyped.length > 0) parts.push(`pageblocks: ${capped(retyped)}`);

  // cma_alloc ranges
  const oldCma = new Set(before.cmaAllocations.map((c) => c.handle));
  const newCma = new Set(after.cmaAllocations.map((c) => c.handle));
  const cma = [
    ...before.cmaAllocations.filter((c) => !newCma.has(c.handle)).map((c) => `-${c.handle} ${showRange(c.pfn, c.pfn + c.nrPages)}`),
    ...after.cmaAllocations.filter((c) => !oldCma.has(c.handle)).map((c) => `+${c.handle} ${showRange(c.pfn, c.pfn + c.nrPages)} area ${c.area}`),
  ];
  if (cma.length > 0) parts.push(`cma: ${capped(cma)}`);

  // tasks: cpuset, policy, interleave cursor
  parts.push(...taskChanges(before, after));

  // private nodes' registered ops
  parts.push(...privateNodeChanges(before, after));

  // handles: only the ones that died (a new handle is already in the result column)
  const newHandles = new Set(after.handles.map((h) => h.handle));
  const gone = before.handles
    .filter((h) => !newHandles.has(h.handle))
    .map((h) => (SHOW_PFNS_OF.test(h.handle) && h.pfns.length > 0 ? `-${h.handle} (${pfnWords(h.pfns)})` : `-${h.handle}`));
  if (gone.length > 0) parts.push(`handles: ${capped(gone)}`);

  // anything a later snapshot field adds that this file does not know yet
  const known = new Set(['zones', 'memory', 'offline', 'pageblocks', 'folios', 'cmaAllocations', 'handles', 'tasks', 'vmas', 'privateNodes']);
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

/** `[0..3] → pfn 32..35, [5] → pfn 40` (pages not present are left out). */
export function describePtes(ptes: readonly (number | null)[]): string {
  const changes: PteChange[] = [];
  ptes.forEach((to, index) => {
    if (to !== null) changes.push({ index, from: null, to });
  });
  if (changes.length === 0) return 'nothing mapped';
  return capped(describePteChanges('', changes));
}

/**
 * The parts of a state beyond the buddy allocator, one line each: private nodes with their ops,
 * task policies, VMAs with their mappings and policies, maybe-DMA-pinned folios, offline ranges
 * and cma_alloc ranges.
 */
export function describeUserState(s: Snapshot): string[] {
  const lines: string[] = [];
  for (const p of s.privateNodes ?? []) {
    const folios = s.folios.filter((f) => f.nid === p.nid);
    const held = folios.length === 0 ? 'no folios' : `folios at ${capped(folios.map((f) => `pfn ${f.pfn}${f.order > 0 ? ` o${f.order}` : ''}`))}`;
    lines.push(`private node ${p.nid}: ops ${formatNodeOps(p.ops)}; ${held}`);
  }
  for (const t of s.tasks) {
    const policy = formatPolicy(t.policy, 'MPOL_DEFAULT');
    lines.push(`tid ${t.tid} (node ${t.nid}, mems [${t.mems.join(',')}]): ${policy}${t.ilPrev >= 0 ? `, ilPrev ${t.ilPrev}` : ''}`);
  }
  for (const v of s.vmas) {
    const policy = v.policy ? `, policy ${formatPolicy(v.policy, 'none')}` : '';
    lines.push(`${v.handle} (tid ${v.task}, ${v.pages} ${v.pages === 1 ? 'page' : 'pages'}${v.folioOrder > 0 ? `, folio o${v.folioOrder}` : ''}${policy}): ${describePtes(v.ptes)}`);
  }
  const pinned = s.folios.filter((f) => f.pincount > 0 || maybeDmaPinned(f));
  if (pinned.length > 0) {
    lines.push(`maybe DMA-pinned: ${capped(pinned.map((f) => `pfn ${f.pfn} o${f.order} (n${f.nid} ${f.zone}; refcount ${f.refcount}${f.order > 0 ? `, pincount ${f.pincount}` : ''})`))}`);
  }
  if (s.offline.length > 0) lines.push(`offline: ${capped(s.offline.map((r) => showRange(r.pfn, r.pfn + r.nrPages)))}`);
  if (s.cmaAllocations.length > 0) {
    lines.push(`cma_alloc: ${capped(s.cmaAllocations.map((c) => `${c.handle} ${showRange(c.pfn, c.pfn + c.nrPages)} area ${c.area}`))}`);
  }
  return lines;
}
