// cma_alloc / cma_release with exact values, each step also checked against the spec (result and
// whole snapshot): the busy test, the migration walk from the folio covering the window start,
// isolate_freepages_range with pieces before and after the window.
import { describe, expect, test } from 'vitest';
import { twin } from './twin.js';
import type { MachineConfig, Op } from '../../../model/api/index.js';
import { list } from './helpers.js';

/** node 0: ZONE_NORMAL [0,16) with CMA area 0 = [8,16); node 1: ZONE_NORMAL [16,20) with CMA area 1 = [16,20). */
const TWO: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[8, 8]] },
    { nid: 1, zones: { ZONE_NORMAL: [16, 4] }, cma: [[16, 4]] },
  ],
};

describe('cma_alloc windows', () => {
  test('a live allocation that only touches the window end does not make it busy', () => {
    const t = twin(TWO);
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 2 })).toEqual({ ret: 0, cma: 'c1', pfn: 8, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 2 })).toEqual({ ret: 0, cma: 'c2', pfn: 10, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.apply({ op: 'cma_release', cma: 'c1' })).toEqual({ ret: 0 });
    // c2 = [10,12) starts exactly at the end of window [8,10): not overlapping
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 2 })).toEqual({ ret: 0, cma: 'c3', pfn: 8, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.apply({ op: 'cma_alloc', area: 1, count: 4 })).toEqual({ ret: 0, cma: 'c4', pfn: 16, nid: 1, zone: 'ZONE_NORMAL' });
    expect(t.snap().cmaAllocations).toEqual([
      { handle: 'c2', area: 0, pfn: 10, nrPages: 2 },
      { handle: 'c3', area: 0, pfn: 8, nrPages: 2 },
      { handle: 'c4', area: 1, pfn: 16, nrPages: 4 },
    ]);
  });

  test('isolate_freepages_range: the free block covering the window start and the one sticking out past its end are given back in pieces', () => {
    const t = twin(TWO);
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 1 })).toMatchObject({ ret: 0, pfn: 8 });
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_CMA', 0)).toEqual([9]);
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_CMA', 1)).toEqual([10]);
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_CMA', 2)).toEqual([12]);
    // windows of 3 from 8: [8,11) busy, [11,14): the order-1 block [10,12) starts before the window,
    // the order-2 block [12,16) ends after it
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 3 })).toEqual({ ret: 0, cma: 'c2', pfn: 11, nid: 0, zone: 'ZONE_NORMAL' });
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_CMA', 0)).toEqual([9, 10]);
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_CMA', 1)).toEqual([14]);
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_CMA', 2)).toEqual([]);
    expect(t.snap().zones[0]).toMatchObject({ nrFreePages: 12, nrFreeCmaPages: 4, nrFree: [2, 1, 2] });
    expect(t.apply({ op: 'cma_release', cma: 'c2' })).toEqual({ ret: 0 });
    expect(t.apply({ op: 'cma_release', cma: 'c1' })).toEqual({ ret: 0 });
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_CMA', 2)).toEqual([8, 12]);
    expect(t.snap().zones[0]).toMatchObject({ nrFreePages: 16, nrFreeCmaPages: 8 });
  });
});

