import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { largestBlockOrder } from '../../../model/spec/boot.js';
import { lists, spec, zoneOf } from './helpers.js';

/**
 * maxOrder 3, pageblockOrder 1 (2-page pageblocks):
 * - node 0 ZONE_DMA [2,8): not aligned to maxOrder;
 * - node 0 ZONE_NORMAL [8,32) with a CMA run [12,16);
 * - node 1 ZONE_MOVABLE [34,48): starts off maxOrder alignment.
 */
const SMALL: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_DMA: [2, 6], ZONE_NORMAL: [8, 24] }, cma: [[12, 4]] },
    { nid: 1, zones: { ZONE_MOVABLE: [34, 14] } },
  ],
};

test('largestBlockOrder: natural alignment, bounded by the range end and maxOrder', () => {
  expect(largestBlockOrder(0, 64, 3)).toBe(3);
  expect(largestBlockOrder(2, 8, 3)).toBe(1);
  expect(largestBlockOrder(4, 8, 3)).toBe(2);
  expect(largestBlockOrder(8, 12, 3)).toBe(2);
  expect(largestBlockOrder(16, 17, 3)).toBe(0);
  expect(largestBlockOrder(2 ** 34, 2 ** 34 + 2 ** 12, 10)).toBe(10);
});

test('initial free lists: largest aligned blocks, ascending pfn, per pageblock-type run', () => {
  const s = spec(SMALL);
  const dma = zoneOf(s, 0, 'ZONE_DMA');
  expect(lists(dma, 'MIGRATE_MOVABLE')).toEqual([[], [2], [4], []]);

  const normal = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(lists(normal, 'MIGRATE_MOVABLE')).toEqual([[], [], [8], [16, 24]]);
  expect(lists(normal, 'MIGRATE_CMA')).toEqual([[], [], [12], []]);
  expect(lists(normal, 'MIGRATE_UNMOVABLE')).toEqual([[], [], [], []]);

  const movable = zoneOf(s, 1, 'ZONE_MOVABLE');
  expect(lists(movable, 'MIGRATE_MOVABLE')).toEqual([[], [34], [36], [40]]);
});

test('initial counters and zone sizes', () => {
  const zones = spec(SMALL).snapshot().zones;
  expect(zones.map((z) => [z.nid, z.zone, z.startPfn, z.spannedPages, z.presentPages, z.managedPages, z.cmaPages])).toEqual([
    [0, 'ZONE_DMA', 2, 6, 6, 6, 0],
    [0, 'ZONE_NORMAL', 8, 24, 24, 24, 4],
    [1, 'ZONE_MOVABLE', 34, 14, 14, 14, 0],
  ]);
  expect(zones.map((z) => [z.nrFreePages, z.nrFreeCmaPages, z.nrFree])).toEqual([
    [6, 0, [0, 1, 1, 0]],
    [24, 4, [0, 0, 2, 2]],
    [14, 0, [0, 1, 1, 1]],
  ]);
});

test('initial pageblocks: MOVABLE, CMA inside CMA areas, every present pageblock ascending', () => {
  const pbs = spec(SMALL).snapshot().pageblocks;
  const expected = [
    ...[2, 4, 6, 8, 10].map((pfn) => ({ pfn, migratetype: 'MIGRATE_MOVABLE' })),
    ...[12, 14].map((pfn) => ({ pfn, migratetype: 'MIGRATE_CMA' })),
    ...[16, 18, 20, 22, 24, 26, 28, 30, 34, 36, 38, 40, 42, 44, 46].map((pfn) => ({ pfn, migratetype: 'MIGRATE_MOVABLE' })),
  ];
  expect(pbs).toEqual(expected);
});

test('the example machine of DESIGN.md §8', () => {
  const s = spec({
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [
      { nid: 0, zones: { ZONE_NORMAL: [0, 32], ZONE_MOVABLE: [32, 32] }, cma: [[16, 8]] },
      { nid: 1, zones: { ZONE_NORMAL: [64, 32] } },
    ],
    tasks: [{ tid: 1, nid: 0 }],
  });
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_MOVABLE')).toEqual([[], [], [], [0, 8, 24]]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_CMA')).toEqual([[], [], [], [16]]);
  expect(lists(zoneOf(s, 0, 'ZONE_MOVABLE'), 'MIGRATE_MOVABLE')).toEqual([[], [], [], [32, 40, 48, 56]]);
  expect(lists(zoneOf(s, 1, 'ZONE_NORMAL'), 'MIGRATE_MOVABLE')).toEqual([[], [], [], [64, 72, 80, 88]]);
});

test('pageblockOrder 0 and pageblockOrder == maxOrder both boot', () => {
  const a = spec({ maxOrder: 2, pageblockOrder: 0, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [1, 7] }, cma: [[2, 2]] }] });
  const z = zoneOf(a, 0, 'ZONE_NORMAL');
  expect(lists(z, 'MIGRATE_MOVABLE')).toEqual([[1], [], [4]]);
  expect(lists(z, 'MIGRATE_CMA')).toEqual([[], [2], []]);
  expect(a.snapshot().zones[0]?.nrFreeCmaPages).toBe(2);

  const b = spec({ maxOrder: 2, pageblockOrder: 2, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [4, 8] }, cma: [[8, 4]] }] });
  const zb = zoneOf(b, 0, 'ZONE_NORMAL');
  expect(lists(zb, 'MIGRATE_MOVABLE')).toEqual([[], [], [4]]);
  expect(lists(zb, 'MIGRATE_CMA')).toEqual([[], [], [8]]);
});

test('largestBlockOrder never goes below order 0, even for an empty range', () => {
  expect(largestBlockOrder(8, 8, 3)).toBe(0);
  expect(largestBlockOrder(7, 8, 3)).toBe(0);
});
