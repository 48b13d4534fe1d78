// ImplSystem's own op handlers (model/impl/system.ts) with exact values: the target errors of
// query/get_page, the mmap/touch/munmap argument checks, a folio freed while still mapped, munmap's
// reference drop, and the node a user fault starts from under each mempolicy mode.
import { describe, expect, test } from 'vitest';
import type { MachineConfig, Op } from '../../../model/api/index.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { boot, EXAMPLE, run, zoneOf } from './helpers.js';

const INT_MAX = 0x7fffffff;

/** EXAMPLE with v1 (2 pages, untouched) and v2 (2 pages, both faulted: pfns 32, 33) of task 1 */
function twoVmas(): ImplSystem {
  const sys = boot(EXAMPLE);
  expect(run(sys, { op: 'mmap', task: 1, pages: 2 })).toEqual({ ret: 0, vma: 'v1' });
  expect(run(sys, { op: 'mmap', task: 1, pages: 2 })).toEqual({ ret: 0, vma: 'v2' });
  expect(run(sys, { op: 'touch', vma: 'v2', index: 0, count: 2 })).toMatchObject({ ret: 0, pages: [{ pfn: 32 }, { pfn: 33 }] });
  return sys;
}

const ptes = (sys: ImplSystem, v: string) => sys.snapshot().vmas.find((x) => x.handle === v)!.ptes;

describe('folio targets (query, get_page)', () => {
  test('no page and no vma: -EINVAL; a bad page handle: -EBADF; a dead or unknown vma: -EBADF', () => {
    const sys = twoVmas();
    expect(run(sys, { op: 'query' } as Op)).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'get_page' } as Op)).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'query', page: 5 } as unknown as Op)).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'query', page: 'v2' })).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'query', page: 'g1' })).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'query', vma: 'v9', index: 0 })).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toEqual({ ret: '-EBADF' });
  });

  test('an index outside [0, pages) or not an integer: -EFAULT, never a neighbouring VMA page; a hole: -ENOENT', () => {
    const sys = twoVmas();
    // v1's page table is followed by v2's, preceded by nothing
    for (const index of [2, 3, -1, 0.5, undefined, Number.NaN]) {
      expect(run(sys, { op: 'query', vma: 'v1', index } as Op)).toEqual({ ret: '-EFAULT' });
      expect(run(sys, { op: 'get_page', vma: 'v1', index } as Op)).toEqual({ ret: '-EFAULT' });
    }
    expect(run(sys, { op: 'query', vma: 'v2', index: -1 })).toEqual({ ret: '-EFAULT' });
    expect(run(sys, { op: 'query', vma: 'v2', index: 2 })).toEqual({ ret: '-EFAULT' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 1 })).toEqual({ ret: '-ENOENT' });
    expect(run(sys, { op: 'query', vma: 'v2', index: 1 })).toMatchObject({ ret: 0, pfn: 33, refcount: 1, mapped: 1 });
    expect(sys.snapshot().handles).toEqual([
      expect.objectContaining({ handle: 'v1' }),
      expect.objectContaining({ handle: 'v2' }),
    ]);
  });
});

test('an op name the model does not know: -EINVAL', () => {
  const sys = boot(EXAMPLE);
  expect(run(sys, { op: 'mremap' } as unknown as Op)).toEqual({ ret: '-EINVAL' });
});

describe('mmap / touch / munmap arguments', () => {
  test('mmap: pages an integer in [1, INT_MAX], folioOrder an integer in [0, maxOrder] dividing pages, a known task', () => {
    const sys = boot(EXAMPLE);
    const bad: Partial<Record<string, unknown>>[] = [
      { pages: 0 },
      { pages: -2 },
      { pages: 2.5 },
      { pages: '4' }, // not a number (a trace's JSON can hold anything): '4' % 1 is 0, the integer test catches it
      { pages: 2 ** 40 },
      { pages: 2, folioOrder: -1 },
      { pages: 16, folioOrder: 4 }, // maxOrder is 3
      { pages: 3, folioOrder: Math.log2(3) }, // 2 ** order is exactly 3, but the order is no integer
      { pages: 3, folioOrder: 1 },
      { pages: 2, task: 9 },
    ];
    for (const b of bad) expect(run(sys, { op: 'mmap', task: 1, pages: 1, ...b } as Op)).toEqual({ ret: '-EINVAL' });
    expect(sys.snapshot().vmas).toEqual([]);
    expect(run(sys, { op: 'mmap', task: 1, pages: 8, folioOrder: 3 })).toEqual({ ret: 0, vma: 'v1' });
    expect(run(sys, { op: 'mmap', task: 1, pages: 1, folioOrder: 0 })).toEqual({ ret: 0, vma: 'v2' });
  });

  test('touch: a live vma (-EBADF), integer count >= 1 and index >= 0 inside the VMA (-EFAULT)', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    expect(run(sys, { op: 'touch', vma: 'v9', index: 0 })).toEqual({ ret: '-EBADF' });
    for (const [index, count] of [
      [0, 0],
      [1, -1],
      [-1, 1],
      [-1, 2],
      [0.5, 1],
      [0, 1.5],
      [3, 2],
      [Number.NaN, 1],
    ] as const) {
      expect(run(sys, { op: 'touch', vma: 'v1', index, count })).toEqual({ ret: '-EFAULT' });
    }
    expect(ptes(sys, 'v1')).toEqual([null, null, null, null]);
    expect(run(sys, { op: 'touch', vma: 'v1', index: 3 })).toEqual({ ret: 0, pages: [{ index: 3, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE' }] });
    run(sys, { op: 'munmap', vma: 'v1' });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toEqual({ ret: '-EBADF' });
  });

  test('munmap: -EBADF for an unknown or already unmapped vma; holes are skipped', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 3 });
    run(sys, { op: 'touch', vma: 'v1', index: 1 });
    expect(run(sys, { op: 'munmap', vma: 'v9' })).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'munmap', vma: 'v1' })).toEqual({ ret: '-EBADF' });
    const snap = sys.snapshot();
    expect(snap.folios).toEqual([]);
    expect(snap.vmas).toEqual([]);
    expect(snap.zones.map((z) => z.nrFreePages)).toEqual([32, 32, 32]);
  });
});

