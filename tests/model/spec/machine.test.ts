import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import {
  get_pfnblock_migratetype,
  layoutMachine,
  memoryNodes,
  nodeHasMemory,
  set_pageblock_migratetype,
} from '../../../model/spec/machine.js';
import { oneZone, profile, spec } from './helpers.js';

/** Three nodes without a distance table; node 1 ZONE_NORMAL [16,32) can be taken offline whole. */
const THREE_NODES: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 16] } },
    { nid: 1, zones: { ZONE_NORMAL: [16, 16] } },
    { nid: 2, zones: { ZONE_MOVABLE: [32, 8] } },
  ],
};

test('the pageblock bitmap refuses a pfn that is not present (a hole)', () => {
  const s = spec(oneZone(3, 1, 0, 16));
  expect(get_pfnblock_migratetype(s.machine, 15)).toBe('MIGRATE_MOVABLE');
  expect(() => get_pfnblock_migratetype(s.machine, 16)).toThrow(/spec: pfn 16 is not present/);
  expect(() => set_pageblock_migratetype(s.machine, 17, 'MIGRATE_UNMOVABLE')).toThrow(/spec: pfn 17 is not present/);
  set_pageblock_migratetype(s.machine, 14, 'MIGRATE_UNMOVABLE');
  expect(get_pfnblock_migratetype(s.machine, 15)).toBe('MIGRATE_UNMOVABLE');
});

test('N_MEMORY: a node whose zones have no present pages (all offline) has no memory; an unknown nid neither', () => {
  const s = spec(THREE_NODES);
  expect(memoryNodes(s.machine)).toEqual([0, 1, 2]);
  expect(nodeHasMemory(s.machine, 1)).toBe(true);
  expect(nodeHasMemory(s.machine, 7)).toBe(false);

  expect(s.apply({ op: 'offline_pages', startPfn: 16, pages: 16 })).toEqual({ ret: 0 });
  expect(s.machine.nodes[1]?.node_zones.map((z) => z.present_pages)).toEqual([0]);
  expect(nodeHasMemory(s.machine, 1)).toBe(false);
  expect(nodeHasMemory(s.machine, 0)).toBe(true);
  expect(memoryNodes(s.machine)).toEqual([0, 2]);
});

test('no distance table: LOCAL_DISTANCE (10) on the diagonal, REMOTE_DISTANCE (20) elsewhere', () => {
  expect(spec(THREE_NODES).machine.distance).toEqual([
    [10, 20, 20],
    [20, 10, 20],
    [20, 20, 10],
  ]);
  expect(spec(oneZone(3, 1, 0, 16)).machine.distance).toEqual([[10]]);
});

test('layoutMachine lays out zones and pageblocks only: no free block, empty zonelists', () => {
  const machine = layoutMachine(oneZone(3, 1, 0, 8, [[4, 4]]), profile);
  const [node] = machine.nodes;
  expect(node?.node_zonelists).toEqual({ ZONELIST_FALLBACK: [], ZONELIST_NOFALLBACK: [] });
  expect(node?.node_zones).toEqual(machine.zones);
  expect(machine.zones.map((z) => [z.free_area.map((a) => a.nr_free), z.cma_pages, z.buddies.size])).toEqual([
    [[0, 0, 0, 0], 4, 0],
  ]);
  expect([...machine.pageblocks].map(([pfn, b]) => [pfn, b.migratetype])).toEqual([
    [0, 'MIGRATE_MOVABLE'],
    [2, 'MIGRATE_MOVABLE'],
    [4, 'MIGRATE_CMA'],
    [6, 'MIGRATE_CMA'],
  ]);
});

test('layoutMachine refuses what config validation should have refused (spec errors)', () => {
  // a CMA range over a hole
  expect(() => layoutMachine(oneZone(3, 1, 0, 8, [[8, 4]]), profile)).toThrow(/spec: CMA pfn 8 is not present/);
  // private-node ops that node_private_set_ops would refuse
  const bad: MachineConfig = {
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8] }, private: { flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to'] } }],
  };
  expect(() => layoutMachine(bad, PROFILES['private-nodes-v4'])).toThrow(/spec: machine\.nodes\[0\]\.private\.flags: -EINVAL/);
  expect(() => layoutMachine(bad, profile)).toThrow(/spec: machine\.nodes\[0\]\.private under linux-6\.12/);
});
