// Private memory nodes (docs/MODEL.md "Private memory nodes"): ops, sysfs, zonelists, the gate,
// mempolicy, migration, longterm pins and the placement ghost, with exact values.
import { test, expect, describe } from 'vitest';
import { NP_OPS_FLAGS, type MachineConfig, type PrivateNodeConfig, type ProfileName } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import {
  node_mpol_eligible,
  node_private_flags,
  node_state_memory,
  node_state_private,
  numa_zone_alloc_allowed,
  zone_has_suitable_block,
} from '../../../model/spec/private.js';
import { createSpecSystem, type SpecSystem } from '../../../model/spec/system.js';
import { node_private_ops_invalid, parseNodePrivateCallbacks, parseNpOpsFlags } from '../../../model/spec/private_ops.js';
import { allocPfn, run, zoneOf } from './helpers.js';

const MEMPOLICY: PrivateNodeConfig = { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] };
const MIGRATION: PrivateNodeConfig = { flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to', 'folio_migrate'] };
const PIN_MEMPOLICY: PrivateNodeConfig = { flags: [...MEMPOLICY.flags, 'NP_OPS_LONGTERM_PIN'], callbacks: MEMPOLICY.callbacks };

/** gfp values used below */
const HIGHUSER_MOVABLE = 0x100cca;
const PRIVATE = 0x200;
const THISNODE = 0x200000;
const GFP_USER = 0x100cc0;

/**
 * Normal nodes 0 [0,16) and 1 [16,32) (ZONE_NORMAL); private p = 2 ZONE_NORMAL [32,48) and private
 * q = 3 ZONE_MOVABLE [48,64). p is nearer to node 1 than to node 0. maxOrder 3, pageblock order 1.
 * Task 1 on node 0, every node in its mems.
 */
function config(p: PrivateNodeConfig = MEMPOLICY, q: PrivateNodeConfig = MIGRATION): MachineConfig {
  return {
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [
      { nid: 0, zones: { ZONE_NORMAL: [0, 16] } },
      { nid: 1, zones: { ZONE_NORMAL: [16, 16] } },
      { nid: 2, zones: { ZONE_NORMAL: [32, 16] }, private: p },
      { nid: 3, zones: { ZONE_MOVABLE: [48, 16] }, private: q },
    ],
    distance: [
      [10, 20, 30, 30],
      [20, 10, 15, 30],
      [30, 15, 10, 30],
      [30, 30, 30, 10],
    ],
  };
}

/** The same machine without private nodes (for linux-6.12). */
const plain: MachineConfig = {
  ...config(),
  nodes: config().nodes.map(({ nid, zones }) => ({ nid, zones })),
};

function make(profile: ProfileName = 'private-nodes-v4', cfg: MachineConfig = config()): SpecSystem {
  return createSpecSystem(cfg, PROFILES[profile]);
}

/** Apply ops, drop their events. */
function setup(s: SpecSystem, ops: Parameters<typeof run>[1]): void {
  for (const r of run(s, ops)) if (typeof r.ret === 'string') throw new Error(`setup failed: ${JSON.stringify(r)}`);
  s.drainEvents();
}

const nodeOf = (s: SpecSystem, pfn: number) => s.snapshot().folios.find((f) => f.pfn === pfn)?.nid;
const placementAt = (s: SpecSystem, pfn: number) => s.holders().find((h) => h.pfn === pfn)?.placement;

describe('node_private_set_ops / node_private_clear_ops', () => {
  test('the predicate as data', () => {
    const ops = (flags: string[], callbacks: string[] = []) => ({ flags: parseNpOpsFlags(flags)!, callbacks: parseNodePrivateCallbacks(callbacks)! });
    expect(parseNpOpsFlags(['NP_OPS_MIGRATION', 'NP_OPS_LONGTERM_PIN', 'NP_OPS_MIGRATION'])).toBe(0x81);
    expect(parseNpOpsFlags(['NP_OPS_OOM_ELIGIBLE'])).toBeUndefined();
    expect(parseNpOpsFlags(['toString'])).toBeUndefined();
    expect(parseNodePrivateCallbacks(['handle_fault', 'bogus'])).toBeUndefined();
    expect(node_private_ops_invalid(ops(['NP_OPS_MIGRATION'], ['migrate_to']))).toBe(true);
    expect(node_private_ops_invalid(ops(['NP_OPS_MIGRATION'], ['migrate_to', 'folio_migrate']))).toBe(false);
    expect(node_private_ops_invalid(ops([], ['migrate_to']))).toBe(false);
  });

  test('the -EINVAL table, -ENODEV, and -EINVAL before -ENODEV', () => {
    const s = make();
    const set = (nid: number, flags: string[], callbacks: string[] = []) =>
      s.apply({ op: 'node_private_set_ops', nid, flags, callbacks }).ret;
    const CB = ['migrate_to', 'folio_migrate'];
    const before = s.snapshot();
    expect([
      set(2, ['NP_OPS_BOGUS']),
      set(2, [], ['bogus_callback']),
      set(9, []), // not a configured node
      set(-1, []),
      set(2, ['NP_OPS_MIGRATION']),
      set(2, ['NP_OPS_MIGRATION'], ['migrate_to']),
      set(2, ['NP_OPS_MIGRATION'], ['folio_migrate']),
      set(2, ['NP_OPS_MEMPOLICY'], CB),
      set(2, ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY', 'NP_OPS_PROTECT_WRITE'], CB),
      set(2, ['NP_OPS_NUMA_BALANCING'], CB),
      set(2, ['NP_OPS_COMPACTION'], CB),
      set(0, ['NP_OPS_MEMPOLICY']), // invalid flags beat -ENODEV on a normal node
      set(0, ['NP_OPS_MIGRATION']),
    ]).toEqual(Array(13).fill('-EINVAL'));
    expect([set(0, []), set(1, ['NP_OPS_DEMOTION'], ['handle_fault'])]).toEqual(['-ENODEV', '-ENODEV']);
    expect(s.snapshot()).toEqual(before);
    expect(s.drainEvents()).toEqual([]);

    // never rejected: DEMOTION, RECLAIM, PROTECT_WRITE, LONGTERM_PIN; callbacks without their flag
    expect(set(2, ['NP_OPS_LONGTERM_PIN', 'NP_OPS_PROTECT_WRITE', 'NP_OPS_RECLAIM', 'NP_OPS_DEMOTION'], ['memory_failure', 'migrate_to'])).toBe(0);
    expect(s.snapshot().privateNodes).toEqual([
      {
        nid: 2,
        ops: { flags: ['NP_OPS_DEMOTION', 'NP_OPS_PROTECT_WRITE', 'NP_OPS_RECLAIM', 'NP_OPS_LONGTERM_PIN'], callbacks: ['migrate_to', 'memory_failure'] },
      },
      { nid: 3, ops: { flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to', 'folio_migrate'] } },
    ]);
    // the CRAM set (patch 23) and a replacement (no -EBUSY)
    const CRAM = ['NP_OPS_MIGRATION', 'NP_OPS_DEMOTION', 'NP_OPS_NUMA_BALANCING', 'NP_OPS_PROTECT_WRITE', 'NP_OPS_RECLAIM'];
    expect(set(3, CRAM, ['handle_fault', 'migrate_to', 'folio_migrate', 'free_folio', 'reclaim_policy'])).toBe(0);
    expect(set(2, ['NP_OPS_COMPACTION', 'NP_OPS_MIGRATION'], CB)).toBe(0);
    expect(s.snapshot().privateNodes).toEqual([
      { nid: 2, ops: { flags: ['NP_OPS_MIGRATION', 'NP_OPS_COMPACTION'], callbacks: ['migrate_to', 'folio_migrate'] } },
      {
        nid: 3,
        ops: {
          flags: ['NP_OPS_MIGRATION', 'NP_OPS_DEMOTION', 'NP_OPS_PROTECT_WRITE', 'NP_OPS_RECLAIM', 'NP_OPS_NUMA_BALANCING'],
          callbacks: ['free_folio', 'migrate_to', 'folio_migrate', 'handle_fault', 'reclaim_policy'],
        },
      },
    ]);
  });

  test('clear_ops: -EINVAL, -ENODEV, then -EINVAL once cleared', () => {
    const s = make();
    const clear = (nid: number) => s.apply({ op: 'node_private_clear_ops', nid }).ret;
    expect([clear(9), clear(0), clear(2), clear(2)]).toEqual(['-EINVAL', '-ENODEV', 0, '-EINVAL']);
    expect(s.snapshot().privateNodes).toEqual([
      { nid: 2, ops: null },
      { nid: 3, ops: { flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to', 'folio_migrate'] } },
    ]);
    expect(s.apply({ op: 'node_private_set_ops', nid: 2, flags: [], callbacks: [] }).ret).toBe(0);
    expect(s.snapshot().privateNodes[0]).toEqual({ nid: 2, ops: { flags: [], callbacks: [] } });
    expect(clear(2)).toBe(0);
  });
});

describe('the node-state predicates, for any nid', () => {
  test('N_MEMORY, N_MEMORY_PRIVATE, the ops flags and mempolicy eligibility; an unknown nid has none', () => {
    const s = make();
    const m = s.machine;
    const nids = [0, 1, 2, 3, 9];
    expect(nids.map((nid) => node_state_memory(m, nid))).toEqual([true, true, false, false, false]);
    expect(nids.map((nid) => node_state_private(m, nid))).toEqual([false, false, true, true, false]);
    // node_private_flags: 0 on a normal node (no np) and on an unknown one
    const { NP_OPS_MIGRATION, NP_OPS_MEMPOLICY } = NP_OPS_FLAGS;
    expect(nids.map((nid) => node_private_flags(m, nid))).toEqual([0, 0, NP_OPS_MIGRATION | NP_OPS_MEMPOLICY, NP_OPS_MIGRATION, 0]);
    // node_mpol_eligible: N_MEMORY, or a private node with NP_OPS_MEMPOLICY
    expect(nids.map((nid) => node_mpol_eligible(m, nid))).toEqual([true, true, true, false, false]);
  });
});

describe('read_sysfs and the linux-6.12 profile', () => {
  test('the masks are in nid order, whatever the config order', () => {
    const s = make('private-nodes-v4', { ...config(), nodes: [...config().nodes].reverse(), distance: undefined });
    expect(s.machine.nodes.map((n) => n.nid)).toEqual([3, 2, 1, 0]);
    expect(s.apply({ op: 'read_sysfs', attr: 'has_memory' })).toEqual({ ret: 0, nodes: [0, 1, 2] });
    expect(s.apply({ op: 'read_sysfs', attr: 'has_private_memory' })).toEqual({ ret: 0, nodes: [2, 3] });
  });

  test('v4: has_memory adds MEMPOLICY private nodes; has_private_memory', () => {
    const s = make();
    const read = (attr: string) => s.apply({ op: 'read_sysfs', attr });
    expect(read('has_memory')).toEqual({ ret: 0, nodes: [0, 1, 2] });
    expect(read('has_private_memory')).toEqual({ ret: 0, nodes: [2, 3] });
    expect(read('has_cpu')).toEqual({ ret: '-ENOENT' });
    expect(s.apply({ op: 'node_private_clear_ops', nid: 2 }).ret).toBe(0);
    expect(read('has_memory')).toEqual({ ret: 0, nodes: [0, 1] });
    // a private node without present memory is in neither (offline all of q)
    expect(s.apply({ op: 'offline_pages', startPfn: 48, pages: 16 }).ret).toBe(0);
    expect(read('has_private_memory')).toEqual({ ret: 0, nodes: [2] });
  });

  test('linux-6.12: no private nodes, no private gfp names, no has_private_memory', () => {
    const s = make('linux-6.12', plain);
    expect(s.apply({ op: 'read_sysfs', attr: 'has_memory' })).toEqual({ ret: 0, nodes: [0, 1, 2, 3] });
    expect(s.apply({ op: 'read_sysfs', attr: 'has_private_memory' })).toEqual({ ret: '-ENOENT' });
    expect(allocPfn(s, ['GFP_PRIVATE'], 0, { nid: 2 })).toBe('-EINVAL');
    expect(allocPfn(s, ['GFP_KERNEL', '__GFP_PRIVATE'], 0)).toBe('-EINVAL');
    expect(allocPfn(s, ['GFP_KERNEL', '__GFP_THISNODE'], 0, { nid: 2 })).toBe(32);
    expect(s.apply({ op: 'node_private_set_ops', nid: 2, flags: [], callbacks: [] }).ret).toBe('-ENODEV');
    expect(s.apply({ op: 'node_private_clear_ops', nid: 2 }).ret).toBe('-ENODEV');
    expect(s.apply({ op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] }).ret).toBe(0);
    const snap = s.snapshot();
    expect(snap.privateNodes).toEqual([]);
    expect(snap.tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [2], cpusetMems: [0, 1, 2, 3], private: false });
    expect(s.machine.nodes[0]!.node_zonelists.ZONELIST_FALLBACK.map((z) => z.nid)).toEqual([0, 1, 2, 3]);
    expect(() => make('linux-6.12', config())).toThrow(/private/);
  });
});

test('zonelists: normal lists hold no private zone; private FALLBACK = itself, then normal by distance', () => {
  const s = make();
  const lists = s.machine.nodes.map((n) => [
    n.nid,
    n.node_zonelists.ZONELIST_FALLBACK.map((z) => z.nid),
    n.node_zonelists.ZONELIST_NOFALLBACK.map((z) => z.nid),
  ]);
  expect(lists).toEqual([
    [0, [0, 1], [0]],
    [1, [1, 0], [1]],
    [2, [2, 1, 0], [2]],
    [3, [3, 0, 1], [3]], // ties by nid
  ]);
});

describe('the gate (numa_zone_alloc_allowed) per profile', () => {
  test('the profile owns the gate: without its privateNodes rules no zone is gated (corrupted state)', () => {
    const s = make();
    const p = zoneOf(s, 2, 'ZONE_NORMAL');
    expect(numa_zone_alloc_allowed(s.machine, p, GFP_USER, 'MIGRATE_UNMOVABLE')).toBe(false);
    Object.assign(s.machine, { profile: PROFILES['linux-6.12'] }); // node 2 is still registered private
    expect(numa_zone_alloc_allowed(s.machine, p, GFP_USER, 'MIGRATE_UNMOVABLE')).toBe(true);
  });

  test('zone_has_suitable_block: a free block of at least the order on the own, CMA or fallback lists', () => {
    const s = make();
    const z = zoneOf(s, 0, 'ZONE_NORMAL');
    const has = (order: number, mt: 'MIGRATE_MOVABLE' | 'MIGRATE_UNMOVABLE' | 'MIGRATE_HIGHATOMIC', cma = false) =>
      zone_has_suitable_block(s.machine, z, order, mt, cma);
    expect([has(3, 'MIGRATE_MOVABLE'), has(3, 'MIGRATE_UNMOVABLE'), has(3, 'MIGRATE_HIGHATOMIC')]).toEqual([true, true, false]);
    // node 0 filled up to pfn 15, a MIGRATE_MOVABLE order-0 block
    expect([3, 2, 1, 0].map((order) => allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], order, { nid: 0 }))).toEqual([0, 8, 12, 14]);
    expect([has(1, 'MIGRATE_MOVABLE'), has(0, 'MIGRATE_MOVABLE'), has(0, 'MIGRATE_UNMOVABLE'), has(0, 'MIGRATE_HIGHATOMIC')]).toEqual([
      false,
      true,
      true, // its fallback list
      false, // no fallbacks at all
    ]);
    expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0, { nid: 0 })).toBe(15);
    expect([has(0, 'MIGRATE_MOVABLE', true), has(0, 'MIGRATE_UNMOVABLE'), has(0, 'MIGRATE_HIGHATOMIC')]).toEqual([false, false, false]);
  });

  test('v4: __GFP_THISNODE alone never reaches p; GFP_PRIVATE does; {p,q} reaches only p', () => {
    const s = make();
    expect(allocPfn(s, ['GFP_KERNEL', '__GFP_THISNODE'], 0, { nid: 2 })).toBe('-ENOMEM');
    expect(s.drainEvents()).toEqual([{ kind: 'private-gate' }]);
    // without THISNODE: p's own FALLBACK list falls back to the nearest normal node, 1
    expect(allocPfn(s, ['GFP_KERNEL'], 0, { nid: 2 })).toBe(16);
    expect(s.drainEvents()).toEqual([
      { kind: 'private-gate' },
      { kind: 'expand', fromOrder: 3, toOrder: 0 },
      { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
      { kind: 'remote-node' },
    ]);
    expect(allocPfn(s, ['GFP_KERNEL', 'GFP_PRIVATE'], 3, { nid: 2 })).toBe(32);
    expect(s.drainEvents()).toEqual([
      { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
      { kind: 'private-placement', path: 'alloc_pages' },
    ]);
    expect(placementAt(s, 32)).toEqual({ path: 'alloc_pages', gfp: 0xcc0 | PRIVATE | THISNODE });
    expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', '__GFP_PRIVATE'], 3, { nid: 2, nodemask: [2, 3] })).toBe(40);
    // p is full: q has free memory and is in the nodemask, but is in nobody else's zonelist
    expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', '__GFP_PRIVATE'], 0, { nid: 2, nodemask: [2, 3] })).toBe('-ENOMEM');
    expect(s.drainEvents()).toEqual([{ kind: 'private-placement', path: 'alloc_pages' }]); // p full: no gate event
    // no nodemask: p then the normal nodes
    expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', '__GFP_PRIVATE'], 0, { nid: 2 })).toBe(17);
    // a normal preferred node never reaches a private one
    expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', 'GFP_PRIVATE'], 0, { nid: 0, nodemask: [3] })).toBe('-ENOMEM');
  });

  test('v3: __GFP_THISNODE unlocks p', () => {
    const s = make('private-nodes-v3');
    expect(allocPfn(s, ['GFP_KERNEL', '__GFP_THISNODE'], 0, { nid: 2 })).toBe(32);
    expect(s.drainEvents()).toEqual([
      { kind: 'expand', fromOrder: 3, toOrder: 0 },
      { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
      { kind: 'private-placement', path: 'alloc_pages' },
    ]);
    expect(allocPfn(s, ['GFP_KERNEL'], 0, { nid: 2 })).toBe(16);
    expect(allocPfn(s, ['GFP_PRIVATE'], 0, { nid: 2 })).toBe(33);
  });

  test('zone-pin: only MIGRATE_MOVABLE requests get p, even with GFP_PRIVATE', () => {
    const s = make('private-nodes-zone-pin');
    expect(allocPfn(s, ['GFP_KERNEL', '__GFP_PRIVATE', '__GFP_THISNODE'], 0, { nid: 2 })).toBe('-ENOMEM');
    expect(s.drainEvents()).toEqual([{ kind: 'private-gate' }]);
    expect(allocPfn(s, ['GFP_KERNEL', '__GFP_RECLAIMABLE', 'GFP_PRIVATE'], 0, { nid: 2 })).toBe('-ENOMEM');
    expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', 'GFP_PRIVATE'], 0, { nid: 2 })).toBe(32);
    expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', 'GFP_PRIVATE'], 0, { nid: 3 })).toBe(48);
  });
});

describe('mempolicy', () => {
  test('mpol_set_nodemask: MPOL_F_PRIVATE or -EINVAL (set_mempolicy and mbind)', () => {
    const s = make('private-nodes-v4', { ...config(), tasks: [{ tid: 1, nid: 0 }, { tid: 2, nid: 0, mems: [0, 1, 2] }] });
    const set = (task: number, mode: string, nodes: number[]) => s.apply({ op: 'set_mempolicy', task, mode, nodes }).ret;
    const policy = (task: number) => s.snapshot().tasks[task - 1]!.policy;
    expect([set(1, 'MPOL_BIND', [3]), set(1, 'MPOL_BIND', [0, 3]), set(1, 'MPOL_INTERLEAVE', [2, 3]), set(1, 'MPOL_PREFERRED', [3, 0])]).toEqual(
      Array(4).fill('-EINVAL'),
    );
    expect(s.drainEvents()).toEqual([]);
    expect(set(1, 'MPOL_BIND', [2])).toBe(0);
    expect(policy(1)).toEqual({ mode: 'MPOL_BIND', nodes: [2], cpusetMems: [0, 1, 2, 3], private: true });
    expect(s.drainEvents()).toEqual([{ kind: 'mpol-private' }]);
    expect(set(1, 'MPOL_BIND', [0, 2])).toBe(0);
    expect(policy(1)).toEqual({ mode: 'MPOL_BIND', nodes: [0, 2], cpusetMems: [0, 1, 2, 3], private: true });
    expect(set(1, 'MPOL_INTERLEAVE', [0, 1])).toBe(0);
    expect(policy(1)).toEqual({ mode: 'MPOL_INTERLEAVE', nodes: [0, 1], cpusetMems: [0, 1, 2, 3], private: false });
    // PREFERRED keeps the lowest node; the flag is of the whole mask
    expect(set(1, 'MPOL_PREFERRED', [2, 0])).toBe(0);
    expect(policy(1)).toEqual({ mode: 'MPOL_PREFERRED', nodes: [0], cpusetMems: [0, 1, 2, 3], private: true });
    // q is outside task 2's cpuset: masked away, so no -EINVAL
    expect(set(2, 'MPOL_BIND', [0, 3])).toBe(0);
    expect(policy(2)).toEqual({ mode: 'MPOL_BIND', nodes: [0], cpusetMems: [0, 1, 2], private: false });
    // mbind
    setup(s, [{ op: 'mmap', task: 1, pages: 1 }]);
    expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [3] }).ret).toBe('-EINVAL');
    expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2] }).ret).toBe(0);
    expect(s.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [2], cpusetMems: [0, 1, 2, 3], private: true });
  });

  test('a BIND{p} fault lands on p with __GFP_PRIVATE, starting at p', () => {
    const s = make();
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] },
      { op: 'mmap', task: 1, pages: 2 },
    ]);
    expect(s.apply({ op: 'touch', vma: 'v1', index: 0 })).toEqual({ ret: 0, pages: [{ index: 0, pfn: 32, nid: 2, zone: 'ZONE_NORMAL' }] });
    expect(s.drainEvents()).toEqual([
      { kind: 'expand', fromOrder: 3, toOrder: 0 },
      { kind: 'private-placement', path: 'fault' },
      { kind: 'fault', order: 0 },
    ]);
    expect(placementAt(s, 32)).toEqual({ path: 'fault', gfp: HIGHUSER_MOVABLE | PRIVATE });
    // BIND{0,p} from node 0 starts at node 0 (the task's node is in the mask)
    setup(s, [{ op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 2] }]);
    expect(s.apply({ op: 'touch', vma: 'v1', index: 1 })).toMatchObject({ pages: [{ pfn: 0, nid: 0 }] });
    expect(placementAt(s, 0)).toEqual({ path: 'fault', gfp: HIGHUSER_MOVABLE | PRIVATE });
  });

  test('INTERLEAVE and PREFERRED pick p directly', () => {
    const s = make();
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [0, 2] },
      { op: 'mmap', task: 1, pages: 2 },
      { op: 'touch', vma: 'v1', index: 0, count: 2 },
    ]);
    expect(s.snapshot().vmas[0]!.ptes).toEqual([0, 32]);
  });

  test('rebind drops a private node that lost NP_OPS_MEMPOLICY and recomputes MPOL_F_PRIVATE', () => {
    const s = make();
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 2] },
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2] },
    ]);
    expect(s.apply({ op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] }).ret).toBe(0);
    expect(s.drainEvents()).toEqual([{ kind: 'mpol-private' }, { kind: 'mpol-private' }]); // nothing changed
    expect(s.apply({ op: 'node_private_clear_ops', nid: 2 }).ret).toBe(0);
    expect(s.apply({ op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] }).ret).toBe(0);
    expect(s.drainEvents()).toEqual([{ kind: 'rebind' }]);
    const snap = s.snapshot();
    expect(snap.tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [0], cpusetMems: [0, 1, 2, 3], private: false });
    // the VMA's mask held only p: it is now empty (B16), and a fault fails
    expect(snap.vmas[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [], cpusetMems: [0, 1, 2, 3], private: false });
    expect(s.apply({ op: 'touch', vma: 'v1', index: 0 }).ret).toBe('-ENOMEM');
  });

  test('an INTERLEAVE mask emptied by a rebind fails the fault without moving the cursor', () => {
    const s = make();
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [2] },
      { op: 'node_private_set_ops', nid: 2, flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to', 'folio_migrate'] },
      { op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] },
      { op: 'mmap', task: 1, pages: 1 },
    ]);
    expect(s.snapshot().tasks[0]).toMatchObject({ policy: { mode: 'MPOL_INTERLEAVE', nodes: [], private: false }, ilPrev: -1 });
    expect(s.apply({ op: 'touch', vma: 'v1', index: 0 }).ret).toBe('-ENOMEM');
    expect(s.snapshot().tasks[0]!.ilPrev).toBe(-1);
  });

  test('mbind MPOL_MF_MOVE into p: __GFP_PRIVATE targets starting at p', () => {
    const s = make();
    setup(s, [
      { op: 'mmap', task: 1, pages: 2 },
      { op: 'touch', vma: 'v1', index: 0, count: 2 },
    ]);
    expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2], flags: ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'] }).ret).toBe(0);
    expect(s.snapshot().vmas[0]!.ptes).toEqual([32, 33]);
    const migrate = { kind: 'migrate', reason: 'mbind', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true };
    // the sources are freed on node 0: pfn 1 merges with pfn 0 and up to order 3
    expect(s.drainEvents()).toEqual([
      { kind: 'mpol-private' },
      { kind: 'expand', fromOrder: 3, toOrder: 0 },
      { kind: 'private-placement', path: 'mpol-migrate' },
      migrate,
      { kind: 'private-placement', path: 'mpol-migrate' },
      { kind: 'merge', order: 1 },
      { kind: 'merge', order: 2 },
      { kind: 'merge', order: 3 },
      migrate,
    ]);
    expect(placementAt(s, 33)).toEqual({ path: 'mpol-migrate', gfp: HIGHUSER_MOVABLE | PRIVATE });
  });

  test('mbind skips a folio on p without NP_OPS_MIGRATION: not moved, not a STRICT failure', () => {
    const s = make();
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] },
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'touch', vma: 'v1', index: 0 },
      { op: 'node_private_set_ops', nid: 2, flags: ['NP_OPS_LONGTERM_PIN'], callbacks: [] },
    ]);
    expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [0], flags: ['MPOL_MF_STRICT'] }).ret).toBe(0);
    expect(s.drainEvents()).toEqual([]);
    expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [0], flags: ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'] }).ret).toBe(0);
    expect(s.drainEvents()).toEqual([{ kind: 'private-migrate-refused', reason: 'mbind' }]);
    expect(s.snapshot().vmas[0]!.ptes).toEqual([32]);
  });
});

