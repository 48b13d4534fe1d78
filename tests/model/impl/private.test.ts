// Private memory nodes (MODEL.md "Private memory nodes") with exact values: node_private_set_ops'
// predicate, clear_ops, read_sysfs, the zonelists, the __GFP_PRIVATE gate per profile, MPOL_F_PRIVATE,
// the BIND start node, the rebind after clear_ops, move_pages in and out, long-term pins.
import { describe, expect, test } from 'vitest';
import type { MachineConfig, Op, ProfileName } from '../../../model/api/index.js';
import { ZONE_NAMES } from '../../../model/api/index.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { alloc, run } from './helpers.js';

const MIGRATE_MEMPOLICY = { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] };

/**
 * Nodes 0 and 1 normal (NORMAL [0,16), [16,32)); node 2 private, cxl_mempolicy-like (MOVABLE
 * [32,48)); node 3 private without ops flags (NORMAL [48,64)). Node 3 is nearer to node 0 than
 * node 1 is, node 1 nearer to node 2 than node 0 is.
 */
const PRIV: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 16] } },
    { nid: 1, zones: { ZONE_NORMAL: [16, 16] } },
    { nid: 2, zones: { ZONE_MOVABLE: [32, 16] }, private: MIGRATE_MEMPOLICY },
    { nid: 3, zones: { ZONE_NORMAL: [48, 16] }, private: { flags: [], callbacks: [] } },
  ],
  distance: [
    [10, 20, 30, 15],
    [20, 10, 15, 30],
    [30, 15, 10, 20],
    [15, 30, 20, 10],
  ],
  tasks: [{ tid: 1, nid: 0 }],
};

function boot(profile: ProfileName = 'private-nodes-v4', config: MachineConfig = PRIV): ImplSystem {
  return new ImplSystem(config, PROFILES[profile]);
}

const setOps = (nid: number, flags: string[], callbacks: string[] = []): Op => ({ op: 'node_private_set_ops', nid, flags, callbacks });

/** a user page of VMA v at index i: [pfn, nid] */
function pte(sys: ImplSystem, v: number, i: number): [number, number] {
  const pfn = sys.snapshot().vmas.find((x) => x.handle === `v${v}`)!.ptes[i]!;
  return [pfn, sys.snapshot().folios.find((f) => f.pfn === pfn)!.nid];
}

