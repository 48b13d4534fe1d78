import { test, expect } from 'vitest';
import {
  del_page_from_free_list,
  get_page_from_free_area,
  __del_page_from_free_list,
} from '../../../model/spec/freelist.js';
import { lists, oneZone, spec, zoneOf } from './helpers.js';

test('free_area exists for orders 0..maxOrder only', () => {
  const zone = zoneOf(spec(oneZone(3, 1, 0, 16)), 0, 'ZONE_NORMAL');
  expect(get_page_from_free_area(zone, 3, 'MIGRATE_MOVABLE')).toBe(0);
  expect(get_page_from_free_area(zone, 2, 'MIGRATE_MOVABLE')).toBeUndefined();
  expect(() => get_page_from_free_area(zone, 4, 'MIGRATE_MOVABLE')).toThrow(/spec: order 4 out of range/);
});

test('__del_page_from_free_list refuses a pfn that is not the head of a free block of that order', () => {
  const zone = zoneOf(spec(oneZone(3, 1, 0, 16)), 0, 'ZONE_NORMAL');
  expect(() => __del_page_from_free_list(zone, 1, 0)).toThrow(/spec: pfn 1 is not a free order-0 block/);
  expect(() => __del_page_from_free_list(zone, 8, 2)).toThrow(/spec: pfn 8 is not a free order-2 block/);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0, 8]]);
  expect(zone.free_area[3]?.nr_free).toBe(2);
});

test('del_page_from_free_list unlinks the block and takes its pages out of the free counters (CMA twice)', () => {
  const zone = zoneOf(spec(oneZone(3, 1, 0, 24, [[8, 8]])), 0, 'ZONE_NORMAL');
  expect(zone.vm_stat).toEqual({ NR_FREE_PAGES: 24, NR_FREE_CMA_PAGES: 8 });
  del_page_from_free_list(zone, 8, 3, 'MIGRATE_CMA');
  expect(zone.vm_stat).toEqual({ NR_FREE_PAGES: 16, NR_FREE_CMA_PAGES: 0 });
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[], [], [], []]);
  expect(zone.buddies.has(8)).toBe(false);
  del_page_from_free_list(zone, 16, 3, 'MIGRATE_MOVABLE');
  expect(zone.vm_stat).toEqual({ NR_FREE_PAGES: 8, NR_FREE_CMA_PAGES: 0 });
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0]]);
  expect(zone.free_area[3]?.nr_free).toBe(1);
});
