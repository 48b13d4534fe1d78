// Zonelist order: node distance then nid, zones high to low, THISNODE, nodemask and cpuset filters.
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { ZONE_NAMES } from '../../../model/api/index.js';
import type { ImplSystem } from '../../../model/impl/index.js';
import { IdIndex } from '../../../model/impl/idindex.js';
import { NodeMask } from '../../../model/impl/zonelist.js';
import { alloc, boot } from './helpers.js';

// positions 0,1,2 = nids 0,4,2; node 2 (position 2) and node 4 are equally far from node 0
const THREE: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_DMA: [0, 4], ZONE_DMA32: [4, 4], ZONE_NORMAL: [8, 8] } },
    { nid: 4, zones: { ZONE_NORMAL: [64, 8], ZONE_MOVABLE: [72, 8] } },
    { nid: 2, zones: { ZONE_NORMAL: [128, 8] } },
  ],
  distance: [
    [10, 30, 30],
    [30, 10, 15],
    [30, 15, 10],
  ],
  tasks: [
    { tid: 1, nid: 0 },
    { tid: 2, nid: 4, mems: [2] },
  ],
};

function names(sys: ImplSystem, pos: number, thisnode: boolean, high: number): string[] {
  const mm = sys.mm;
  return sys.zonelists.list(pos, thisnode, high).map((z) => `${mm.zoneNid[z]}:${ZONE_NAMES[mm.zoneIdx[z]!]!.slice(5)}`);
}

describe('build_zonelists', () => {
  test('FALLBACK: preferred node, then (distance, nid); zones highest first', () => {
    const sys = boot(THREE);
    // from node 0: nodes 2 and 4 tie at 30, so nid 2 first
    expect(names(sys, 0, false, 3)).toEqual(['0:NORMAL', '0:DMA32', '0:DMA', '2:NORMAL', '4:MOVABLE', '4:NORMAL']);
    expect(names(sys, 0, false, 2)).toEqual(['0:NORMAL', '0:DMA32', '0:DMA', '2:NORMAL', '4:NORMAL']);
    expect(names(sys, 0, false, 1)).toEqual(['0:DMA32', '0:DMA']);
    expect(names(sys, 0, false, 0)).toEqual(['0:DMA']);
    // from node 4: node 2 at 15 before node 0 at 30
    expect(names(sys, 1, false, 3)).toEqual(['4:MOVABLE', '4:NORMAL', '2:NORMAL', '0:NORMAL', '0:DMA32', '0:DMA']);
    expect(names(sys, 2, false, 2)).toEqual(['2:NORMAL', '4:NORMAL', '0:NORMAL', '0:DMA32', '0:DMA']);
  });

  test('NOFALLBACK (__GFP_THISNODE): the preferred node only', () => {
    const sys = boot(THREE);
    expect(names(sys, 1, true, 3)).toEqual(['4:MOVABLE', '4:NORMAL']);
    expect(names(sys, 1, true, 1)).toEqual([]);
    expect(names(sys, 0, true, 2)).toEqual(['0:NORMAL', '0:DMA32', '0:DMA']);
  });

  test('default distances: 10 local, 20 remote, ties by nid', () => {
    const sys = boot({ ...THREE, distance: undefined });
    expect(names(sys, 1, false, 2)).toEqual(['4:NORMAL', '0:NORMAL', '0:DMA32', '0:DMA', '2:NORMAL']);
  });
});

describe('build_zonelists with a partial distance matrix', () => {
  test('a missing row or entry counts as infinitely far (after every known distance), ties by nid', () => {
    // row 2 is missing, row 1 has no entry for position 2
    const sys = boot({ ...THREE, distance: [[10, 30, 20], [30, 10]] });
    expect(names(sys, 0, false, 2)).toEqual(['0:NORMAL', '0:DMA32', '0:DMA', '2:NORMAL', '4:NORMAL']);
    expect(names(sys, 1, false, 2)).toEqual(['4:NORMAL', '0:NORMAL', '0:DMA32', '0:DMA', '2:NORMAL']);
    expect(names(sys, 2, false, 2)).toEqual(['2:NORMAL', '0:NORMAL', '0:DMA32', '0:DMA', '4:NORMAL']);
  });
});

