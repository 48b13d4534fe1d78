// A deterministic mixed op stream: allocations of many orders and gfp masks, frees, get/put and
// queries. Handle names depend on which allocations succeed, so the stream is recorded while it is
// applied to a reference system; any system making the same choices can replay it verbatim.
import type { MmSystem, Op, OpResult } from '../model/api/index.js';

/** mulberry32 */
export function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GFPS: readonly (readonly string[])[] = [
  ['GFP_KERNEL'],
  ['GFP_KERNEL'],
  ['GFP_HIGHUSER_MOVABLE'],
  ['GFP_HIGHUSER_MOVABLE'],
  ['GFP_USER'],
  ['GFP_KERNEL', '__GFP_RECLAIMABLE'],
  ['GFP_KERNEL', '__GFP_MOVABLE'],
  ['GFP_DMA32'],
  ['GFP_DMA'],
  ['GFP_HIGHUSER_MOVABLE', '__GFP_THISNODE'],
  ['GFP_ATOMIC'],
];

export interface Stream {
  readonly ops: readonly Op[];
  readonly results: readonly OpResult[];
}

/**
 * `count` ops recorded against `sys`. Allocated pages are kept near `fill` of the machine: above it
 * frees dominate, below it allocations do.
 */
export function recordStream(sys: MmSystem, count: number, totalPages: number, seed = 0x5eed, fill = 0.5, queryShare = 0.1): Stream {
  const rnd = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const kLive: { h: string; pages: number }[] = [];
  const gLive: string[] = [];
  const ops: Op[] = [];
  const results: OpResult[] = [];
  let allocated = 0;
  const take = <T>(a: T[]): T => {
    const i = Math.floor(rnd() * a.length);
    const v = a[i]!;
    a[i] = a[a.length - 1]!;
    a.pop();
    return v;
  };
  while (ops.length < count) {
    const r = rnd();
    const full = allocated > fill * totalPages;
    let op: Op;
    if (r < (full ? 0.2 : 0.45) || kLive.length === 0) {
      const x = rnd();
      const order = x < 0.55 ? 0 : x < 0.85 ? 1 + Math.floor(rnd() * 3) : 4 + Math.floor(rnd() * 6);
      const y = rnd();
      op = {
        op: 'alloc_pages',
        gfp: order === 9 && y < 0.5 ? ['GFP_TRANSHUGE'] : pick(GFPS),
        order,
        ...(y < 0.1 ? { nid: 1 } : y < 0.15 ? { nodemask: [1] } : y < 0.2 ? { task: 2 } : {}),
      };
    } else if (r < 0.75) {
      const k = take(kLive);
      op = { op: 'free_pages', page: k.h };
      allocated -= k.pages;
    } else if (r < 0.85) {
      const from = gLive.length > 0 && rnd() < 0.3 ? pick(gLive) : pick(kLive).h;
      op = { op: 'get_page', page: from, times: rnd() < 0.05 ? 1024 : 1 + Math.floor(rnd() * 3) };
    } else if (r < 1 - queryShare && gLive.length > 0) {
      op = { op: 'put_page', ref: take(gLive) };
    } else {
      op = { op: 'query', page: gLive.length > 0 && rnd() < 0.3 ? pick(gLive) : pick(kLive).h };
    }
    const res = sys.apply(op);
    ops.push(op);
    results.push(res);
    if (res.ret === 0 && op.op === 'alloc_pages' && 'page' in res) {
      kLive.push({ h: res.page, pages: 2 ** op.order });
      allocated += 2 ** op.order;
    } else if (res.ret === 0 && op.op === 'get_page' && 'ref' in res && res.ref !== undefined) gLive.push(res.ref);
  }
  return { ops, results };
}
