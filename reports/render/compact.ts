// One-line descriptions of ops and results, for step tables. Ops and results are read as plain
// records (with a few op-specific forms: touch, GUP, move_pages) so an op added later prints
// sensibly before anyone teaches this file about it.
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

/** Fields printed bare (without `key=`) when they come first: what the op acts on. */
const BARE_KEYS: ReadonlySet<string> = new Set(['gfp', 'page', 'ref', 'vma', 'pin', 'cma', 'attr']);

/**
 * `alloc_pages(GFP_KERNEL|__GFP_THISNODE, order=0, nid=1)`, `free_pages(k1)`, `get_page(k1, times=1024)`,
 * `pin_user_pages(v1[0], nr=1, gup_flags=FOLL_LONGTERM)`, `mmap(task=1, pages=4)`,
 * `node_private_set_ops(nid=2, flags=NP_OPS_MIGRATION|NP_OPS_MEMPOLICY, callbacks=[migrate_to,folio_migrate])`,
 * `read_sysfs(has_memory)`.
 */
export function formatOp(op: Op): string {
  const rec = op as unknown as Record<string, unknown>;
  let fields = Object.entries(rec).filter(([k, v]) => k !== 'op' && v !== undefined);
  const args: string[] = [];
  if (typeof rec.vma === 'string' && typeof rec.index === 'number') {
    args.push(`${rec.vma}[${rec.index}]`);
    fields = fields.filter(([k]) => k !== 'vma' && k !== 'index');
  }
  fields.forEach(([k, v], i) => args.push(i === 0 && args.length === 0 && BARE_KEYS.has(k) ? value(k, v) : `${k}=${value(k, v)}`));
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

const GUP_OPS: ReadonlySet<string> = new Set(['get_user_pages', 'get_user_pages_fast', 'pin_user_pages', 'pin_user_pages_fast']);
/** At most this many runs of pages in a touch or GUP result; the rest is counted. */
const MAX_PAGE_RUNS = 12;

const pages = (n: number) => `${n} ${n === 1 ? 'page' : 'pages'}`;

/**
 * `[0..3] pfn 32..35 n0 ZONE_MOVABLE, [4] pfn 12 n0 ZONE_NORMAL migrated`: the pages of a touch or
 * GUP result, consecutive indexes on consecutive pfns of one zone folded into runs.
 */
export function formatPageRuns(list: readonly Readonly<Record<string, unknown>>[]): string {
  const out: string[] = [];
  const same = (a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>) =>
    b.index === (a.index as number) + 1 && b.pfn === (a.pfn as number) + 1 && b.nid === a.nid && b.zone === a.zone && b.migrated === a.migrated;
  for (let i = 0; i < list.length; ) {
    const first = list[i] as Readonly<Record<string, unknown>>;
    let j = i;
    while (j + 1 < list.length && same(list[j] as Readonly<Record<string, unknown>>, list[j + 1] as Readonly<Record<string, unknown>>)) j++;
    const last = list[j] as Readonly<Record<string, unknown>>;
    const idx = j === i ? `[${String(first.index)}]` : `[${String(first.index)}..${String(last.index)}]`;
    const pfn = j === i ? `pfn ${String(first.pfn)}` : `pfn ${String(first.pfn)}..${String(last.pfn)}`;
    out.push(`${idx} ${pfn} n${String(first.nid)} ${String(first.zone)}${first.migrated === true ? ' migrated' : ''}`);
    i = j + 1;
  }
  if (out.length <= MAX_PAGE_RUNS) return out.join(', ');
  return `${out.slice(0, MAX_PAGE_RUNS).join(', ')}, … ${out.length - MAX_PAGE_RUNS} more runs`;
}

/**
 * `-ENOMEM`; `0`; `k1 pfn 8 o1 n0 ZONE_NORMAL MOVABLE`; `g1`;
 * `pfn 8 n0 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=0`;
 * touch: `4 pages faulted: [0..3] pfn 32..35 n0 ZONE_MOVABLE`;
 * GUP: `1 page, u1, migrated: 1; [0] pfn 12 n0 ZONE_NORMAL migrated` (`0 pages` when none);
 * move_pages: `status: node 1` or `status: -EBUSY`; read_sysfs: `nodes [0, 2]`.
 * `op` (when given) settles which op the result belongs to; without it the shape decides.
 */
export function formatResult(result: OpResult, op?: Op): string {
  const r = result as unknown as Record<string, unknown>;
  if (typeof r.ret === 'string') return r.ret;
  const list = Array.isArray(r.pages) ? (r.pages as Readonly<Record<string, unknown>>[]) : undefined;
  const gup =
    op ? GUP_OPS.has(op.op)
    : list !== undefined && (r.ret !== 0 || typeof r.pin === 'string' || typeof r.ref === 'string' || list.some((p) => 'migrated' in p));
  if (gup) {
    const n = typeof r.ret === 'number' ? r.ret : 0;
    const handle = [r.ref, r.pin].filter((h): h is string => typeof h === 'string');
    if (n === 0 && handle.length === 0 && (list ?? []).length === 0) return '0 pages';
    const migrated = (list ?? []).filter((p) => p.migrated === true).length;
    return `${[pages(n), ...handle, `migrated: ${migrated}`].join(', ')}${list && list.length > 0 ? `; ${formatPageRuns(list)}` : ''}`;
  }
  if (list !== undefined && (op === undefined || op.op === 'touch')) {
    return `${pages(list.length)} faulted${list.length > 0 ? `: ${formatPageRuns(list)}` : ''}`;
  }
  if (op?.op === 'move_pages' || ('status' in r && Object.keys(r).length === 2)) {
    return `status: ${typeof r.status === 'number' ? `node ${r.status}` : String(r.status)}`;
  }
  if (Array.isArray(r.nodes) && (op?.op === 'read_sysfs' || (op === undefined && Object.keys(r).length === 2))) {
    return `nodes [${(r.nodes as unknown[]).map(String).join(', ')}]`;
  }
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

/** One event in words; merges are folded by the caller. */
function formatEvent(e: MmEvent): string {
  switch (e.kind) {
    case 'expand':
      return `expand o${e.fromOrder}→o${e.toOrder}`;
    case 'fallback':
      return `fallback ${shortMt(e.from)}→${shortMt(e.to)}`;
    case 'fault':
      return `fault o${e.order}`;
    case 'pin':
      return e.large ? 'pin large' : 'pin small';
    case 'longterm-unpinnable':
      return `longterm unpinnable (${shortMt(e.why)})`;
    case 'longterm-failed':
      return `longterm failed ${e.ret}`;
    case 'migrate':
      return `migrate (${e.reason}) ${e.fromZone}→${e.toZone}${e.remote ? ' remote' : ''}`;
    case 'migrate-failed':
      return `migrate failed (${e.reason}: ${e.why})`;
    case 'isolate-failed':
      return `isolate failed (${e.why})`;
    case 'private-gate':
      return 'private gate skip';
    case 'private-placement':
      return `private placement (${e.path})`;
    case 'private-migrate-refused':
      return `private migrate refused (${e.reason})`;
    case 'private-pin':
      return 'longterm pin on private node';
    case 'mpol-private':
      return 'MPOL_F_PRIVATE';
    default: {
      const r = e as unknown as Record<string, unknown>;
      const rest = Object.entries(r).filter(([k]) => k !== 'kind').map(([k, v]) => `${k}=${value(k, v)}`);
      return [String(r.kind).replace(/-/g, ' '), ...rest].join(' ');
    }
  }
}

/**
 * `expand o3→o0, fallback UNMOVABLE→MOVABLE, merge o1,o2,o3, merge gate stop, fault o0 ×4`: the
 * events of one op, consecutive merges folded into one entry and repeats counted.
 */
export function formatEvents(events: readonly MmEvent[]): string {
  const out: string[] = [];
  let merges: number[] = [];
  let last = '';
  let repeats = 0;
  const emit = (s: string) => {
    if (s === last) {
      repeats++;
      return;
    }
    if (last !== '') out.push(repeats > 1 ? `${last} ×${repeats}` : last);
    last = s;
    repeats = 1;
  };
  const flush = () => {
    if (merges.length > 0) emit(`merge o${merges.join(',o')}`);
    merges = [];
  };
  for (const e of events) {
    if (e.kind === 'merge') {
      merges.push(e.order);
      continue;
    }
    flush();
    emit(formatEvent(e));
  }
  flush();
  emit('');
  return out.join(', ');
}