describe('move_pages', () => {
  const onNode0 = (s: SpecSystem) =>
    setup(s, [
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'touch', vma: 'v1', index: 0 },
    ]);

  test('into p through migrate_to: GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_PRIVATE', () => {
    const s = make();
    onNode0(s);
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 2 })).toEqual({ ret: 0, status: 2 });
    expect(s.snapshot().vmas[0]!.ptes).toEqual([32]);
    expect(placementAt(s, 32)).toEqual({ path: 'migrate_to', gfp: HIGHUSER_MOVABLE | THISNODE | PRIVATE });
    expect(s.drainEvents().filter((e) => e.kind.startsWith('private') || e.kind === 'migrate')).toEqual([
      { kind: 'private-placement', path: 'migrate_to' },
      { kind: 'migrate', reason: 'move_pages', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true },
    ]);
  });

  test('into p: the migrate_to callback decides, not the flag (B14); without it status -ENODEV', () => {
    const s = make();
    onNode0(s);
    setup(s, [{ op: 'node_private_set_ops', nid: 2, flags: [], callbacks: ['folio_migrate'] }]);
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 2 })).toEqual({ ret: 0, status: '-ENODEV' });
    setup(s, [{ op: 'node_private_clear_ops', nid: 2 }]);
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 2 })).toEqual({ ret: 0, status: '-ENODEV' });
    expect(s.snapshot().vmas[0]!.ptes).toEqual([0]);
    expect(s.drainEvents()).toEqual([]);
    setup(s, [{ op: 'node_private_set_ops', nid: 2, flags: [], callbacks: ['migrate_to'] }]);
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 2 })).toEqual({ ret: 0, status: 2 });
  });

  test('out of p: -ENOENT without NP_OPS_MIGRATION (also to p itself); moves with it', () => {
    const s = make();
    setup(s, [
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 2 }, // faults nothing: not present
      { op: 'touch', vma: 'v1', index: 0 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 2 },
      { op: 'node_private_set_ops', nid: 2, flags: ['NP_OPS_DEMOTION'], callbacks: ['migrate_to'] },
    ]);
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 0 })).toEqual({ ret: 0, status: '-ENOENT' });
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 2 })).toEqual({ ret: 0, status: '-ENOENT' });
    expect(s.drainEvents()).toEqual([
      { kind: 'private-migrate-refused', reason: 'move_pages' },
      { kind: 'private-migrate-refused', reason: 'move_pages' },
    ]);
    setup(s, [{ op: 'node_private_set_ops', nid: 2, flags: MIGRATION.flags, callbacks: MIGRATION.callbacks }]);
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 2 })).toEqual({ ret: 0, status: 2 });
    expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 0 })).toEqual({ ret: 0, status: 0 });
    expect(placementAt(s, 0)).toEqual({ path: 'move_pages', gfp: HIGHUSER_MOVABLE | THISNODE });
  });
});

