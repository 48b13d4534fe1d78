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
    memory: [
      { pfn: 0, nrPages: 2, nid: 3, zone: 'ZONE_DMA' },
      { pfn: 4, nrPages: 2, nid: 3, zone: 'ZONE_NORMAL' },
      { pfn: 8, nrPages: 4, nid: 1, zone: 'ZONE_MOVABLE' },
    ],
    offline: [],
    pageblocks: [
      { pfn: 0, migratetype: 'MIGRATE_CMA' },
      { pfn: 4, migratetype: 'MIGRATE_MOVABLE' },
      { pfn: 8, migratetype: 'MIGRATE_MOVABLE' },
      { pfn: 10, migratetype: 'MIGRATE_MOVABLE' },
    ],
    folios: [
      { pfn: 4, order: 1, nid: 3, zone: 'ZONE_NORMAL', refcount: 4, pincount: 0, mapped: 0 },
      { pfn: 8, order: 0, nid: 1, zone: 'ZONE_MOVABLE', refcount: 1, pincount: 0, mapped: 0 },
    ],
    cmaAllocations: [],
    handles: [
      { handle: 'k1', pfns: [8] },
      { handle: 'k2', pfns: [4] },
      { handle: 'g1', pfns: [4] },
    ],
    tasks: [{ tid: 1, nid: 3, mems: [1, 3], policy: null, ilPrev: -1 }],
    privateNodes: [],
    vmas: [],
  });
});

test('snapshot key order is the api declaration order', () => {
  const s = spec({ maxOrder: 1, pageblockOrder: 0, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 2] } }] });
  s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 });
  const snap = s.snapshot();
  expect(Object.keys(snap)).toEqual(['zones', 'memory', 'offline', 'pageblocks', 'folios', 'cmaAllocations', 'handles', 'tasks', 'privateNodes', 'vmas']);
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
  expect(Object.keys(snap.folios[0]!)).toEqual(['pfn', 'order', 'nid', 'zone', 'refcount', 'pincount', 'mapped']);
  expect(Object.keys(snap.handles[0]!)).toEqual(['handle', 'pfns']);
});

test('user memory, policies, CMA and offline ranges in the snapshot, with api key order', () => {
  const s = spec({
    maxOrder: 2,
    pageblockOrder: 1,
    nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] }, cma: [[4, 4]] }],
    tasks: [{ tid: 7, nid: 0 }],
  });
  const results = [
    s.apply({ op: 'set_mempolicy', task: 7, mode: 'MPOL_BIND', nodes: [0] }),
    s.apply({ op: 'mmap', task: 7, pages: 4, folioOrder: 1 }),
    s.apply({ op: 'touch', vma: 'v1', index: 2 }),
    s.apply({ op: 'pin_user_pages', vma: 'v1', index: 3, nr: 1, gup_flags: [] }),
    s.apply({ op: 'cma_alloc', area: 0, count: 2 }),
    s.apply({ op: 'offline_pages', startPfn: 12, pages: 4 }),
    s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 0 }),
  ];
  expect(results.map((r) => Object.keys(r))).toEqual([
    ['ret'],
    ['ret', 'vma'],
    ['ret', 'pages'],
    ['ret', 'pin', 'pages'],
    ['ret', 'cma', 'pfn', 'nid', 'zone'],
    ['ret'],
    ['ret', 'status'],
  ]);
  expect(Object.keys((results[2] as { pages: readonly object[] }).pages[0]!)).toEqual(['index', 'pfn', 'nid', 'zone']);
  expect(Object.keys((results[3] as { pages: readonly object[] }).pages[0]!)).toEqual(['index', 'pfn', 'nid', 'zone', 'migrated']);
  const snap = s.snapshot();
  expect(snap.memory).toEqual([
    { pfn: 0, nrPages: 8, nid: 0, zone: 'ZONE_NORMAL' },
    { pfn: 8, nrPages: 4, nid: 0, zone: 'ZONE_MOVABLE' },
  ]);
  expect(snap.offline).toEqual([{ pfn: 12, nrPages: 4 }]);
  expect(snap.folios).toEqual([{ pfn: 8, order: 1, nid: 0, zone: 'ZONE_MOVABLE', refcount: 3, pincount: 1, mapped: 2 }]);
  expect(snap.cmaAllocations).toEqual([{ handle: 'c1', area: 0, pfn: 4, nrPages: 2 }]);
  expect(snap.handles).toEqual([
    { handle: 'v1', pfns: [] },
    { handle: 'u1', pfns: [9] },
    { handle: 'c1', pfns: [4] },
  ]);
  expect(snap.tasks).toEqual([{ tid: 7, nid: 0, mems: [0], policy: { mode: 'MPOL_BIND', nodes: [0], cpusetMems: [0], private: false }, ilPrev: -1 }]);
  expect(snap.vmas).toEqual([{ handle: 'v1', task: 7, pages: 4, folioOrder: 1, policy: null, ptes: [null, null, 8, 9] }]);
  expect(Object.keys(snap.memory[0]!)).toEqual(['pfn', 'nrPages', 'nid', 'zone']);
  expect(Object.keys(snap.offline[0]!)).toEqual(['pfn', 'nrPages']);
  expect(Object.keys(snap.cmaAllocations[0]!)).toEqual(['handle', 'area', 'pfn', 'nrPages']);
  expect(Object.keys(snap.tasks[0]!)).toEqual(['tid', 'nid', 'mems', 'policy', 'ilPrev']);
  expect(Object.keys(snap.tasks[0]!.policy!)).toEqual(['mode', 'nodes', 'cpusetMems', 'private']);
  expect(Object.keys(snap.vmas[0]!)).toEqual(['handle', 'task', 'pages', 'folioOrder', 'policy', 'ptes']);
  expect(s.holders()).toEqual([{ pfn: 8, order: 1, kernel: 0, mapped: 2, gets: 0, pins: 1, longtermPins: 0, placement: { path: 'fault', gfp: 0x100cca } }]);
  expect(Object.keys(s.holders()[0]!)).toEqual(['pfn', 'order', 'kernel', 'mapped', 'gets', 'pins', 'longtermPins', 'placement']);
});