describe('node_private_set_ops / clear_ops', () => {
  test('the -EINVAL predicate, checked before -ENODEV; otherwise the ops are replaced', () => {
    const sys = boot();
    const cases: [Op, string | number][] = [
      [setOps(9, []), '-EINVAL'], // not a node
      [setOps(2, ['NP_OPS_BOGUS']), '-EINVAL'],
      [setOps(2, [], ['bogus_cb']), '-EINVAL'],
      [setOps(2, ['NP_OPS_MIGRATION'], ['migrate_to']), '-EINVAL'], // no folio_migrate
      [setOps(2, ['NP_OPS_MIGRATION'], ['folio_migrate']), '-EINVAL'],
      [setOps(2, ['NP_OPS_MEMPOLICY']), '-EINVAL'], // MEMPOLICY without MIGRATION
      [setOps(2, ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY', 'NP_OPS_PROTECT_WRITE'], ['migrate_to', 'folio_migrate']), '-EINVAL'],
      [setOps(2, ['NP_OPS_NUMA_BALANCING']), '-EINVAL'],
      [setOps(2, ['NP_OPS_COMPACTION']), '-EINVAL'],
      [setOps(0, ['NP_OPS_MEMPOLICY']), '-EINVAL'], // invalid flags beat -ENODEV
      [setOps(0, []), '-ENODEV'], // a normal node
      [setOps(1, ['NP_OPS_LONGTERM_PIN']), '-ENODEV'],
      // accepted: flags without dependencies, callbacks without their flag
      [setOps(3, ['NP_OPS_PROTECT_WRITE', 'NP_OPS_DEMOTION', 'NP_OPS_RECLAIM', 'NP_OPS_LONGTERM_PIN'], ['migrate_to', 'handle_fault']), 0],
    ];
    for (const [op, ret] of cases) expect(run(sys, op)).toEqual({ ret });
    // flags in bit order, callbacks in struct order; node 2's ops untouched by the refused calls
    expect(sys.snapshot().privateNodes).toEqual([
      { nid: 2, ops: { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] } },
      { nid: 3, ops: { flags: ['NP_OPS_DEMOTION', 'NP_OPS_PROTECT_WRITE', 'NP_OPS_RECLAIM', 'NP_OPS_LONGTERM_PIN'], callbacks: ['migrate_to', 'handle_fault'] } },
    ]);
    // replaced silently, duplicates allowed
    expect(run(sys, setOps(3, ['NP_OPS_LONGTERM_PIN', 'NP_OPS_LONGTERM_PIN']))).toEqual({ ret: 0 });
    expect(sys.snapshot().privateNodes[1]).toEqual({ nid: 3, ops: { flags: ['NP_OPS_LONGTERM_PIN'], callbacks: [] } });
  });

  test('clear_ops: -EINVAL no node, -ENODEV normal node, -EINVAL when no ops are set', () => {
    const sys = boot();
    expect(run(sys, { op: 'node_private_clear_ops', nid: 7 })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'node_private_clear_ops', nid: 1 })).toEqual({ ret: '-ENODEV' });
    expect(run(sys, { op: 'node_private_clear_ops', nid: 2 })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'node_private_clear_ops', nid: 2 })).toEqual({ ret: '-EINVAL' });
    expect(sys.snapshot().privateNodes[0]).toEqual({ nid: 2, ops: null });
    expect(run(sys, setOps(2, ['NP_OPS_LONGTERM_PIN']))).toEqual({ ret: 0 });
    expect(run(sys, { op: 'node_private_clear_ops', nid: 2 })).toEqual({ ret: 0 });
  });

  test('linux-6.12: no private nodes, set_ops -ENODEV, clear_ops -ENODEV', () => {
    const sys = boot('linux-6.12', { ...PRIV, nodes: PRIV.nodes.map(({ nid, zones }) => ({ nid, zones })) });
    expect(run(sys, setOps(2, []))).toEqual({ ret: '-ENODEV' });
    expect(run(sys, setOps(2, ['NP_OPS_MEMPOLICY']))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'node_private_clear_ops', nid: 2 })).toEqual({ ret: '-ENODEV' });
    expect(sys.snapshot().privateNodes).toEqual([]);
  });
  test('flags or callbacks that are not a list of names are -EINVAL; the ops stay', () => {
    const sys = boot();
    const bad = (flags: unknown, callbacks: unknown) => ({ op: 'node_private_set_ops', nid: 2, flags, callbacks }) as unknown as Op;
    expect(run(sys, bad(undefined, []))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, bad([], null))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, bad([], 'migrate_to'))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, bad([7], []))).toEqual({ ret: '-EINVAL' });
    expect(sys.snapshot().privateNodes[0]).toEqual({ nid: 2, ops: MIGRATE_MEMPOLICY });
  });

  test('a private-nodes profile on a machine without private nodes: no node is private (np.any false, no gate)', () => {
    const sys = boot('private-nodes-v4', { ...PRIV, nodes: PRIV.nodes.map(({ nid, zones }) => ({ nid, zones })) });
    expect(sys.np.any).toBe(false);
    expect(sys.zonelists.gateMask).toBe(0);
    expect(sys.snapshot().privateNodes).toEqual([]);
    expect(run(sys, setOps(2, []))).toEqual({ ret: '-ENODEV' });
  });
});