describe('FOLL_LONGTERM pins of private folios', () => {
  /** One page faulted onto `nid` under BIND{nid} (the node needs NP_OPS_MEMPOLICY). */
  const faultOn = (s: SpecSystem, nid: number) =>
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [nid] },
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'touch', vma: 'v1', index: 0 },
    ]);
  const pin = (s: SpecSystem) => s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] });

  test('v4, NP_OPS_LONGTERM_PIN: pinned in place on p', () => {
    const s = make('private-nodes-v4', config(PIN_MEMPOLICY));
    faultOn(s, 2);
    expect(pin(s)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 32, nid: 2, zone: 'ZONE_NORMAL', migrated: false }] });
    expect(s.drainEvents()).toEqual([{ kind: 'pin', large: false }, { kind: 'private-pin' }]);
  });

  test('v4, no flag but NP_OPS_MIGRATION: migrates to DRAM and the pin succeeds (B18)', () => {
    const s = make();
    faultOn(s, 2);
    expect(pin(s)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 16, nid: 1, zone: 'ZONE_NORMAL', migrated: true }] });
    expect(s.drainEvents()).toEqual([
      { kind: 'pin', large: false },
      { kind: 'longterm-unpinnable', why: 'private' },
      { kind: 'private-gate' }, // the GUP target (GFP_USER, p's FALLBACK list) skipped p
      { kind: 'expand', fromOrder: 3, toOrder: 0 },
      { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' }, // GFP_USER in the pin scope: unmovable
      { kind: 'remote-node' },
      { kind: 'merge', order: 1 }, // pfn 32 rejoins 33 (order 0, still free), then up to order 3
      { kind: 'merge', order: 2 },
      { kind: 'merge', order: 3 },
      { kind: 'migrate', reason: 'longterm', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true },
      { kind: 'pin', large: false },
    ]);
    expect(s.holders()).toEqual([
      { pfn: 16, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: GFP_USER } },
    ]);
  });

  test('v4, neither flag: -ENOMEM, nothing pinned', () => {
    const s = make();
    faultOn(s, 2);
    setup(s, [{ op: 'node_private_set_ops', nid: 2, flags: ['NP_OPS_DEMOTION'], callbacks: [] }]);
    expect(pin(s)).toEqual({ ret: '-ENOMEM' });
    expect(s.drainEvents()).toEqual([
      { kind: 'pin', large: false },
      { kind: 'longterm-unpinnable', why: 'private' },
      { kind: 'private-migrate-refused', reason: 'longterm' },
      { kind: 'longterm-failed', ret: '-ENOMEM' },
    ]);
    expect(s.holders()).toEqual([
      { pfn: 32, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 0, longtermPins: 0, placement: { path: 'fault', gfp: HIGHUSER_MOVABLE | PRIVATE } },
    ]);
  });

  test('v4: the zone is ignored: a ZONE_MOVABLE private folio with the flag is pinned in place', () => {
    const s = make('private-nodes-v4', config(MEMPOLICY, PIN_MEMPOLICY));
    faultOn(s, 3);
    expect(pin(s)).toMatchObject({ ret: 1, pages: [{ pfn: 48, nid: 3, zone: 'ZONE_MOVABLE', migrated: false }] });
  });

  test('zone-pin: ZONE_NORMAL private pinned without the flag; ZONE_MOVABLE private migrated even with it', () => {
    const s = make('private-nodes-zone-pin', config(MEMPOLICY, PIN_MEMPOLICY));
    faultOn(s, 2);
    expect(pin(s)).toMatchObject({ ret: 1, pages: [{ pfn: 32, nid: 2, migrated: false }] });
    expect(s.drainEvents()).toEqual([{ kind: 'pin', large: false }, { kind: 'private-pin' }]);

    const t = make('private-nodes-zone-pin', config(MEMPOLICY, PIN_MEMPOLICY));
    faultOn(t, 3);
    expect(pin(t)).toMatchObject({ ret: 1, pages: [{ pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true }] });
    // the target (GFP_USER | __GFP_HIGHMEM: at most ZONE_NORMAL) never even sees q's ZONE_MOVABLE
    expect(t.drainEvents().filter((e) => e.kind.startsWith('longterm') || e.kind.startsWith('private'))).toEqual([
      { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
    ]);
    expect(placementAt(t, 0)).toEqual({ path: 'longterm', gfp: GFP_USER | 0x2 });

    // with the flag but without NP_OPS_MIGRATION: refused
    const u = make('private-nodes-zone-pin', config(MEMPOLICY, PIN_MEMPOLICY));
    faultOn(u, 3);
    setup(u, [{ op: 'node_private_set_ops', nid: 3, flags: ['NP_OPS_LONGTERM_PIN'], callbacks: [] }]);
    expect(pin(u)).toEqual({ ret: '-ENOMEM' });
  });

  test('a fault inside the pin scope records the stripped gfp', () => {
    const s = make('private-nodes-v4', config(PIN_MEMPOLICY));
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] },
      { op: 'mmap', task: 1, pages: 1 },
    ]);
    expect(pin(s)).toMatchObject({ ret: 1, pages: [{ pfn: 32, migrated: false }] });
    expect(placementAt(s, 32)).toEqual({ path: 'fault', gfp: (HIGHUSER_MOVABLE & ~0x8) | PRIVATE });
  });
});