describe('alloc_contig_range migration walk', () => {
  /** node 0: ZONE_NORMAL [0,16), CMA [0,8); two kernel order-2 folios take [8,16) */
  const LOW: MachineConfig = { maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[0, 8]] }] };

  test('a pinned order-2 user folio at pfn 0 fails every window it covers, also those starting inside it', () => {
    const t = twin(LOW);
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ pfn: 8 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ pfn: 12 });
    t.apply({ op: 'mmap', task: 1, pages: 4, folioOrder: 2 } as Op);
    expect(t.apply({ op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ ret: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1, 2, 3]);
    expect(t.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1 });
    // windows [0,1) .. [3,4) all meet the pinned folio; [4,5) is the first free one
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 1 })).toEqual({ ret: 0, cma: 'c1', pfn: 4, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1, 2, 3]);
  });

  test('an order-1 user folio starting before the window is migrated whole; the folio after the window stays', () => {
    const t = twin(LOW);
    t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 });
    t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 });
    t.apply({ op: 'mmap', task: 1, pages: 6, folioOrder: 1 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0, count: 6 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1, 2, 3, 4, 5]);
    t.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] });
    // window [0,1): the pinned folio [0,2) → fails; window [1,2) likewise (covering folio at 0)
    // window [2,3)? busy-free, folio [2,4) migrates to 6; [3,4) is given back
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 1 })).toEqual({ ret: 0, cma: 'c1', pfn: 2, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1, 6, 7, 4, 5]);
    t.apply({ op: 'unpin_user_pages', pin: 'u1' });
    t.apply({ op: 'munmap', vma: 'v1' });
  });

  test('a window inside a pageblock: the user folio right after the window end is not migrated', () => {
    const t = twin(LOW);
    t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 });
    t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 });
    t.apply({ op: 'mmap', task: 1, pages: 2 });
    t.apply({ op: 'touch', vma: 'v1', index: 0, count: 2 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1]);
    // window [0,1): the folio at 0 moves to 2; the folio at 1 shares the pageblock but is outside the window
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 1 })).toEqual({ ret: 0, cma: 'c1', pfn: 0, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.snap().vmas[0]!.ptes).toEqual([2, 1]);
  });
});

describe('isolate-merge: a migration target placed inside the window', () => {
  test('is not migrated again and is stepped over by isolate_freepages_range', () => {
    // one zone [0,16), CMA [8,16); kernel folios fill [0,8); an order-1 user folio at 8; [12,16) free at order 2
    const t = twin({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[8, 8]] }], tasks: [{ tid: 1, nid: 0 }] }, 'isolate-merge');
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ pfn: 0 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ pfn: 4 });
    t.apply({ op: 'mmap', task: 1, pages: 2, folioOrder: 1 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9]);
    // isolating pageblock 6 splits [12,16) and isolate-merge merges it back as CMA; pageblock 7 splits
    // it again and leaves [12,14) on a CMA list: the copy of the folio lands there; migrating the
    // copy again would find no order-1 target and fail the window
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 8 })).toEqual({ ret: 0, cma: 'c1', pfn: 8, nid: 0, zone: 'ZONE_NORMAL' });
    const snap = t.snap();
    expect(snap.vmas[0]!.ptes).toEqual([12, 13]);
    expect(snap.folios.find((f) => f.pfn === 12)).toEqual({ pfn: 12, order: 1, nid: 0, zone: 'ZONE_NORMAL', refcount: 2, pincount: 0, mapped: 2 });
    expect(snap.zones[0]).toMatchObject({ nrFreePages: -2, nrFreeCmaPages: -2, nrFree: [0, 0, 0] });
  });

  test('a copy landing at the window start: isolate_freepages_range starts there, not at pfn 0', () => {
    // kernel folios [0,4), [4,6), 6 leave 7 free (order 0: too small for the order-1 copy);
    // [8,12) free at order 2 (CMA), an order-1 user folio at 12
    const t = twin({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[8, 8]] }], tasks: [{ tid: 1, nid: 0 }] }, 'isolate-merge');
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ pfn: 0 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 })).toMatchObject({ pfn: 4 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toMatchObject({ pfn: 6 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 2 })).toMatchObject({ pfn: 8 });
    t.apply({ op: 'mmap', task: 1, pages: 2, folioOrder: 1 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([12, 13]);
    expect(t.apply({ op: 'free_pages', page: 'k4' })).toEqual({ ret: 0 });
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 8 })).toEqual({ ret: 0, cma: 'c1', pfn: 8, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9]);
    // 7 stays free on its MOVABLE list
    expect(list(t.impl, 0, 'ZONE_NORMAL', 'MIGRATE_MOVABLE', 0)).toEqual([7]);
  });
});
