import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import type { Zone } from '../../../model/spec/machine.js';
import { findNode } from '../../../model/spec/machine.js';
import { fallbackNodeOrder, for_each_zone_zonelist_nodemask } from '../../../model/spec/zonelist.js';
import { allocPfn, spec } from './helpers.js';

/**
 * Three nodes listed out of nid order (positions 0,1,2 = nids 0,2,1), one order-2 block per zone.
 * From nid 0, nids 1 and 2 are both at distance 20: the tie goes to the lower nid.
 */
const THREE_NODES: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_DMA32: [0, 4], ZONE_NORMAL: [4, 4] } },
    { nid: 2, zones: { ZONE_NORMAL: [8, 4], ZONE_MOVABLE: [12, 4] } },
    { nid: 1, zones: { ZONE_NORMAL: [16, 4] } },
  ],
  distance: [
    [10, 20, 20],
    [30, 10, 15],
    [25, 25, 10],
  ],
  tasks: [
    { tid: 1, nid: 0 },
    { tid: 7, nid: 0, mems: [0, 2] },
  ],
};

const names = (zones: readonly Zone[]): string[] => zones.map((z) => `${z.nid}:${z.name}`);

function node(nid: number) {
  const s = spec(THREE_NODES);
  const n = findNode(s.machine, nid);
  if (n === undefined) throw new Error('no node');
  return { s, n };
}

test('fallback node order: local first, then (distance, nid)', () => {
  const nids = (nid: number) => {
    const { s, n } = node(nid);
    return fallbackNodeOrder(s.machine, n).map((x) => x.nid);
  };
  expect(nids(0)).toEqual([0, 1, 2]); // tie at 20 broken by nid
  expect(nids(2)).toEqual([2, 1, 0]); // 15 < 30
  expect(nids(1)).toEqual([1, 0, 2]); // tie at 25 broken by nid
});

test('FALLBACK zonelists are node-major, highest zone first', () => {
  expect(names(node(0).n.node_zonelists.ZONELIST_FALLBACK)).toEqual([
    '0:ZONE_NORMAL',
    '0:ZONE_DMA32',
    '1:ZONE_NORMAL',
    '2:ZONE_MOVABLE',
    '2:ZONE_NORMAL',
  ]);
  expect(names(node(2).n.node_zonelists.ZONELIST_FALLBACK)).toEqual([
    '2:ZONE_MOVABLE',
    '2:ZONE_NORMAL',
    '1:ZONE_NORMAL',
    '0:ZONE_NORMAL',
    '0:ZONE_DMA32',
  ]);
  expect(names(node(1).n.node_zonelists.ZONELIST_FALLBACK)).toEqual([
    '1:ZONE_NORMAL',
    '0:ZONE_NORMAL',
    '0:ZONE_DMA32',
    '2:ZONE_MOVABLE',
    '2:ZONE_NORMAL',
  ]);
});

test('NOFALLBACK zonelists hold the local node only', () => {
  expect(names(node(0).n.node_zonelists.ZONELIST_NOFALLBACK)).toEqual(['0:ZONE_NORMAL', '0:ZONE_DMA32']);
  expect(names(node(2).n.node_zonelists.ZONELIST_NOFALLBACK)).toEqual(['2:ZONE_MOVABLE', '2:ZONE_NORMAL']);
});

test('for_each_zone_zonelist_nodemask filters by zone index and nodemask', () => {
  const list = node(2).n.node_zonelists.ZONELIST_FALLBACK;
  expect(names(for_each_zone_zonelist_nodemask(list, 3, undefined))).toEqual(names(list));
  expect(names(for_each_zone_zonelist_nodemask(list, 2, undefined))).toEqual([
    '2:ZONE_NORMAL',
    '1:ZONE_NORMAL',
    '0:ZONE_NORMAL',
    '0:ZONE_DMA32',
  ]);
  expect(names(for_each_zone_zonelist_nodemask(list, 2, new Set([0, 1])))).toEqual([
    '1:ZONE_NORMAL',
    '0:ZONE_NORMAL',
    '0:ZONE_DMA32',
  ]);
  expect(names(for_each_zone_zonelist_nodemask(list, 1, new Set([0, 1])))).toEqual(['0:ZONE_DMA32']);
  expect(for_each_zone_zonelist_nodemask(list, 0, undefined)).toEqual([]);
});

function drain(s: ReturnType<typeof spec>, gfp: string[], extra: { nid?: number; nodemask?: number[]; task?: number } = {}) {
  const out: (number | string)[] = [];
  for (;;) {
    const r = allocPfn(s, gfp, 2, extra);
    out.push(r);
    if (typeof r === 'string') return out;
  }
}

