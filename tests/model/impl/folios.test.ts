// FolioTable through the system: handles name folios by id, freeing a folio kills every handle on
// it (user folios too), the tables grow past their first 1024 ids, and lowering the base by
// online_pages moves every live head index and leaves freed ones freed.
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { alloc, boot, run } from './helpers.js';

const INT_MAX = 2 ** 31 - 1;

/** node 0: ZONE_NORMAL [64,96) only, so online_pages at pfn 0 lowers the base by 64 */
const HIGH: MachineConfig = { maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [64, 32] } }], tasks: [{ tid: 1, nid: 0 }] };

/**
 * kernel folios: k1's handle freed while g1 keeps its folio at 64 (head index 0, kHead -2); k2 live
 * at 66 (order 1); k3 freed by free_pages while g2..g4 were still on it (1 + 2 + 2 * INT_MAX ≡ 1).
 * user folios: v1 maps 65, 68 and, faulted last, 69; v2's folio was freed by munmap while u1, g5, g6
 * were still on it (1 + 1024 + INT_MAX + 2^31 - 1023 ≡ 1).
 */
function setup() {
  const sys = boot(HIGH);
  expect([alloc(sys, ['GFP_KERNEL'], 0).pfn, alloc(sys, ['GFP_KERNEL'], 1).pfn, alloc(sys, ['GFP_KERNEL'], 0).pfn]).toEqual([64, 66, 65]);
  expect(run(sys, { op: 'get_page', page: 'k1' })).toEqual({ ret: 0, ref: 'g1' });
  expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  run(sys, { op: 'get_page', page: 'k3', times: 2 }); // g2
  run(sys, { op: 'get_page', page: 'k3', times: INT_MAX }); // g3
  run(sys, { op: 'get_page', page: 'k3', times: INT_MAX }); // g4
  expect(run(sys, { op: 'free_pages', page: 'k3' })).toEqual({ ret: 0 });
  run(sys, { op: 'mmap', task: 1, pages: 3 });
  run(sys, { op: 'mmap', task: 1, pages: 1 });
  expect((run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }).pages as { pfn: number }[]).map((p) => p.pfn)).toEqual([65, 68]);
  expect(run(sys, { op: 'touch', vma: 'v2', index: 0 })).toMatchObject({ pages: [{ pfn: 69 }] });
  expect(run(sys, { op: 'pin_user_pages', vma: 'v2', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pin: 'u1' });
  expect(run(sys, { op: 'get_page', vma: 'v2', index: 0, times: INT_MAX })).toEqual({ ret: 0, ref: 'g5' });
  expect(run(sys, { op: 'get_page', vma: 'v2', index: 0, times: 2 ** 31 - 1023 })).toEqual({ ret: 0, ref: 'g6' });
  expect(run(sys, { op: 'query', page: 'g6' })).toMatchObject({ pfn: 69, refcount: 1, mapped: 1 });
  expect(run(sys, { op: 'munmap', vma: 'v2' })).toEqual({ ret: 0 });
  expect(run(sys, { op: 'touch', vma: 'v1', index: 2 })).toMatchObject({ pages: [{ pfn: 69 }] });
  return sys;
}

const LIVE = [
  { handle: 'k2', pfns: [66] },
  { handle: 'g1', pfns: [64] },
  { handle: 'v1', pfns: [] },
];

function expectState(sys: ReturnType<typeof boot>) {
  expect(sys.snapshot().handles).toEqual(LIVE);
  expect(sys.snapshot().folios.map((f) => [f.pfn, f.order, f.refcount, f.mapped])).toEqual([[64, 0, 1, 0], [65, 0, 1, 1], [66, 1, 1, 0], [68, 0, 1, 1], [69, 0, 1, 1]]);
  expect(run(sys, { op: 'query', page: 'k2' })).toMatchObject({ pfn: 66, order: 1 });
  expect(run(sys, { op: 'query', page: 'g1' })).toMatchObject({ pfn: 64, order: 0 });
  expect(run(sys, { op: 'query', vma: 'v1', index: 2 })).toMatchObject({ pfn: 69 });
  for (const page of ['k1', 'k3', 'g2', 'g3', 'g4', 'g5', 'g6']) expect(run(sys, { op: 'query', page })).toEqual({ ret: '-EBADF' });
}

describe('folio ids', () => {
  test('a user folio freed with handles still on it kills them all', () => {
    const sys = setup();
    expectState(sys);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: '-EBADF' });
    for (const ref of ['g2', 'g5']) expect(run(sys, { op: 'put_page', ref })).toEqual({ ret: '-EBADF' });
    for (const page of ['k1', 'k3']) expect(run(sys, { op: 'free_pages', page })).toEqual({ ret: '-EBADF' });
    expectState(sys);
  });

  test('online_pages below the base: live heads move, a freed k-handle keeps its folio, freed folios stay freed', () => {
    const sys = setup();
    expect(run(sys, { op: 'online_pages', nid: 0, startPfn: 0, pages: 16, type: 'online_kernel' })).toEqual({ ret: 0 });
    expect(sys.mm.base).toBe(0);
    expectState(sys);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: '-EBADF' });
    // the moved folios are still released correctly
    expect(run(sys, { op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'free_pages', page: 'k2' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios).toEqual([]);
    expect(sys.snapshot().handles).toEqual([]);
  });

  test('more than 1024 user folios: every one keeps its head, pins and unpins land on it', () => {
    const sys = boot({ maxOrder: 4, pageblockOrder: 2, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 2048] } }], tasks: [{ tid: 1, nid: 0 }] });
    run(sys, { op: 'mmap', task: 1, pages: 1100 });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0, count: 1100 }).ret).toBe(0);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1100, gup_flags: [] })).toMatchObject({ ret: 1100, pin: 'u1' });
    const pinned = sys.snapshot().folios;
    expect(pinned.length).toBe(1100);
    expect(pinned.filter((f) => f.refcount !== 1025 || f.mapped !== 1)).toEqual([]);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios.filter((f) => f.refcount !== 1 || f.mapped !== 1)).toEqual([]);
    expect(run(sys, { op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios).toEqual([]);
  });
});