describe('read_sysfs', () => {
  test('has_memory = normal nodes with memory + private ones with NP_OPS_MEMPOLICY; has_private_memory', () => {
    const sys = boot();
    expect(run(sys, { op: 'read_sysfs', attr: 'has_memory' })).toEqual({ ret: 0, nodes: [0, 1, 2] });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_private_memory' })).toEqual({ ret: 0, nodes: [2, 3] });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_cpu' })).toEqual({ ret: '-ENOENT' });
    run(sys, { op: 'node_private_clear_ops', nid: 2 });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_memory' })).toEqual({ ret: 0, nodes: [0, 1] });
    // a private node without present memory is in neither
    expect(run(sys, { op: 'offline_pages', startPfn: 48, pages: 16 })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_private_memory' })).toEqual({ ret: 0, nodes: [2] });
  });

  test('the nodes come out in ascending nid order, whatever the order of the config', () => {
    const sys = boot('private-nodes-v4', { ...PRIV, nodes: [...PRIV.nodes].reverse(), distance: undefined });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_memory' })).toEqual({ ret: 0, nodes: [0, 1, 2] });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_private_memory' })).toEqual({ ret: 0, nodes: [2, 3] });
  });

  test('linux-6.12: has_private_memory does not exist', () => {
    const sys = boot('linux-6.12', { ...PRIV, nodes: PRIV.nodes.map(({ nid, zones }) => ({ nid, zones })) });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_private_memory' })).toEqual({ ret: '-ENOENT' });
    expect(run(sys, { op: 'read_sysfs', attr: 'has_memory' })).toEqual({ ret: 0, nodes: [0, 1, 2, 3] });
  });
});

describe('zonelists', () => {
  const names = (sys: ImplSystem, nid: number, thisnode: boolean) =>
    sys.zonelists.list(nid, thisnode, 3).map((z) => `${sys.mm.zoneNid[z]}:${ZONE_NAMES[sys.mm.zoneIdx[z]!]!.slice(5)}`);

  test('normal lists hold only normal nodes; a private node: itself, then normal nodes by (distance, nid)', () => {
    const sys = boot();
    expect(names(sys, 0, false)).toEqual(['0:NORMAL', '1:NORMAL']); // node 3 (distance 15) left out
    expect(names(sys, 1, false)).toEqual(['1:NORMAL', '0:NORMAL']); // node 2 (distance 15) left out
    expect(names(sys, 2, false)).toEqual(['2:MOVABLE', '1:NORMAL', '0:NORMAL']);
    expect(names(sys, 3, false)).toEqual(['3:NORMAL', '0:NORMAL', '1:NORMAL']);
    for (let p = 0; p < 4; p++) expect(names(sys, p, true)).toEqual([names(sys, p, false)[0]]);
    // the gated walk starts after the private node's own zones
    const zl = sys.zonelists;
    expect([0, 1, 2, 3].map((p) => zl.startGated[zl.key(p, false, 3)]! - zl.start[zl.key(p, false, 3)]!)).toEqual([0, 0, 1, 1]);
    expect(zl.startGated[zl.key(3, true, 3)]).toBe(zl.end[zl.key(3, true, 3)]);
  });

  test('linux-6.12 keeps every node in every list', () => {
    const sys = boot('linux-6.12', { ...PRIV, nodes: PRIV.nodes.map(({ nid, zones }) => ({ nid, zones })) });
    expect(names(sys, 0, false)).toEqual(['0:NORMAL', '3:NORMAL', '1:NORMAL', '2:MOVABLE']);
    expect(sys.zonelists.gateMask).toBe(0);
  });
});

