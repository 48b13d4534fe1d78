import { test, expect } from 'vitest';
import { MIGRATETYPE_NAMES } from '../../../model/api/index.js';
import {
  __find_buddy_pfn,
  __free_one_page,
  migratetype_is_mergeable,
  page_is_buddy,
} from '../../../model/spec/free.js';
import { set_pageblock_migratetype } from '../../../model/spec/machine.js';
import { __rmqueue_smallest } from '../../../model/spec/rmqueue.js';
import { allocPfn, lists, oneZone, spec, zoneOf } from './helpers.js';

test('__find_buddy_pfn is pfn ^ (1 << order), also above 2^31', () => {
  expect(__find_buddy_pfn(0, 0)).toBe(1);
  expect(__find_buddy_pfn(1, 0)).toBe(0);
  expect(__find_buddy_pfn(4, 2)).toBe(0);
  expect(__find_buddy_pfn(8, 2)).toBe(12);
  expect(__find_buddy_pfn(2 ** 33, 0)).toBe(2 ** 33 + 1);
  expect(__find_buddy_pfn(2 ** 33 + 2 ** 10, 10)).toBe(2 ** 33);
});

test('migratetype_is_mergeable: only the pcp types', () => {
  expect(MIGRATETYPE_NAMES.filter(migratetype_is_mergeable)).toEqual([
    'MIGRATE_UNMOVABLE',
    'MIGRATE_MOVABLE',
    'MIGRATE_RECLAIMABLE',
  ]);
});

test('merge sequence: eight order-0 pages freed back into one order-3 block', () => {
  const s = spec(oneZone(3, 3, 0, 8));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  const got = Array.from({ length: 8 }, () => allocPfn(s, ['GFP_KERNEL'], 0));
  expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  s.drainEvents();

  const free = (k: string) => {
    expect(s.apply({ op: 'free_pages', page: k })).toEqual({ ret: 0 });
    return s.drainEvents();
  };
  expect(free('k1')).toEqual([]); // pfn 0: buddy 1 allocated
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[0], [], [], []]);
  expect(free('k2')).toEqual([{ kind: 'merge', order: 1 }]); // pfn 1 + 0
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [0], [], []]);
  expect(free('k4')).toEqual([]); // pfn 3: buddy 2 allocated
  expect(free('k6')).toEqual([]); // pfn 5: buddy 4 allocated
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[5, 3], [0], [], []]);
  expect(free('k3')).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
  ]); // pfn 2 + 3, then [2,3] + [0,1]
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[5], [], [0], []]);
  expect(free('k8')).toEqual([]); // pfn 7: buddy 6 allocated
  expect(free('k7')).toEqual([{ kind: 'merge', order: 1 }]); // 6 + 7, buddy [4,5] not free at order 1
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[5], [6], [0], []]);
  expect(free('k5')).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'merge', order: 3 },
  ]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0]]);
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 8, nrFree: [0, 0, 0, 1] });
});

test('a merged block goes to the list head', () => {
  const s = spec(oneZone(2, 1, 0, 12)); // o2 [0, 4, 8]
  expect(allocPfn(s, ['GFP_KERNEL'], 1)).toBe(0);
  expect(allocPfn(s, ['GFP_KERNEL'], 1)).toBe(2);
  s.apply({ op: 'free_pages', page: 'k1' });
  s.apply({ op: 'free_pages', page: 'k2' });
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_MOVABLE')).toEqual([[], [], [0, 4, 8]]);
});

test('the merge gate: CMA and MOVABLE buddies do not merge at order >= pageblockOrder', () => {
  // maxOrder 3, pageblockOrder 1, ZONE_NORMAL [0,16), CMA [4,6): MOVABLE o2 [0], o1 [6], o3 [8]; CMA o1 [4]
  const s = spec(oneZone(3, 1, 0, 16, [[4, 2]]));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [6], [0], [8]]);
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[], [4], [], []]);
  expect(allocPfn(s, ['GFP_KERNEL'], 1)).toBe(6);
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k1' });
  expect(s.drainEvents()).toEqual([{ kind: 'merge-gate-stop' }]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [6], [0], [8]]);
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[], [4], [], []]);

  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 16, nrFreeCmaPages: 2 });
});

