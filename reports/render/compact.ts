// One-line descriptions of ops and results, for step tables. Ops and results are read as plain
// records so ops added later (GUP, mempolicy, hotplug) print sensibly before anyone teaches this
// file about them.
import type { Migratetype, MmEvent, Op, OpResult } from '../../model/api/index.js';

/** MIGRATE_MOVABLE -> MOVABLE */
export function shortMt(mt: Migratetype | string): string {
  return mt.replace(/^MIGRATE_/, '');
}

/** Fields whose string lists are flag sets, printed `A|B`. */
const FLAG_LIST_KEYS: ReadonlySet<string> = new Set(['gfp', 'gup_flags', 'flags']);

function value(key: string, v: unknown): string {
  if (Array.isArray(v)) {
    if (FLAG_LIST_KEYS.has(key)) return v.length === 0 ? '0' : v.join('|');
    return `[${v.map((x) => value('', x)).join(',')}]`;
  }
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
}

/** `alloc_pages(GFP_KERNEL|__GFP_THISNODE, order=0, nid=1)`, `free_pages(k1)`, `get_page(k1, times=1024)`. */
export function formatOp(op: Op): string {
  const fields = Object.entries(op as unknown as Record<string, unknown>).filter(([k, v]) => k !== 'op' && v !== undefined);
  const args = fields.map(([k, v], i) => (i === 0 ? value(k, v) : `${k}=${value(k, v)}`));
  return `${op.op}(${args.join(', ')})`;
}

const HANDLE_KEYS = ['page', 'ref', 'vma', 'pin', 'cma'];
const PLACEMENT_KEYS = ['pfn', 'nid', 'zone', 'migratetype', 'order'];

/** `pfn 8 o1 n0 ZONE_NORMAL MOVABLE` for whatever placement fields a record has. */
export function formatPlacement(r: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  if (r.pfn !== undefined) parts.push(`pfn ${String(r.pfn)}`);
  if (typeof r.order === 'number') parts.push(`o${r.order}`);
  if (r.nid !== undefined) parts.push(`n${String(r.nid)}`);
  if (typeof r.zone === 'string') parts.push(r.zone);
  if (typeof r.migratetype === 'string') parts.push(shortMt(r.migratetype));
  return parts.join(' ');
}

/**
 * `-ENOMEM`; `0`; `k1 pfn 8 o1 n0 ZONE_NORMAL MOVABLE`; `g1`;
 * `pfn 8 n0 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=0`.
 */
export function formatResult(result: OpResult): string {
  const r = result as unknown as Record<string, unknown>;
  if (typeof r.ret === 'string') return r.ret;
  const parts: string[] = [];
  if (r.ret !== 0) parts.push(`ret=${String(r.ret)}`);
  for (const k of HANDLE_KEYS) if (typeof r[k] === 'string') parts.push(r[k] as string);
  const placement = formatPlacement(r);
  if (placement) parts.push(placement);
  for (const [k, v] of Object.entries(r)) {
    if (k === 'ret' || HANDLE_KEYS.includes(k) || PLACEMENT_KEYS.includes(k) || v === undefined) continue;
    if (Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null)) {
      parts.push(`${k}=[${v.map((x) => formatRecord(x as Record<string, unknown>)).join('; ')}]`);
    } else {
      parts.push(`${k}=${value(k, v)}`);
    }
  }
  return parts.length === 0 ? '0' : parts.join(' ');
}

function formatRecord(r: Readonly<Record<string, unknown>>): string {
  const rest = Object.entries(r)
    .filter(([k, v]) => !PLACEMENT_KEYS.includes(k) && v !== undefined)
    .map(([k, v]) => `${k}=${value(k, v)}`);
  return [formatPlacement(r), ...rest].filter((s) => s !== '').join(' ');
}

/** Every pfn a result names (its own `pfn`, and those of listed pages), for highlighting. */
export function resultPfns(result: OpResult): number[] {
  const out = new Set<number>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'pfn' && typeof x === 'number') out.add(x);
        else visit(x);
      }
    }
  };
  visit(result);
  return [...out].sort((a, b) => a - b);
}

/**
 * `expand o3→o0, fallback UNMOVABLE→MOVABLE, merge o1,o2,o3, merge gate stop`: the events of one op,
 * consecutive merges folded into one entry.
 */
export function formatEvents(events: readonly MmEvent[]): string {
  const out: string[] = [];
  let merges: number[] = [];
  const flush = () => {
    if (merges.length > 0) out.push(`merge o${merges.join(',o')}`);
    merges = [];
  };
  for (const e of events) {
    if (e.kind === 'merge') {
      merges.push(e.order);
      continue;
    }
    flush();
    const r = e as unknown as Record<string, unknown>;
    if (e.kind === 'expand') out.push(`expand o${e.fromOrder}→o${e.toOrder}`);
    else if (e.kind === 'fallback') out.push(`fallback ${shortMt(e.from)}→${shortMt(e.to)}`);
    else {
      const rest = Object.entries(r).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${value(k, v)}`);
      out.push([String(r.kind).replace(/-/g, ' '), ...rest].join(' '));
    }
  }
  flush();
  return out.join(', ');
}