describe('zonelist walk', () => {
  test('falls to lower zones, then to the next node; THISNODE stops at the node', () => {
    const sys = boot(THREE);
    const placed = () => {
      const r = alloc(sys, ['GFP_KERNEL'], 2);
      return r.ret === 0 ? `${r.nid}:${r.pfn}` : r.ret;
    };
    // node 0 NORMAL (8 pages) twice, DMA32, DMA, then node 2, then node 4
    expect(Array.from({ length: 8 }, placed)).toEqual(['0:8', '0:12', '0:4', '0:0', '2:128', '2:132', '4:64', '4:68']);
    expect(placed()).toBe('-ENOMEM');
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE', '__GFP_THISNODE'], 2)).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE', '__GFP_THISNODE'], 2, { nid: 4 })).toMatchObject({ ret: 0, pfn: 72, nid: 4, zone: 'ZONE_MOVABLE' });
  });

  test('nodemask skips nodes outside it; an empty mask allows nothing; unknown nids are ignored', () => {
    const sys = boot(THREE);
    expect(alloc(sys, ['GFP_KERNEL'], 0, { nodemask: [4, 99] })).toMatchObject({ pfn: 64, nid: 4 });
    expect(alloc(sys, ['GFP_KERNEL'], 0, { nodemask: [] })).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_THISNODE'], 0, { nodemask: [4] })).toEqual({ ret: '-ENOMEM' });
    // from node 2, node 4 (distance 15) comes before node 0 (30)
    expect(alloc(sys, ['GFP_KERNEL'], 0, { nid: 2, nodemask: [0, 4] })).toMatchObject({ pfn: 65, nid: 4 });
  });

  test('__GFP_HARDWALL keeps to the task mems; without it mems do not apply', () => {
    const sys = boot(THREE);
    // task 2 lives on node 4 but its cpuset holds node 2 only
    expect(alloc(sys, ['GFP_USER'], 0, { task: 2 })).toMatchObject({ pfn: 128, nid: 2 });
    expect(alloc(sys, ['GFP_KERNEL'], 0, { task: 2 })).toMatchObject({ pfn: 64, nid: 4 });
    expect(alloc(sys, ['GFP_USER'], 0, { task: 2, nodemask: [4] })).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 0, { task: 2, nid: 0 })).toMatchObject({ pfn: 129, nid: 2 });
  });

  test('a memoryless preferred node falls back to the nearest node', () => {
    const sys = boot({ maxOrder: 1, pageblockOrder: 0, nodes: [{ nid: 0, zones: {} }, { nid: 1, zones: { ZONE_NORMAL: [8, 2] } }] });
    expect(alloc(sys, ['GFP_KERNEL'], 1)).toMatchObject({ pfn: 8, nid: 1 });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_THISNODE'], 0)).toEqual({ ret: '-ENOMEM' });
    expect(sys.snapshot().pageblocks).toEqual([
      { pfn: 8, migratetype: 'MIGRATE_MOVABLE' },
      { pfn: 9, migratetype: 'MIGRATE_MOVABLE' },
    ]);
  });

  test('NodeMask beyond 32 nodes', () => {
    const m = new NodeMask(70);
    m.set(0);
    m.set(33);
    m.set(69);
    expect([0, 1, 32, 33, 69].map((p) => m.has(p))).toEqual([true, false, false, true, true]);
    m.clear();
    expect(m.has(33)).toBe(false);
  });
});

describe('tasks', () => {
  test('default task: tid 1 on the first node, mems every node', () => {
    const sys = boot({ maxOrder: 1, pageblockOrder: 0, nodes: [{ nid: 5, zones: { ZONE_NORMAL: [0, 2] } }, { nid: 6, zones: { ZONE_NORMAL: [2, 2] } }] });
    expect(alloc(sys, ['GFP_USER'], 1, { task: 1 })).toMatchObject({ nid: 5 });
    expect(alloc(sys, ['GFP_USER'], 1)).toMatchObject({ nid: 6 });
    expect(alloc(sys, ['GFP_USER'], 0, { task: 2 })).toEqual({ ret: '-EINVAL' });
  });

  test('the first of duplicate tids wins; unknown mems nids are ignored', () => {
    const sys = boot({
      maxOrder: 1,
      pageblockOrder: 0,
      nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 2] } }, { nid: 1, zones: { ZONE_NORMAL: [2, 2] } }],
      tasks: [
        { tid: 3, nid: 1, mems: [1, 42] },
        { tid: 3, nid: 0 },
      ],
    });
    expect(alloc(sys, ['GFP_USER'], 0, { task: 3 })).toMatchObject({ pfn: 2, nid: 1 });
    expect(alloc(sys, ['GFP_USER'], 0, { task: 3, nid: 0 })).toMatchObject({ pfn: 3, nid: 1 });
  });
});

test('IdIndex: dense small ids, a map for large ones, first duplicate wins', () => {
  const ix = new IdIndex([3, 5000, 0, 3, 2 ** 40]);
  expect([3, 5000, 0, 2 ** 40, 1, 4, 9999, -1, 0.5].map((id) => ix.get(id))).toEqual([0, 1, 2, 4, -1, -1, -1, -1, -1]);
  expect(alloc(boot({ maxOrder: 0, pageblockOrder: 0, nodes: [{ nid: 1023, zones: { ZONE_NORMAL: [0, 1] } }], tasks: [{ tid: 70000, nid: 1023 }] }), ['GFP_KERNEL'], 0, { task: 70000 })).toMatchObject({ nid: 1023 });
});