describe('the gate (numa_zone_alloc_allowed)', () => {
  test('private-nodes-v4: only __GFP_PRIVATE opens a private node (R6, R8)', () => {
    const sys = boot();
    expect(alloc(sys, ['GFP_KERNEL'], 0, { nid: 3 })).toMatchObject({ pfn: 0, nid: 0 }); // falls back to DRAM
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_THISNODE'], 0, { nid: 3 })).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_KERNEL', 'GFP_PRIVATE'], 0, { nid: 3 })).toMatchObject({ pfn: 48, nid: 3 });
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE', '__GFP_PRIVATE'], 0, { nid: 2 })).toMatchObject({ pfn: 32, nid: 2, zone: 'ZONE_MOVABLE' });
    // a normal preferred node never reaches a private one, whatever the nodemask
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE', '__GFP_PRIVATE'], 0, { nid: 1, nodemask: [2, 3] })).toEqual({ ret: '-ENOMEM' });
    // nodemask {3, 2} from 3: only 3 (2 is in no list of 3); 3 full: -ENOMEM
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 3, { nid: 3, nodemask: [3, 2] })).toMatchObject({ pfn: 56, nid: 3 });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 2, { nid: 3, nodemask: [3, 2] })).toMatchObject({ pfn: 52, nid: 3 });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 1, { nid: 3, nodemask: [3, 2] })).toMatchObject({ pfn: 50, nid: 3 });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 0, { nid: 3, nodemask: [3, 2] })).toMatchObject({ pfn: 49, nid: 3 });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 0, { nid: 3, nodemask: [3, 2] })).toEqual({ ret: '-ENOMEM' });
    // no nodemask: on to the normal nodes by distance from 3 (node 0)
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 0, { nid: 3 })).toMatchObject({ pfn: 1, nid: 0 });
    expect(alloc(sys, ['GFP_KERNEL', 'GFP_PRIVATE'], 0, { nid: 3 })).toEqual({ ret: '-ENOMEM' });
  });

  test('private-nodes-v3: __GFP_THISNODE also opens it', () => {
    const sys = boot('private-nodes-v3');
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_THISNODE'], 0, { nid: 3 })).toMatchObject({ pfn: 48, nid: 3 });
    expect(alloc(sys, ['GFP_KERNEL'], 0, { nid: 3 })).toMatchObject({ pfn: 0, nid: 0 });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 0, { nid: 3 })).toMatchObject({ pfn: 49, nid: 3 });
  });

  test('private-nodes-zone-pin: only MIGRATE_MOVABLE requests get a private node', () => {
    const sys = boot('private-nodes-zone-pin');
    expect(alloc(sys, ['GFP_KERNEL', 'GFP_PRIVATE'], 0, { nid: 3 })).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_RECLAIMABLE', '__GFP_PRIVATE'], 0, { nid: 3 })).toMatchObject({ pfn: 0, nid: 0 });
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE', 'GFP_PRIVATE'], 0, { nid: 3 })).toMatchObject({ pfn: 48, nid: 3 });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_THISNODE'], 0, { nid: 3 })).toEqual({ ret: '-ENOMEM' });
  });

  test('linux-6.12: __GFP_PRIVATE and GFP_PRIVATE are unknown names', () => {
    const sys = boot('linux-6.12', { ...PRIV, nodes: PRIV.nodes.map(({ nid, zones }) => ({ nid, zones })) });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_PRIVATE'], 0)).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_PRIVATE'], 0)).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_BOGUS'], 0)).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_KERNEL'], 0, { nid: 3 })).toMatchObject({ pfn: 48, nid: 3 });
  });

  test('the cpuset applies to private nodes too (HARDWALL)', () => {
    const sys = boot('private-nodes-v4', { ...PRIV, tasks: [{ tid: 1, nid: 0, mems: [0, 1] }] });
    expect(alloc(sys, ['GFP_USER', 'GFP_PRIVATE'], 0, { nid: 3 })).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_KERNEL', 'GFP_PRIVATE'], 0, { nid: 3 })).toMatchObject({ pfn: 48, nid: 3 });
  });
});