test('allocations walk the zonelist in order (GFP_KERNEL stops at ZONE_NORMAL)', () => {
  expect(drain(spec(THREE_NODES), ['GFP_KERNEL'])).toEqual([4, 0, 16, 8, '-ENOMEM']);
  expect(drain(spec(THREE_NODES), ['GFP_HIGHUSER_MOVABLE'])).toEqual([4, 0, 16, 12, 8, '-ENOMEM']);
  expect(drain(spec(THREE_NODES), ['GFP_HIGHUSER_MOVABLE'], { nid: 2 })).toEqual([12, 8, 16, 4, 0, '-ENOMEM']);
});

test('__GFP_THISNODE uses the preferred node only', () => {
  expect(drain(spec(THREE_NODES), ['GFP_HIGHUSER_MOVABLE', '__GFP_THISNODE'], { nid: 2 })).toEqual([12, 8, '-ENOMEM']);
  expect(drain(spec(THREE_NODES), ['GFP_KERNEL', '__GFP_THISNODE'])).toEqual([4, 0, '-ENOMEM']);
});

test('nodemask skips the zones of other nodes, the preferred node included', () => {
  expect(drain(spec(THREE_NODES), ['GFP_KERNEL'], { nodemask: [2, 1] })).toEqual([16, 8, '-ENOMEM']);
  expect(drain(spec(THREE_NODES), ['GFP_KERNEL'], { nodemask: [] })).toEqual(['-ENOMEM']);
  // entries naming no node match nothing
  expect(drain(spec(THREE_NODES), ['GFP_KERNEL'], { nodemask: [9] })).toEqual(['-ENOMEM']);
});

test('__GFP_HARDWALL keeps to the task mems; without it the cpuset is not consulted', () => {
  expect(drain(spec(THREE_NODES), ['GFP_USER'], { task: 7 })).toEqual([4, 0, 8, '-ENOMEM']);
  expect(drain(spec(THREE_NODES), ['GFP_KERNEL'], { task: 7 })).toEqual([4, 0, 16, 8, '-ENOMEM']);
  expect(drain(spec(THREE_NODES), ['GFP_KERNEL', '__GFP_HARDWALL'], { task: 7, nid: 1 })).toEqual([4, 0, 8, '-ENOMEM']);
  // the default task's mems are every node
  expect(drain(spec(THREE_NODES), ['GFP_USER'])).toEqual([4, 0, 16, 8, '-ENOMEM']);
});

test('remote-node is reported when the page is not on the preferred node', () => {
  const s = spec(THREE_NODES);
  expect(allocPfn(s, ['GFP_USER', '__GFP_MOVABLE'], 2, { nid: 1 })).toBe(16);
  expect(s.drainEvents()).toEqual([]);
  expect(allocPfn(s, ['GFP_USER', '__GFP_MOVABLE'], 2, { nid: 1 })).toBe(4);
  expect(s.drainEvents()).toEqual([{ kind: 'remote-node' }]);
});

test('an unknown task or preferred node is -EINVAL', () => {
  const s = spec(THREE_NODES);
  const before = s.snapshot();
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0, task: 3 })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0, nid: 5 })).toEqual({ ret: '-EINVAL' });
  expect(s.snapshot()).toEqual(before);
});

test('a memoryless preferred node falls back to the others', () => {
  const s = spec({
    maxOrder: 2,
    pageblockOrder: 1,
    nodes: [
      { nid: 0, zones: {} },
      { nid: 1, zones: { ZONE_NORMAL: [0, 4] } },
    ],
  });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toMatchObject({ ret: 0, pfn: 0, nid: 1 });
  expect(s.drainEvents()).toContainEqual({ kind: 'remote-node' });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_THISNODE'], order: 0 })).toEqual({ ret: '-ENOMEM' });
});

test('fallbackNodeOrder: a distance the table does not give counts as infinitely far (ties by nid)', () => {
  const s = spec(THREE_NODES);
  // keep only row 0, and only its first two entries: from nid 0, nid 2 (position 1) is at 30, nid 1 unknown
  s.machine.distance.splice(1);
  s.machine.distance[0]?.splice(2);
  s.machine.distance[0]?.splice(1, 1, 30);
  const order = (nid: number) => fallbackNodeOrder(s.machine, findNode(s.machine, nid)!).map((n) => n.nid);
  expect(order(0)).toEqual([0, 2, 1]);
  // no row for nid 2 (position 1) or nid 1 (position 2): every other node is unknown, so nid order
  expect(order(2)).toEqual([2, 0, 1]);
  expect(order(1)).toEqual([1, 0, 2]);
});