test('the merge gate holds from the CMA side too', () => {
  // ZONE_NORMAL [0,8), CMA [4,6): MOVABLE o2 [0], o1 [6]; CMA o1 [4]
  const s = spec(oneZone(3, 1, 0, 8, [[4, 2]]));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  const got = [1, 2, 3, 4].map(() => allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 1));
  expect(got).toEqual([6, 0, 2, 4]); // MOVABLE lists first, CMA last
  s.apply({ op: 'free_pages', page: 'k1' }); // 6 back, its buddy 4 is allocated
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k4' }); // 4 (CMA) next to free 6 (MOVABLE)
  expect(s.drainEvents()).toEqual([{ kind: 'merge-gate-stop' }]);
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[], [4], [], []]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [6], [], []]);
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 4, nrFreeCmaPages: 2 });
});

test('same zone without CMA: the MOVABLE buddies merge', () => {
  const s = spec(oneZone(3, 1, 0, 16));
  expect(allocPfn(s, ['GFP_KERNEL'], 1)).toBe(0);
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k1' });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 2 },
    { kind: 'merge', order: 3 },
  ]);
});

test('below pageblockOrder the gate is not consulted (both halves share a pageblock)', () => {
  // pageblockOrder 2, ZONE_NORMAL [4,8) all CMA: take pfn 4, then free it with mt MOVABLE.
  const s = spec(oneZone(3, 2, 4, 4, [[4, 4]]));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(__rmqueue_smallest(s.machine, zone, 0, 'MIGRATE_CMA')).toBe(4);
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[5], [6], [], []]);
  s.drainEvents();
  __free_one_page(s.machine, zone, 4, 0, 'MIGRATE_MOVABLE');
  // merges at orders 0 and 1 with CMA buddies; at order 2 the buddy (pfn 0) is not present
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
  ]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [4], []]);
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[], [], [], []]);
});

test('at pageblockOrder the same call stops at a CMA buddy', () => {
  const s = spec(oneZone(3, 1, 0, 4, [[2, 2]])); // MOVABLE o1 [0], CMA o1 [2]
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(__rmqueue_smallest(s.machine, zone, 1, 'MIGRATE_MOVABLE')).toBe(0);
  s.drainEvents();
  __free_one_page(s.machine, zone, 0, 1, 'MIGRATE_MOVABLE');
  expect(s.drainEvents()).toEqual([{ kind: 'merge-gate-stop' }]);
});

test('merge retypes a mergeable buddy of another type (page_alloc.md §6 C)', () => {
  // maxOrder 2, pageblockOrder 1, zone [0,4): B0 MOVABLE, B1 UNMOVABLE (white box: no op creates
  // an UNMOVABLE pageblock yet; the kernel would through a claim).
  const s = spec(oneZone(2, 1, 0, 4));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(allocPfn(s, ['GFP_KERNEL'], 1)).toBe(0);
  expect(allocPfn(s, ['GFP_KERNEL'], 1)).toBe(2);
  set_pageblock_migratetype(s.machine, 2, 'MIGRATE_UNMOVABLE');
  s.drainEvents();

  s.apply({ op: 'free_pages', page: 'k2' }); // [2,3] to the UNMOVABLE list
  expect(lists(zone, 'MIGRATE_UNMOVABLE')).toEqual([[], [2], []]);
  expect(s.drainEvents()).toEqual([]);

  s.apply({ op: 'free_pages', page: 'k1' }); // [0,1] MOVABLE merges and retypes B1
  expect(s.drainEvents()).toEqual([{ kind: 'merge-retype' }, { kind: 'merge', order: 2 }]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [0]]);
  expect(lists(zone, 'MIGRATE_UNMOVABLE')).toEqual([[], [], []]);
  expect(s.snapshot().pageblocks).toEqual([
    { pfn: 0, migratetype: 'MIGRATE_MOVABLE' },
    { pfn: 2, migratetype: 'MIGRATE_MOVABLE' },
  ]);
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 4, nrFree: [0, 0, 1] });

  // the §6 C follow-up: expanding the merged block keeps every piece on a list of its pageblock type
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0)).toBe(0);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[1], [2], []]);
});

test('split_large_buddy: an order-3 free with 2-page pageblocks goes in four pieces that re-merge', () => {
  const s = spec(oneZone(3, 1, 0, 8));
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 3)).toBe(0);
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k1' });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 2 }, // piece 2 joins piece 0
    { kind: 'merge', order: 2 }, // piece 6 joins piece 4
    { kind: 'merge', order: 3 }, // and [4,8) joins [0,4)
  ]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0]]);
});

