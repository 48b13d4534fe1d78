// A deterministic GUP-heavy op stream: mmap, touch, pin_user_pages[_fast] (plain and FOLL_LONGTERM),
// get_user_pages[_fast], unpin / put_page, queries and munmap on a machine with ZONE_MOVABLE and CMA,
// so long-term pins keep migrating folios out of ZONE_MOVABLE and out of CMA pageblocks. Recorded
// while applied to a reference system (handle names depend on which calls succeed).
import type { MachineConfig, MmSystem, Op, OpResult } from '../model/api/index.js';
import { prng, type Stream } from './stream.js';

/**
 * 2^16 pages on two nodes. Node 0: ZONE_MOVABLE takes the first faults; ZONE_NORMAL is mostly a CMA
 * area, so faults spill into CMA once ZONE_MOVABLE fills; long-term pin targets land in the
 * MOVABLE-type pageblocks of ZONE_NORMAL and ZONE_DMA32 (or on node 1).
 */
export const GUP_MACHINE: MachineConfig = {
  maxOrder: 10,
  pageblockOrder: 9,
  nodes: [
    { nid: 0, zones: { ZONE_DMA32: [0, 8192], ZONE_NORMAL: [8192, 16384], ZONE_MOVABLE: [24576, 4096] }, cma: [[10240, 14336]] },
    { nid: 1, zones: { ZONE_NORMAL: [32768, 16384], ZONE_MOVABLE: [49152, 16384] } },
  ],
  tasks: [
    { tid: 1, nid: 0 },
    { tid: 2, nid: 0, mems: [0] },
    { tid: 3, nid: 1 },
  ],
};

const PIN_FLAGS: readonly (readonly string[])[] = [[], ['FOLL_WRITE'], ['FOLL_LONGTERM'], ['FOLL_WRITE', 'FOLL_LONGTERM'], ['FOLL_LONGTERM']];
const GET_FLAGS: readonly (readonly string[])[] = [[], ['FOLL_WRITE']];
const SIZES = [16, 32, 64, 128, 256] as const;

interface LiveVma {
  readonly h: string;
  readonly pages: number;
}

/**
 * `count` ops. VMAs are kept near `fill` of the machine's pages (virtual size); pins and references
 * are released about as often as they are taken. Without `keepResults` the results are dropped as
 * the stream is recorded, so no result outlives its op: V8 then does not learn to pretenure the
 * allocation sites of the recording system's results, which would slow every later replay.
 */
export function recordGupStream(sys: MmSystem, count: number, totalPages: number, seed = 0x6075, fill = 0.6, keepResults = true): Stream {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;
  const take = <T>(a: T[]): T => {
    const i = int(a.length);
    const v = a[i]!;
    a[i] = a[a.length - 1]!;
    a.pop();
    return v;
  };
  const vmas: LiveVma[] = [];
  const pins: string[] = [];
  const refs: string[] = [];
  const ops: Op[] = [];
  const results: OpResult[] = [];
  let virt = 0;
  while (ops.length < count) {
    const r = rnd();
    let op: Op;
    const range = (v: LiveVma) => {
      const index = int(v.pages);
      return { index, nr: 1 + int(Math.min(24, v.pages - index)) };
    };
    if (vmas.length < 4 || (r < 0.06 && virt < fill * totalPages)) {
      const pages = pick(SIZES);
      op = { op: 'mmap', task: 1 + int(3), pages, folioOrder: rnd() < 0.7 ? 0 : 2 };
    } else if (r < 0.1 && (virt > fill * totalPages || vmas.length > 48)) {
      const v = take(vmas);
      virt -= v.pages;
      op = { op: 'munmap', vma: v.h };
    } else if (r < 0.22) {
      const v = pick(vmas);
      const { index, nr } = range(v);
      op = { op: 'touch', vma: v.h, index, count: nr };
    } else if (r < 0.46) {
      const v = pick(vmas);
      const { index, nr } = range(v);
      op = { op: rnd() < 0.5 ? 'pin_user_pages' : 'pin_user_pages_fast', vma: v.h, index, nr, gup_flags: pick(PIN_FLAGS) };
    } else if (r < 0.58) {
      const v = pick(vmas);
      const { index, nr } = range(v);
      op = { op: rnd() < 0.5 ? 'get_user_pages' : 'get_user_pages_fast', vma: v.h, index, nr, gup_flags: pick(GET_FLAGS) };
    } else if (r < 0.8 && pins.length > 0) {
      op = { op: 'unpin_user_pages', pin: take(pins) };
    } else if (r < 0.92 && refs.length > 0) {
      op = { op: 'put_page', ref: take(refs) };
    } else {
      const v = pick(vmas);
      op = { op: 'query', vma: v.h, index: int(v.pages) };
    }
    const res = sys.apply(op);
    ops.push(op);
    if (keepResults) results.push(res);
    if (res.ret === 0 && op.op === 'mmap' && 'vma' in res) {
      vmas.push({ h: res.vma, pages: op.pages });
      virt += op.pages;
    } else if (typeof res.ret === 'number' && res.ret > 0 && 'pin' in res && res.pin !== undefined) pins.push(res.pin);
    else if (typeof res.ret === 'number' && res.ret > 0 && 'ref' in res && res.ref !== undefined) refs.push(res.ref);
  }
  return { ops, results };
}