describe('mempolicy', () => {
  const policy = (sys: ImplSystem) => sys.snapshot().tasks[0]!.policy;

  test('MPOL_F_PRIVATE when every private node of the mask has NP_OPS_MEMPOLICY, else -EINVAL', () => {
    const sys = boot();
    expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] })).toEqual({ ret: 0 });
    expect(policy(sys)).toEqual({ mode: 'MPOL_BIND', nodes: [2], cpusetMems: [0, 1, 2, 3], private: true });
    expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 1] })).toEqual({ ret: 0 });
    expect(policy(sys)).toEqual({ mode: 'MPOL_BIND', nodes: [0, 1], cpusetMems: [0, 1, 2, 3], private: false });
    expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 3] })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [2, 3] })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [3] })).toEqual({ ret: '-EBADF' });
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [3] })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_INTERLEAVE', nodes: [1, 2] })).toEqual({ ret: 0 });
    expect(sys.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_INTERLEAVE', nodes: [1, 2], cpusetMems: [0, 1, 2, 3], private: true });
    // PREFERRED keeps the first node, MPOL_F_PRIVATE comes from the whole mask
    expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_PREFERRED', nodes: [1, 2] })).toEqual({ ret: 0 });
    expect(policy(sys)).toEqual({ mode: 'MPOL_PREFERRED', nodes: [1], cpusetMems: [0, 1, 2, 3], private: true });
    // outside the cpuset, a private node is masked away before the check
    const cpuset = boot('private-nodes-v4', { ...PRIV, tasks: [{ tid: 1, nid: 0, mems: [0, 1] }] });
    expect(run(cpuset, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1, 3] })).toEqual({ ret: 0 });
    expect(policy(cpuset)).toEqual({ mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1], private: false });
  });

  test('a BIND{2} fault starts at node 2 with __GFP_PRIVATE; without MPOL_F_PRIVATE it could not', () => {
    const sys = boot();
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] });
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 })).toEqual({
      ret: 0,
      pages: [
        { index: 0, pfn: 32, nid: 2, zone: 'ZONE_MOVABLE' },
        { index: 1, pfn: 33, nid: 2, zone: 'ZONE_MOVABLE' },
      ],
    });
    // BIND{0, 2}: the task's node 0 is in the mask, so the walk starts there and never reaches 2
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 2] });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ ret: 0, pages: [] });
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    expect(run(sys, { op: 'touch', vma: 'v2', index: 0 })).toMatchObject({ pages: [{ pfn: 0, nid: 0 }] });
    // PREFERRED{2} picks node 2 directly; an INTERLEAVE{1,2} VMA alternates
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_PREFERRED', nodes: [2] });
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    expect(run(sys, { op: 'touch', vma: 'v3', index: 0 })).toMatchObject({ pages: [{ pfn: 34, nid: 2 }] });
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'mbind', vma: 'v4', mode: 'MPOL_INTERLEAVE', nodes: [1, 2] });
    expect(run(sys, { op: 'touch', vma: 'v4', index: 0, count: 2 })).toMatchObject({ pages: [{ pfn: 16, nid: 1 }, { pfn: 35, nid: 2 }] });
  });

  test('alloc_pages under a private task policy never adds __GFP_PRIVATE (R14)', () => {
    const sys = boot();
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] });
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 0, { nid: 2 })).toMatchObject({ pfn: 16, nid: 1 });
  });

  test('rebind after clear_ops drops the private node; MPOL_F_PRIVATE follows; empty BIND fails -ENOMEM', () => {
    const sys = boot();
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1, 2] });
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2] });
    expect(run(sys, { op: 'node_private_clear_ops', nid: 2 })).toEqual({ ret: 0 });
    // nothing changes until the rebind
    expect(sys.snapshot().tasks[0]!.policy).toMatchObject({ nodes: [1, 2], private: true });
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] })).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1, 2, 3], private: false });
    expect(sys.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [], cpusetMems: [0, 1, 2, 3], private: false });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toEqual({ ret: '-ENOMEM' });
    // ops back with MEMPOLICY: a rebind keeps the private node
    run(sys, setOps(2, MIGRATE_MEMPOLICY.flags, MIGRATE_MEMPOLICY.callbacks));
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] });
    run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [2], cpusetMems: [0, 1, 2, 3], private: true });
    // nodes_remap can move it onto a normal node: position 2 of [0,1,2,3] is position 0 of [1,2]
    run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [1, 2] });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [1], cpusetMems: [1, 2], private: false });
  });

  test('INTERLEAVE emptied by a rebind: the fault fails -ENOMEM and the cursor stays', () => {
    const sys = boot();
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [2] });
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ pages: [{ pfn: 32, nid: 2 }] });
    run(sys, { op: 'node_private_clear_ops', nid: 2 });
    run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] });
    expect(sys.snapshot().tasks[0]).toMatchObject({ ilPrev: 2, policy: { mode: 'MPOL_INTERLEAVE', nodes: [], private: false } });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 1 })).toEqual({ ret: '-ENOMEM' });
    expect(sys.snapshot().tasks[0]!.ilPrev).toBe(2);
  });

  test('mbind MOVE: targets get __GFP_PRIVATE; folios on a node without NP_OPS_MIGRATION are skipped, even under STRICT', () => {
    const sys = boot();
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // 0, 1 on node 0
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2], flags: ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'] })).toEqual({ ret: 0 });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([32, 33]);
    // node 2 loses its ops: its folios can neither leave nor count as misplaced
    run(sys, { op: 'node_private_clear_ops', nid: 2 });
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'] })).toEqual({ ret: 0 });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([32, 33]);
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_STRICT'] })).toEqual({ ret: 0 });
    // with MIGRATION again (no MEMPOLICY) they leave for node 1, without __GFP_PRIVATE
    run(sys, setOps(2, ['NP_OPS_MIGRATION'], ['migrate_to', 'folio_migrate']));
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_MOVE'] })).toEqual({ ret: 0 });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([16, 17]);
  });
});

