import { test, expect } from 'vitest';
import {
  freeBlocksIn,
  move_freepages_block_isolate,
  pageblocksCovering,
  start_isolate_page_range,
  undo_isolate_page_range,
} from '../../../model/spec/isolate.js';
import { get_pfnblock_migratetype } from '../../../model/spec/machine.js';
import { lists, oneZone, run, spec, zoneOf } from './helpers.js';

test('isolating a pageblock splits a covering larger block and moves its free blocks to the ISOLATE tail', () => {
  const s = spec(oneZone(3, 1, 0, 8)); // one order-3 block
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  move_freepages_block_isolate(s.machine, 2);
  expect(get_pfnblock_migratetype(s.machine, 2)).toBe('MIGRATE_ISOLATE');
  expect(lists(zone, 'MIGRATE_ISOLATE')).toEqual([[], [2], [], []]);
  // the other pieces merged back as far as the ISOLATE pageblock allows
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [0], [4], []]);
  expect(zone.vm_stat.NR_FREE_PAGES).toBe(6);
  // pieces 0, 2, 4, 6 freed in turn: 2 stops at the gate against 0, 6 merges with 4
  expect(s.drainEvents()).toEqual([{ kind: 'merge-gate-stop' }, { kind: 'merge', order: 2 }]);

  move_freepages_block_isolate(s.machine, 0);
  expect(lists(zone, 'MIGRATE_ISOLATE')).toEqual([[], [2, 0], [], []]);
  expect(zone.vm_stat.NR_FREE_PAGES).toBe(4);

  // undo: every free block is unlinked, then freed again to the tail, merging
  undo_isolate_page_range(s.machine, [0, 2], 'MIGRATE_MOVABLE');
  expect(lists(zone, 'MIGRATE_ISOLATE')).toEqual([[], [], [], []]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0]]);
  expect(zone.vm_stat.NR_FREE_PAGES).toBe(8);
  expect(zone.free_area.map((a) => a.nr_free)).toEqual([0, 0, 0, 1]);
});

test('start_isolate_page_range stops at the first refused pageblock and undoes the others', () => {
  const s = spec(oneZone(3, 1, 0, 8));
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 }]); // pfn 0
  const before = s.snapshot();
  s.drainEvents();
  expect(start_isolate_page_range(s.machine, [2, 4, 6], 'MIGRATE_MOVABLE', (pb) => (pb === 6 ? 'unmovable' : undefined))).toBe('-EBUSY');
  expect(s.drainEvents().filter((e) => e.kind === 'isolate-failed')).toEqual([{ kind: 'isolate-failed', why: 'unmovable' }]);
  expect(s.snapshot()).toEqual(before);
  expect(start_isolate_page_range(s.machine, [4, 6], 'MIGRATE_MOVABLE', () => undefined)).toBe(0);
  // moving blocks onto the ISOLATE list does not merge them
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_ISOLATE')).toEqual([[], [4, 6], [], []]);
  expect(freeBlocksIn(zoneOf(s, 0, 'ZONE_NORMAL'), 4, 8)).toEqual([
    { pfn: 4, order: 1 },
    { pfn: 6, order: 1 },
  ]);
  undo_isolate_page_range(s.machine, [4, 6], 'MIGRATE_MOVABLE');
  expect(s.snapshot()).toEqual(before);
});

test('pageblocksCovering rounds out to pageblocks', () => {
  const s = spec(oneZone(3, 2, 0, 16));
  expect(pageblocksCovering(s.machine, 5, 6)).toEqual([4]);
  expect(pageblocksCovering(s.machine, 3, 9)).toEqual([0, 4, 8]);
});

test('move_freepages_block_isolate refuses a pageblock that is not present', () => {
  const s = spec(oneZone(3, 1, 0, 8));
  const before = s.snapshot();
  expect(() => move_freepages_block_isolate(s.machine, 100)).toThrow('spec: pageblock 100 is not present');
  expect(s.snapshot()).toEqual(before);
});

test('freeBlocksIn lists the free blocks in ascending pfn, not in the order they were linked', () => {
  const s = spec(oneZone(2, 1, 0, 8)); // free blocks 0 and 4, both order 2
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 }]); // pfn 0: expand links 2 (order 1), then 1 (order 0)
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect([...zone.buddies.keys()]).toEqual([4, 2, 1]);
  expect(freeBlocksIn(zone, 0, 8)).toEqual([
    { pfn: 1, order: 0 },
    { pfn: 2, order: 1 },
    { pfn: 4, order: 2 },
  ]);
  expect(freeBlocksIn(zone, 2, 4)).toEqual([{ pfn: 2, order: 1 }]);
});

test('undo_isolate_page_range frees the blocks in ascending pfn whatever the order of the pageblocks given', () => {
  const s = spec(oneZone(1, 1, 0, 4)); // two order-1 blocks at maxOrder: they never merge
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(start_isolate_page_range(s.machine, [0, 2], 'MIGRATE_MOVABLE', () => undefined)).toBe(0);
  expect(lists(zone, 'MIGRATE_ISOLATE')).toEqual([[], [0, 2]]);
  undo_isolate_page_range(s.machine, [2, 0], 'MIGRATE_MOVABLE');
  // FPI_TO_TAIL in pfn order: 0 first, then 2 behind it
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [0, 2]]);
  expect(lists(zone, 'MIGRATE_ISOLATE')).toEqual([[], []]);
});
