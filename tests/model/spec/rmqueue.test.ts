import { test, expect } from 'vitest';
import { set_pageblock_migratetype } from '../../../model/spec/machine.js';
import { __rmqueue, __rmqueue_smallest, expand, fallbacks } from '../../../model/spec/rmqueue.js';
import { allocPfn, lists, oneZone, spec, zoneOf } from './helpers.js';

test('expand: order 0 from an order-3 block at P leaves P+4 o2, P+2 o1, P+1 o0 at the list heads', () => {
  const s = spec(oneZone(3, 1, 8, 8));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(__rmqueue_smallest(s.machine, zone, 0, 'MIGRATE_MOVABLE')).toBe(8);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[9], [10], [12], []]);
  expect(zone.vm_stat.NR_FREE_PAGES).toBe(7);
  expect(zone.free_area.map((a) => a.nr_free)).toEqual([1, 1, 1, 0]);
  expect(s.drainEvents()).toEqual([{ kind: 'expand', fromOrder: 3, toOrder: 0 }]);
  expect([...zone.buddies.entries()].sort(([a], [b]) => a - b)).toEqual([
    [9, { order: 0, list: 'MIGRATE_MOVABLE' }],
    [10, { order: 1, list: 'MIGRATE_MOVABLE' }],
    [12, { order: 2, list: 'MIGRATE_MOVABLE' }],
  ]);
});

test('expand returns the pages it put back and puts each half at the head', () => {
  const s = spec(oneZone(3, 1, 0, 16));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  zone.free_area[1]?.free_list.MIGRATE_RECLAIMABLE.push(100); // a stand-in entry, to see head insertion
  expect(expand(s.machine, zone, 0, 1, 3, 'MIGRATE_RECLAIMABLE')).toBe(6);
  expect(lists(zone, 'MIGRATE_RECLAIMABLE')).toEqual([[], [2, 100], [4], []]);
  expect(expand(s.machine, zone, 0, 2, 2, 'MIGRATE_RECLAIMABLE')).toBe(0);
  expect(s.drainEvents()).toEqual([{ kind: 'expand', fromOrder: 3, toOrder: 1 }]);
});

test('__rmqueue_smallest takes the smallest order first, each from its list head', () => {
  const s = spec(oneZone(3, 1, 0, 12)); // o3 [0], o2 [8]
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  const take = () => __rmqueue_smallest(s.machine, zone, 0, 'MIGRATE_MOVABLE');
  expect([take(), take(), take(), take()]).toEqual([8, 9, 10, 11]);
  expect([take(), take(), take()]).toEqual([0, 1, 2]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[3], [], [4], []]);
  expect(__rmqueue_smallest(s.machine, zone, 3, 'MIGRATE_MOVABLE')).toBeUndefined();
  expect(__rmqueue_smallest(s.machine, zone, 0, 'MIGRATE_UNMOVABLE')).toBeUndefined();
  expect(zone.vm_stat.NR_FREE_PAGES).toBe(5);
});

test('fallbacks[] is the kernel table; CMA, HIGHATOMIC and ISOLATE have none', () => {
  expect(fallbacks).toEqual({
    MIGRATE_UNMOVABLE: ['MIGRATE_RECLAIMABLE', 'MIGRATE_MOVABLE'],
    MIGRATE_MOVABLE: ['MIGRATE_RECLAIMABLE', 'MIGRATE_UNMOVABLE'],
    MIGRATE_RECLAIMABLE: ['MIGRATE_UNMOVABLE', 'MIGRATE_MOVABLE'],
  });
});

/**
 * A zone [0,16), maxOrder 3, pageblockOrder 1, where [0,4) is a free order-2 block of RECLAIMABLE
 * pageblocks (built by retyping an allocated block, as a claim would) and MOVABLE has an order-0
 * block at 9. No op creates RECLAIMABLE or UNMOVABLE pageblocks yet, hence the white-box setup.
 */
function reclaimableSetup() {
  const s = spec(oneZone(3, 1, 0, 16));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 2)).toBe(0);
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 2)).toBe(4);
  set_pageblock_migratetype(s.machine, 0, 'MIGRATE_RECLAIMABLE');
  set_pageblock_migratetype(s.machine, 2, 'MIGRATE_RECLAIMABLE');
  expect(s.apply({ op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0)).toBe(8);
  expect(lists(zone, 'MIGRATE_RECLAIMABLE')).toEqual([[], [], [0], []]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[9], [10], [12], []]);
  s.drainEvents();
  return { s, zone };
}