describe('migration', () => {
  test('move_pages into a private node: the migrate_to callback (not the flag), else status -ENODEV', () => {
    const sys = boot();
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // 0, 1
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 0, node: 2 })).toEqual({ ret: 0, status: 2 });
    expect(pte(sys, 1, 0)).toEqual([32, 2]);
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 1, node: 3 })).toEqual({ ret: 0, status: '-ENODEV' });
    expect(pte(sys, 1, 1)).toEqual([1, 0]);
    // migrate_to without NP_OPS_MIGRATION is enough (B14); the target is GFP_PRIVATE on node 3
    expect(run(sys, setOps(3, [], ['migrate_to']))).toEqual({ ret: 0 });
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 1, node: 3 })).toEqual({ ret: 0, status: 3 });
    expect(pte(sys, 1, 1)).toEqual([48, 3]);
    // node checks come first: a node outside the cpuset is -EACCES, a memoryless one -ENODEV
    run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2] });
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 0, node: 3 })).toEqual({ ret: '-EACCES' });
  });

  test('move_pages out of a private node needs NP_OPS_MIGRATION: -ENOENT, even for the node it is on', () => {
    const sys = boot();
    run(sys, setOps(3, [], ['migrate_to']));
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    run(sys, { op: 'move_pages', vma: 'v1', index: 0, node: 3 });
    expect(pte(sys, 1, 0)).toEqual([48, 3]);
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 0, node: 0 })).toEqual({ ret: 0, status: '-ENOENT' });
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 0, node: 3 })).toEqual({ ret: 0, status: '-ENOENT' });
    // node 2 has MIGRATION: out to node 0 (GFP_HIGHUSER_MOVABLE|__GFP_THISNODE, no __GFP_PRIVATE)
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'touch', vma: 'v2', index: 0 });
    expect(run(sys, { op: 'move_pages', vma: 'v2', index: 0, node: 2 })).toEqual({ ret: 0, status: 2 });
    expect(run(sys, { op: 'move_pages', vma: 'v2', index: 0, node: 2 })).toEqual({ ret: 0, status: 2 });
    expect(run(sys, { op: 'move_pages', vma: 'v2', index: 0, node: 0 })).toEqual({ ret: 0, status: 0 });
    expect(pte(sys, 2, 0)).toEqual([0, 0]);
  });

  test('offline_pages cannot empty a private range whose folios may not migrate: -EINTR', () => {
    const sys = boot();
    run(sys, setOps(3, [], ['migrate_to']));
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    run(sys, { op: 'move_pages', vma: 'v1', index: 0, node: 3 });
    expect(run(sys, { op: 'offline_pages', startPfn: 48, pages: 2 })).toEqual({ ret: '-EINTR' });
    expect(pte(sys, 1, 0)).toEqual([48, 3]);
    run(sys, setOps(3, ['NP_OPS_MIGRATION'], ['migrate_to', 'folio_migrate']));
    expect(run(sys, { op: 'offline_pages', startPfn: 48, pages: 2 })).toEqual({ ret: 0 });
    expect(pte(sys, 1, 0)).toEqual([0, 0]);
  });
});