describe('offline and cma_alloc', () => {
  test('offline of p: folios leave with NP_OPS_MIGRATION, -EINTR without', () => {
    const s = make();
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] },
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'touch', vma: 'v1', index: 0 },
      { op: 'node_private_set_ops', nid: 2, flags: [], callbacks: [] },
    ]);
    expect(s.apply({ op: 'offline_pages', startPfn: 32, pages: 16 }).ret).toBe('-EINTR');
    expect(s.drainEvents()).toContainEqual({ kind: 'private-migrate-refused', reason: 'offline' });
    setup(s, [{ op: 'node_private_set_ops', nid: 2, flags: MIGRATION.flags, callbacks: MIGRATION.callbacks }]);
    expect(s.apply({ op: 'offline_pages', startPfn: 32, pages: 16 }).ret).toBe(0);
    expect(s.snapshot().vmas[0]!.ptes).toEqual([16]);
    expect(nodeOf(s, 16)).toBe(1);
    expect(placementAt(s, 16)).toEqual({ path: 'offline', gfp: GFP_USER | 0x8 | 0x4000 });
    expect(s.apply({ op: 'read_sysfs', attr: 'has_private_memory' })).toEqual({ ret: 0, nodes: [3] });
  });

  test('cma_alloc over a folio on p without NP_OPS_MIGRATION: the window fails', () => {
    const base = config();
    const s = make('private-nodes-v4', { ...base, nodes: base.nodes.map((n) => (n.nid === 2 ? { ...n, cma: [[32, 16]] } : n)) });
    setup(s, [
      { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [2] },
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'touch', vma: 'v1', index: 0 },
      { op: 'node_private_set_ops', nid: 2, flags: [], callbacks: [] },
    ]);
    expect(s.snapshot().vmas[0]!.ptes).toEqual([32]);
    expect(s.apply({ op: 'cma_alloc', area: 0, count: 16 })).toEqual({ ret: '-EBUSY' });
    expect(s.drainEvents()).toContainEqual({ kind: 'private-migrate-refused', reason: 'cma' });
    setup(s, [{ op: 'node_private_set_ops', nid: 2, flags: MIGRATION.flags, callbacks: MIGRATION.callbacks }]);
    expect(s.apply({ op: 'cma_alloc', area: 0, count: 16 })).toEqual({ ret: 0, cma: 'c1', pfn: 32, nid: 2, zone: 'ZONE_NORMAL' });
    expect(s.snapshot().vmas[0]!.ptes).toEqual([16]);
    expect(placementAt(s, 16)).toEqual({ path: 'cma', gfp: GFP_USER | 0x8 });
  });

  test('offline of a normal node: the target nodemask holds only N_MEMORY nodes', () => {
    const s = make('private-nodes-v4', {
      ...config(),
      nodes: [config().nodes[0]!, config().nodes[2]!],
      distance: undefined,
    });
    setup(s, [
      { op: 'mmap', task: 1, pages: 1 },
      { op: 'touch', vma: 'v1', index: 0 },
    ]);
    // node 0 is the only N_MEMORY node: the nodemask is {0}, so the target cannot be found (not p)
    expect(s.apply({ op: 'offline_pages', startPfn: 0, pages: 16 }).ret).toBe('-EINTR');
    expect(s.drainEvents()).not.toContainEqual({ kind: 'private-placement', path: 'other' });
  });
});