test('split_large_buddy: each piece takes its own pageblock type (an ISOLATE piece stays apart)', () => {
  const s = spec(oneZone(3, 1, 0, 8));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 3)).toBe(0);
  set_pageblock_migratetype(s.machine, 2, 'MIGRATE_ISOLATE');
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k1' });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge-gate-stop' }, // piece 2 (ISOLATE) vs piece 0 (MOVABLE)
    { kind: 'merge', order: 2 }, // piece 6 joins piece 4; [0,2) is order 1, not a buddy at order 2
  ]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [0], [4], []]);
  expect(lists(zone, 'MIGRATE_ISOLATE')).toEqual([[], [2], [], []]);
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 6, nrFreeCmaPages: 0, nrFree: [0, 2, 1, 0] });
});

test('split_large_buddy: mergeable pieces of different types retype every pageblock of the buddy', () => {
  const s = spec(oneZone(3, 1, 0, 8));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 3)).toBe(0);
  set_pageblock_migratetype(s.machine, 2, 'MIGRATE_UNMOVABLE');
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k1' });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge-retype' }, // piece 2 (UNMOVABLE) retypes piece 0's pageblock
    { kind: 'merge', order: 2 },
    { kind: 'merge', order: 2 }, // piece 6 joins piece 4 (MOVABLE)
    { kind: 'merge-retype' }, // [0,4) is UNMOVABLE: both its pageblocks become MOVABLE
    { kind: 'merge', order: 3 },
  ]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0]]);
  expect(s.snapshot().pageblocks.map((p) => p.migratetype)).toEqual(Array(4).fill('MIGRATE_MOVABLE'));
});

test('page_is_buddy checks the zone per page: adjacent zones never merge', () => {
  const s = spec({
    maxOrder: 3,
    pageblockOrder: 2,
    nodes: [
      { nid: 0, zones: { ZONE_DMA32: [0, 4] } },
      { nid: 1, zones: { ZONE_NORMAL: [4, 4] } },
    ],
  });
  const dma32 = zoneOf(s, 0, 'ZONE_DMA32');
  const normal = zoneOf(s, 1, 'ZONE_NORMAL');
  expect(page_is_buddy(s.machine, dma32, 4, 2)).toBe(false); // free o2 block, other zone
  expect(page_is_buddy(s.machine, normal, 4, 2)).toBe(true);
  expect(page_is_buddy(s.machine, normal, 4, 1)).toBe(false); // wrong order
  expect(page_is_buddy(s.machine, normal, 100, 0)).toBe(false); // a hole
  expect(allocPfn(s, ['GFP_KERNEL'], 2)).toBe(0);
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k1' });
  expect(s.drainEvents()).toEqual([]);
  expect(lists(dma32, 'MIGRATE_MOVABLE')).toEqual([[], [], [0], []]);
});

test('a buddy outside memory is rejected before its pageblock is read (787af64d05cd)', () => {
  // zone [4,8), maxOrder 3: the order-2 buddy of pfn 4 is pfn 0, which is not present
  const s = spec(oneZone(3, 2, 4, 4));
  expect(allocPfn(s, ['GFP_KERNEL'], 2)).toBe(4);
  s.drainEvents();
  expect(s.apply({ op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_MOVABLE')).toEqual([[], [], [4], []]);
});

test('no buddy is looked for at maxOrder', () => {
  const s = spec(oneZone(2, 2, 0, 8)); // o2 [0, 4]: each other's buddies only at order 2 = maxOrder
  expect(allocPfn(s, ['GFP_KERNEL'], 2)).toBe(0);
  s.drainEvents();
  s.apply({ op: 'free_pages', page: 'k1' });
  expect(s.drainEvents()).toEqual([]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_MOVABLE')).toEqual([[], [], [0, 4]]);
});

test('page_is_buddy asks the page for its zone (page_zone) before the buddy map', () => {
  const s = spec({ maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_DMA: [0, 8], ZONE_NORMAL: [8, 8] } }] });
  const dma = zoneOf(s, 0, 'ZONE_DMA');
  const normal = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(page_is_buddy(s.machine, normal, 8, 3)).toBe(true);
  expect(page_is_buddy(s.machine, dma, 8, 3)).toBe(false);
  // a corrupt buddy map: DMA claims NORMAL's free block; the page still says ZONE_NORMAL
  dma.buddies.set(8, { order: 3, list: 'MIGRATE_MOVABLE' });
  expect(page_is_buddy(s.machine, dma, 8, 3)).toBe(false);
  // and a hole is nobody's buddy
  dma.buddies.set(16, { order: 3, list: 'MIGRATE_MOVABLE' });
  expect(page_is_buddy(s.machine, dma, 16, 3)).toBe(false);
});