describe('munmap drops the mapping references (zap_pte_range)', () => {
  test('a folio with other references survives unmapped; one whose `_refcount` is 0 or wrapped is not freed', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // 32, 33
    expect(run(sys, { op: 'get_page', vma: 'v1', index: 0 })).toEqual({ ret: 0, ref: 'g1' });
    // page 1: `_refcount` 1 + INT_MAX + INT_MAX + 1 wraps to exactly 0 while mapped
    run(sys, { op: 'get_page', vma: 'v1', index: 1, times: INT_MAX });
    run(sys, { op: 'get_page', vma: 'v1', index: 1, times: INT_MAX });
    run(sys, { op: 'get_page', vma: 'v1', index: 1, times: 1 });
    expect(run(sys, { op: 'query', vma: 'v1', index: 1 })).toMatchObject({ refcount: 0, mapped: 1 });
    expect(run(sys, { op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios).toEqual([
      { pfn: 32, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1, pincount: 0, mapped: 0 },
      { pfn: 33, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: -1, pincount: 0, mapped: 0 },
    ]);
    expect(run(sys, { op: 'query', page: 'g1' })).toMatchObject({ ret: 0, pfn: 32, refcount: 1, mapped: 0 });
    expect(run(sys, { op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios.map((f) => f.pfn)).toEqual([33]);
  });

  test('unmapping one VMA leaves the page tables of its neighbours alone', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 4 }); // 32..35
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    run(sys, { op: 'touch', vma: 'v2', index: 0, count: 4 }); // 36..39
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    run(sys, { op: 'touch', vma: 'v3', index: 0, count: 4 }); // 40..43
    expect(run(sys, { op: 'munmap', vma: 'v2' })).toEqual({ ret: 0 });
    expect(ptes(sys, 'v1')).toEqual([32, 33, 34, 35]);
    expect(ptes(sys, 'v3')).toEqual([40, 41, 42, 43]);
    expect(sys.snapshot().folios.map((f) => f.pfn)).toEqual([32, 33, 34, 35, 40, 41, 42, 43]);
  });
});

describe('a folio freed by its last reference', () => {
  test('while still mapped (a wrapped `_refcount`): exactly its own ptes are cleared', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 6, folioOrder: 1 });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0, count: 6 })).toMatchObject({ pages: [{ pfn: 32 }, { pfn: 33 }, { pfn: 34 }, { pfn: 35 }, { pfn: 36 }, { pfn: 37 }] });
    // the order-1 folio at index 2: `_refcount` 2 + INT_MAX + INT_MAX + 5 wraps to 5; dropping the 5 frees it
    run(sys, { op: 'get_page', vma: 'v1', index: 2, times: INT_MAX });
    run(sys, { op: 'get_page', vma: 'v1', index: 3, times: INT_MAX });
    expect(run(sys, { op: 'get_page', vma: 'v1', index: 2, times: 5 })).toEqual({ ret: 0, ref: 'g3' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 3 })).toMatchObject({ pfn: 34, order: 1, refcount: 5, mapped: 2 });
    expect(run(sys, { op: 'put_page', ref: 'g3' })).toEqual({ ret: 0 });
    expect(ptes(sys, 'v1')).toEqual([32, 33, null, null, 36, 37]);
    expect(run(sys, { op: 'query', vma: 'v1', index: 2 })).toEqual({ ret: '-ENOENT' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 3 })).toEqual({ ret: '-ENOENT' });
    expect(run(sys, { op: 'query', page: 'g1' })).toEqual({ ret: '-EBADF' });
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount, f.mapped])).toEqual([
      [32, 2, 2],
      [36, 2, 2],
    ]);
    // the hole faults in again
    expect(run(sys, { op: 'touch', vma: 'v1', index: 3 })).toMatchObject({ ret: 0, pages: [{ index: 2 }, { index: 3 }] });
  });

  test('after munmap: no page table is touched, even the one at the same offset of the arena', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 4 }); // 32..35
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    run(sys, { op: 'touch', vma: 'v2', index: 1 }); // 36
    expect(run(sys, { op: 'get_page', vma: 'v2', index: 1 })).toEqual({ ret: 0, ref: 'g1' });
    run(sys, { op: 'munmap', vma: 'v2' });
    expect(run(sys, { op: 'query', page: 'g1' })).toMatchObject({ ret: 0, pfn: 36, refcount: 1, mapped: 0 });
    expect(run(sys, { op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
    expect(ptes(sys, 'v1')).toEqual([32, 33, 34, 35]);
    expect(sys.snapshot().folios.map((f) => f.pfn)).toEqual([32, 33, 34, 35]);
  });

  test('after munmap and a page-table compaction: the VMA now at the old offset keeps its ptes', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'touch', vma: 'v1', index: 0 }); // 32
    expect(run(sys, { op: 'get_page', vma: 'v1', index: 0 })).toEqual({ ret: 0, ref: 'g1' });
    run(sys, { op: 'munmap', vma: 'v1' });
    // 4095 more pages do not fit the 4096-entry arena: it is compacted and v2 starts where v1 was
    run(sys, { op: 'mmap', task: 1, pages: 4095 });
    expect(sys.vmas.off[2]).toBe(0);
    expect(run(sys, { op: 'touch', vma: 'v2', index: 0 })).toMatchObject({ pages: [{ index: 0, pfn: 33 }] });
    expect(run(sys, { op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
    expect(ptes(sys, 'v2').slice(0, 2)).toEqual([33, null]);
    expect(sys.snapshot().folios.map((f) => f.pfn)).toEqual([33]);
  });
});