describe('cma_alloc', () => {
  test('a window holding a folio that may not leave its private node fails; with NP_OPS_MIGRATION it clears', () => {
    const config: MachineConfig = {
      ...PRIV,
      nodes: PRIV.nodes.map((n) => (n.nid === 3 ? { ...n, cma: [[48, 16]] as [number, number][], private: { flags: [], callbacks: ['migrate_to'] } } : n)),
    };
    const sys = boot('private-nodes-v4', config);
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    // the GFP_PRIVATE target takes the CMA block (ALLOC_CMA for a movable request)
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 0, node: 3 })).toEqual({ ret: 0, status: 3 });
    expect(pte(sys, 1, 0)).toEqual([48, 3]);
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 16 })).toEqual({ ret: '-EBUSY' });
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 8 })).toMatchObject({ ret: 0, cma: 'c1', pfn: 56, nid: 3 });
    run(sys, { op: 'cma_release', cma: 'c1' });
    run(sys, setOps(3, ['NP_OPS_MIGRATION'], ['migrate_to', 'folio_migrate']));
    // GFP_USER|__GFP_MOVABLE from node 3: 3 gated, then node 0
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 16 })).toMatchObject({ ret: 0, cma: 'c2', pfn: 48, nid: 3 });
    expect(pte(sys, 1, 0)).toEqual([0, 0]);
  });
});

describe('long-term pins', () => {
  const pin = (sys: ImplSystem, v: string) => run(sys, { op: 'pin_user_pages', vma: v, index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] });

  /** a user page of a new VMA moved onto private node `nid`; its VMA handle */
  function onPrivate(sys: ImplSystem, nid: number): string {
    const v = run(sys, { op: 'mmap', task: 1, pages: 1 }).vma as string;
    run(sys, { op: 'touch', vma: v, index: 0 });
    expect(run(sys, { op: 'move_pages', vma: v, index: 0, node: nid })).toEqual({ ret: 0, status: nid });
    return v;
  }

  test('v4: NP_OPS_LONGTERM_PIN pins in place, even in ZONE_MOVABLE', () => {
    const sys = boot();
    run(sys, setOps(2, [...MIGRATE_MEMPOLICY.flags, 'NP_OPS_LONGTERM_PIN'], MIGRATE_MEMPOLICY.callbacks));
    const v = onPrivate(sys, 2);
    expect(pin(sys, v)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 32, nid: 2, zone: 'ZONE_MOVABLE', migrated: false }] });
  });

  test('v4: without the flag but with NP_OPS_MIGRATION the pin lands on a DRAM copy (B18)', () => {
    const sys = boot();
    const v = onPrivate(sys, 2);
    // target GFP_USER|__GFP_HIGHMEM from node 2: 2 gated, then node 1 (distance 15)
    expect(pin(sys, v)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 16, nid: 1, zone: 'ZONE_NORMAL', migrated: true }] });
  });

  test('v4: without the flag and without NP_OPS_MIGRATION: -ENOMEM, the folio stays', () => {
    const sys = boot();
    run(sys, setOps(3, [], ['migrate_to']));
    const v = onPrivate(sys, 3);
    expect(pin(sys, v)).toEqual({ ret: '-ENOMEM' });
    expect(sys.snapshot().folios.find((f) => f.pfn === 48)).toMatchObject({ refcount: 1, pincount: 0, mapped: 1 });
    // a pin without FOLL_LONGTERM is fine
    expect(run(sys, { op: 'pin_user_pages', vma: v, index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pages: [{ pfn: 48 }] });
  });

  test('zone-pin: pinnability follows the zone, the flag is ignored', () => {
    const sys = boot('private-nodes-zone-pin');
    run(sys, setOps(2, [...MIGRATE_MEMPOLICY.flags, 'NP_OPS_LONGTERM_PIN'], MIGRATE_MEMPOLICY.callbacks));
    run(sys, setOps(3, [], ['migrate_to']));
    const movable = onPrivate(sys, 2);
    const normal = onPrivate(sys, 3);
    // node 2 is ZONE_MOVABLE: migrates to node 1 despite NP_OPS_LONGTERM_PIN
    expect(pin(sys, movable)).toMatchObject({ ret: 1, pages: [{ pfn: 16, nid: 1, migrated: true }] });
    // node 3 is ZONE_NORMAL: pinned in place without the flag
    expect(pin(sys, normal)).toMatchObject({ ret: 1, pages: [{ pfn: 48, nid: 3, migrated: false }] });
  });
});