test('fallback is type-major: RECLAIMABLE (order 2) before MOVABLE (order 0) for UNMOVABLE', () => {
  const { s, zone } = reclaimableSetup();
  // The kernel's __rmqueue_steal would scan order-major and take MOVABLE 9; the model splits 0.
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toMatchObject({
    ret: 0,
    pfn: 0,
    migratetype: 'MIGRATE_RECLAIMABLE',
  });
  expect(s.drainEvents()).toEqual([
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_RECLAIMABLE' },
  ]);
  // the remainders stay on the fallback type's lists; no pageblock changed type
  expect(lists(zone, 'MIGRATE_RECLAIMABLE')).toEqual([[1], [2], [], []]);
  expect(lists(zone, 'MIGRATE_UNMOVABLE')).toEqual([[], [], [], []]);
  expect(s.snapshot().pageblocks.slice(0, 3).map((p) => p.migratetype)).toEqual([
    'MIGRATE_RECLAIMABLE',
    'MIGRATE_RECLAIMABLE',
    'MIGRATE_MOVABLE',
  ]);
  expect([1, 2, 3].map(() => allocPfn(s, ['GFP_KERNEL'], 0))).toEqual([1, 2, 3]);
  // RECLAIMABLE is empty now: MOVABLE serves
  expect(allocPfn(s, ['GFP_KERNEL'], 0)).toBe(9);
  expect(s.drainEvents().at(-1)).toEqual({ kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' });
});

test('a MOVABLE request uses its own list before any fallback; RECLAIMABLE uses its own list', () => {
  const { s } = reclaimableSetup();
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0)).toBe(9);
  expect(s.drainEvents()).toEqual([]);
  expect(allocPfn(s, ['GFP_KERNEL', '__GFP_RECLAIMABLE'], 1)).toBe(0);
  expect(s.drainEvents()).toEqual([{ kind: 'expand', fromOrder: 2, toOrder: 1 }]);
});

test('MOVABLE falls back to RECLAIMABLE before UNMOVABLE; RECLAIMABLE to UNMOVABLE before MOVABLE', () => {
  // zone [0,8), maxOrder 2: pageblocks 0,2 UNMOVABLE and 4,6 RECLAIMABLE, free (white box)
  const s = spec(oneZone(2, 1, 0, 8));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  const pfns = [0, 2, 4, 6].map(() => allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 1));
  expect(pfns).toEqual([0, 2, 4, 6]);
  set_pageblock_migratetype(s.machine, 0, 'MIGRATE_UNMOVABLE');
  set_pageblock_migratetype(s.machine, 2, 'MIGRATE_UNMOVABLE');
  set_pageblock_migratetype(s.machine, 4, 'MIGRATE_RECLAIMABLE');
  set_pageblock_migratetype(s.machine, 6, 'MIGRATE_RECLAIMABLE');
  for (const k of ['k1', 'k2', 'k3', 'k4']) expect(s.apply({ op: 'free_pages', page: k })).toEqual({ ret: 0 });
  expect(lists(zone, 'MIGRATE_UNMOVABLE')).toEqual([[], [], [0]]);
  expect(lists(zone, 'MIGRATE_RECLAIMABLE')).toEqual([[], [], [4]]);
  s.drainEvents();

  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0)).toBe(4);
  expect(s.drainEvents().at(-1)).toEqual({ kind: 'fallback', from: 'MIGRATE_MOVABLE', to: 'MIGRATE_RECLAIMABLE' });
  expect(allocPfn(s, ['GFP_KERNEL', '__GFP_RECLAIMABLE'], 2)).toBe(0);
  expect(s.drainEvents().at(-1)).toEqual({ kind: 'fallback', from: 'MIGRATE_RECLAIMABLE', to: 'MIGRATE_UNMOVABLE' });
});

test('__rmqueue: CMA only with ALLOC_CMA, never as a fallback source; ISOLATE never used', () => {
  const s = spec(oneZone(2, 1, 0, 8, [[0, 4]])); // CMA o2 [0], MOVABLE o2 [4]
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  set_pageblock_migratetype(s.machine, 4, 'MIGRATE_ISOLATE');
  set_pageblock_migratetype(s.machine, 6, 'MIGRATE_ISOLATE');
  // move the MOVABLE block onto the ISOLATE list, as isolation would
  zone.free_area[2]!.free_list.MIGRATE_MOVABLE.splice(0, 1);
  zone.free_area[2]!.free_list.MIGRATE_ISOLATE.push(4);
  zone.buddies.set(4, { order: 2, list: 'MIGRATE_ISOLATE' });

  expect(__rmqueue(s.machine, zone, 0, 'MIGRATE_UNMOVABLE', false)).toBeUndefined();
  expect(__rmqueue(s.machine, zone, 0, 'MIGRATE_RECLAIMABLE', false)).toBeUndefined();
  expect(__rmqueue(s.machine, zone, 0, 'MIGRATE_MOVABLE', false)).toBeUndefined();
  expect(s.drainEvents()).toEqual([]);
  expect(__rmqueue(s.machine, zone, 0, 'MIGRATE_MOVABLE', true)).toBe(0);
  expect(s.drainEvents()).toEqual([{ kind: 'expand', fromOrder: 2, toOrder: 0 }, { kind: 'cma-alloc' }]);
});

test('__rmqueue: a type without a fallbacks[] entry (CMA, HIGHATOMIC, ISOLATE) only takes its own list', () => {
  const s = spec(oneZone(3, 1, 0, 16, [[8, 8]]));
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(__rmqueue(s.machine, zone, 0, 'MIGRATE_HIGHATOMIC', false)).toBeUndefined();
  expect(__rmqueue(s.machine, zone, 0, 'MIGRATE_ISOLATE', false)).toBeUndefined();
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0]]);
  expect(s.drainEvents()).toEqual([]);
  expect(__rmqueue(s.machine, zone, 3, 'MIGRATE_CMA', false)).toBe(8);
  expect(__rmqueue(s.machine, zone, 0, 'MIGRATE_CMA', false)).toBeUndefined();
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0]]);
  expect(s.drainEvents()).toEqual([]);
});