describe('policy_node: the node a user fault starts from', () => {
  /** three normal nodes; node 2 is nearer to node 0 than node 1 is. Task 1 on node 0, task 2 on node 1. */
  const THREE: MachineConfig = {
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [
      { nid: 0, zones: { ZONE_NORMAL: [0, 16] } },
      { nid: 1, zones: { ZONE_NORMAL: [16, 16] } },
      { nid: 2, zones: { ZONE_NORMAL: [32, 16] } },
    ],
    distance: [
      [10, 30, 15],
      [30, 10, 20],
      [15, 20, 10],
    ],
    tasks: [
      { tid: 1, nid: 0 },
      { tid: 2, nid: 1 },
    ],
  };

  function fault(sys: ImplSystem, task: number): unknown {
    const vma = (run(sys, { op: 'mmap', task, pages: 1 }) as { vma: string }).vma;
    return (run(sys, { op: 'touch', vma, index: 0 }) as unknown as { pages: { nid: number }[] }).pages[0]!.nid;
  }

  test('MPOL_PREFERRED starts at its node, and is no mask: a full node 1 falls back along node 1\'s zonelist', () => {
    const sys = boot(THREE);
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_PREFERRED', nodes: [1] });
    expect(fault(sys, 1)).toBe(1);
    expect(run(sys, { op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_THISNODE'], order: 3, nid: 1 })).toMatchObject({ pfn: 24 });
    for (let i = 0; i < 7; i++) expect(run(sys, { op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_THISNODE'], order: 0, nid: 1 })).toMatchObject({ ret: 0 });
    expect(zoneOf(sys.snapshot(), 1, 'ZONE_NORMAL').nrFreePages).toBe(0);
    // node 2 is nearer to node 1 (20) than node 0 is (30)
    expect(fault(sys, 1)).toBe(2);
  });

  test('MPOL_BIND (no private node) starts at the local node: nearest allowed node first', () => {
    const sys = boot(THREE);
    // local node 0 is outside {1, 2}: node 0's zonelist reaches node 2 before node 1
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1, 2] });
    expect(fault(sys, 1)).toBe(2);
    // local node 1 is inside {0, 1}: it is used, not the first node of the mask
    run(sys, { op: 'set_mempolicy', task: 2, mode: 'MPOL_BIND', nodes: [0, 1] });
    expect(fault(sys, 2)).toBe(1);
  });

  test('a policy without MPOL_F_PRIVATE adds no __GFP_PRIVATE: MPOL_LOCAL on a private node falls back', () => {
    const config: MachineConfig = {
      maxOrder: 3,
      pageblockOrder: 1,
      nodes: [
        { nid: 0, zones: { ZONE_NORMAL: [0, 16] } },
        { nid: 1, zones: { ZONE_NORMAL: [16, 16] } },
        { nid: 2, zones: { ZONE_MOVABLE: [32, 16] }, private: { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] } },
      ],
      distance: [
        [10, 20, 30],
        [20, 10, 15],
        [30, 15, 10],
      ],
      tasks: [{ tid: 1, nid: 2 }],
    };
    const sys = new ImplSystem(config, PROFILES['private-nodes-v4']);
    expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_LOCAL' })).toEqual({ ret: 0 });
    expect(fault(sys, 1)).toBe(1);
    // BIND {1, 2} is MPOL_F_PRIVATE and holds the local node 2: the fault lands there
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1, 2] });
    expect(fault(sys, 1)).toBe(2);
  });
});
