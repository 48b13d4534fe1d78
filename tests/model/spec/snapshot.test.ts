import { test, expect } from 'vitest';
import { spec } from './helpers.js';

test('full snapshot of a two-node machine after a few ops', () => {
  const s = spec({
    maxOrder: 1,
    pageblockOrder: 1,
    nodes: [
      { nid: 3, zones: { ZONE_NORMAL: [4, 2], ZONE_DMA: [0, 2] }, cma: [[0, 2]] },
      { nid: 1, zones: { ZONE_MOVABLE: [8, 4] } },
    ],
  });
  // default task: tid 1 on the first node (nid 3)
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0, nid: 1 })).toEqual({
    ret: 0,
    page: 'k1',
    pfn: 8,
    nid: 1,
    zone: 'ZONE_MOVABLE',
    migratetype: 'MIGRATE_MOVABLE',
  });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 })).toMatchObject({ page: 'k2', pfn: 4, nid: 3 });
  expect(s.apply({ op: 'get_page', page: 'k2', times: 3 })).toEqual({ ret: 0, ref: 'g1' });

  const empty6 = (): number[][][] => Array.from({ length: 6 }, () => [[], []]);
  const dmaLists = empty6();
  dmaLists[4] = [[], [0]];
  const movableLists = empty6();
  movableLists[1] = [[9], [10]];

  expect(s.snapshot()).toEqual({
    zones: [
      {
        nid: 3,
        zone: 'ZONE_DMA',
        startPfn: 0,
        spannedPages: 2,
        presentPages: 2,
        managedPages: 2,
        cmaPages: 2,
        nrFreePages: 2,
        nrFreeCmaPages: 2,
        nrFree: [0, 1],
        freeLists: dmaLists,
      },
      {
        nid: 3,
        zone: 'ZONE_NORMAL',
        startPfn: 4,
        spannedPages: 2,
        presentPages: 2,
        managedPages: 2,
        cmaPages: 0,
        nrFreePages: 0,
        nrFreeCmaPages: 0,
        nrFree: [0, 0],
        freeLists: empty6(),
      },
      {
        nid: 1,
        zone: 'ZONE_MOVABLE',
        startPfn: 8,
        spannedPages: 4,
        presentPages: 4,
        managedPages: 4,
        cmaPages: 0,
        nrFreePages: 3,
        nrFreeCmaPages: 0,
        nrFree: [1, 1],
        freeLists: movableLists,
      },
    ],
    pageblocks: [
      { pfn: 0, migratetype: 'MIGRATE_CMA' },
      { pfn: 4, migratetype: 'MIGRATE_MOVABLE' },
      { pfn: 8, migratetype: 'MIGRATE_MOVABLE' },
      { pfn: 10, migratetype: 'MIGRATE_MOVABLE' },
    ],
    folios: [
      { pfn: 4, order: 1, nid: 3, zone: 'ZONE_NORMAL', refcount: 4, pincount: 0 },
      { pfn: 8, order: 0, nid: 1, zone: 'ZONE_MOVABLE', refcount: 1, pincount: 0 },
    ],
    handles: [
      { handle: 'k1', pfn: 8 },
      { handle: 'k2', pfn: 4 },
      { handle: 'g1', pfn: 4 },
    ],
  });
});

test('snapshot key order is the api declaration order', () => {
  const s = spec({ maxOrder: 1, pageblockOrder: 0, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 2] } }] });
  s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 });
  const snap = s.snapshot();
  expect(Object.keys(snap)).toEqual(['zones', 'pageblocks', 'folios', 'handles']);
  expect(Object.keys(snap.zones[0]!)).toEqual([
    'nid',
    'zone',
    'startPfn',
    'spannedPages',
    'presentPages',
    'managedPages',
    'cmaPages',
    'nrFreePages',
    'nrFreeCmaPages',
    'nrFree',
    'freeLists',
  ]);
  expect(Object.keys(snap.pageblocks[0]!)).toEqual(['pfn', 'migratetype']);
  expect(Object.keys(snap.folios[0]!)).toEqual(['pfn', 'order', 'nid', 'zone', 'refcount', 'pincount']);
  expect(Object.keys(snap.handles[0]!)).toEqual(['handle', 'pfn']);
});
