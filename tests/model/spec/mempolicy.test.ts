import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { findTask } from '../../../model/spec/machine.js';
import {
  get_nodes,
  mpol_rebind_nodemask,
  mpol_rebind_policy,
  next_node_in,
  nodes_remap,
  policy_nodemask,
  policyHasMask,
  type Mempolicy,
} from '../../../model/spec/mempolicy.js';
import { allocPfn, run, spec } from './helpers.js';

/** nodes 0, 1, 2 with ZONE_NORMAL of 8 pages, node 3 memoryless; node 2 is nearer to node 0 than node 1. */
const config: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
    { nid: 1, zones: { ZONE_NORMAL: [8, 8] } },
    { nid: 2, zones: { ZONE_NORMAL: [16, 8] } },
    { nid: 3, zones: {} },
  ],
  distance: [
    [10, 30, 15, 20],
    [30, 10, 20, 20],
    [15, 20, 10, 20],
    [20, 20, 20, 10],
  ],
  tasks: [
    { tid: 1, nid: 0 },
    { tid: 2, nid: 0, mems: [0, 1] },
  ],
};

test('mpol_new / mpol_set_nodemask errno table', () => {
  const s = spec(config);
  const set = (task: number, mode: string, nodes?: number[]) => s.apply({ op: 'set_mempolicy', task, mode, ...(nodes ? { nodes } : {}) }).ret;
  expect([
    set(1, 'MPOL_DEFAULT', [1]),
    set(1, 'MPOL_LOCAL', [1]),
    set(1, 'MPOL_BIND', []),
    set(1, 'MPOL_BIND'),
    set(1, 'MPOL_INTERLEAVE', []),
    set(1, 'MPOL_BIND', [5]), // no such node: empty after masking
    set(1, 'MPOL_BIND', [3]), // memoryless
    set(2, 'MPOL_BIND', [2]), // outside the cpuset
    set(1, 'MPOL_BIND', [1024]),
    set(1, 'MPOL_BIND', [-1]),
    set(1, 'MPOL_WEIGHTED_INTERLEAVE', [1]),
    set(9, 'MPOL_BIND', [1]),
  ]).toEqual(Array(12).fill('-EINVAL'));
  expect(s.snapshot().tasks.map((t) => t.policy)).toEqual([null, null]);

  const policyAfter = (task: number, mode: string, nodes?: number[]) => {
    expect(set(task, mode, nodes)).toBe(0);
    return s.snapshot().tasks[task - 1]!.policy;
  };
  expect(policyAfter(1, 'MPOL_BIND', [1, 5, 3, 1])).toEqual({ mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1, 2, 3], private: false });
  expect(policyAfter(1, 'MPOL_PREFERRED', [])).toEqual({ mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false });
  expect(policyAfter(1, 'MPOL_LOCAL')).toEqual({ mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false });
  // mpol_new_preferred keeps only the first node of the mask
  expect(policyAfter(1, 'MPOL_PREFERRED', [3, 2])).toEqual({ mode: 'MPOL_PREFERRED', nodes: [2], cpusetMems: [0, 1, 2, 3], private: false });
  expect(policyAfter(2, 'MPOL_INTERLEAVE', [2, 1, 0])).toEqual({ mode: 'MPOL_INTERLEAVE', nodes: [0, 1], cpusetMems: [0, 1], private: false });
  expect(policyAfter(1, 'MPOL_DEFAULT')).toBeNull();
  expect(policyAfter(1, 'MPOL_DEFAULT', [])).toBeNull();
});

test('interleave: a per-task cursor over the mask; set_mempolicy resets it', () => {
  const s = spec(config);
  run(s, [
    { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [0, 2] },
    { op: 'mmap', task: 1, pages: 5 },
  ]);
  s.drainEvents();
  const r = s.apply({ op: 'touch', vma: 'v1', index: 0, count: 5 });
  expect(r).toMatchObject({
    pages: [
      { index: 0, pfn: 0, nid: 0 },
      { index: 1, pfn: 16, nid: 2 },
      { index: 2, pfn: 1, nid: 0 },
      { index: 3, pfn: 17, nid: 2 },
      { index: 4, pfn: 2, nid: 0 },
    ],
  });
  expect(s.drainEvents().filter((e) => e.kind === 'interleave-switch')).toHaveLength(4);
  expect(s.snapshot().tasks[0]).toEqual({
    tid: 1,
    nid: 0,
    mems: [0, 1, 2, 3],
    policy: { mode: 'MPOL_INTERLEAVE', nodes: [0, 2], cpusetMems: [0, 1, 2, 3], private: false },
    ilPrev: 0,
  });
  run(s, [{ op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [1, 2] }]);
  expect(s.snapshot().tasks[0]!.ilPrev).toBe(-1);
  expect(next_node_in(-1, [1, 2])).toBe(1);
  expect(next_node_in(2, [1, 2])).toBe(1);
  expect(next_node_in(1, [1, 2])).toBe(2);
});

test('BIND: the nearest node of the mask by distance; PREFERRED: the first node', () => {
  const s = spec(config);
  run(s, [
    { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1, 2] },
    { op: 'mmap', task: 1, pages: 2 },
  ]);
  expect(s.apply({ op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ pages: [{ pfn: 16, nid: 2 }] });
  run(s, [{ op: 'mbind', vma: 'v1', mode: 'MPOL_PREFERRED', nodes: [2, 1] }]);
  expect(s.apply({ op: 'touch', vma: 'v1', index: 1 })).toMatchObject({ pages: [{ pfn: 8, nid: 1 }] });
  expect(s.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_PREFERRED', nodes: [1], cpusetMems: [0, 1, 2, 3], private: false });
});

test('mbind MOVE migrates folios outside the mask; STRICT reports what stays outside with -EIO', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 4 },
    { op: 'touch', vma: 'v1', index: 0, count: 4 },
  ]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([0, 1, 2, 3]);
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_BOGUS'] })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'mbind', vma: 'v9', mode: 'MPOL_BIND', nodes: [1] })).toEqual({ ret: '-EBADF' });
  s.drainEvents();
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_MOVE'] })).toEqual({ ret: 0 });
  expect(s.drainEvents().filter((e) => e.kind === 'migrate')).toEqual(
    Array(4).fill({ kind: 'migrate', reason: 'mbind', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true }),
  );
  expect(s.snapshot().vmas[0]).toMatchObject({ policy: { mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1, 2, 3], private: false }, ptes: [8, 9, 10, 11] });

  // STRICT without MOVE: nothing moves, -EIO, the policy is set anyway
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2], flags: ['MPOL_MF_STRICT'] })).toEqual({ ret: '-EIO' });
  expect(s.snapshot().vmas[0]).toMatchObject({ policy: { mode: 'MPOL_BIND', nodes: [2] }, ptes: [8, 9, 10, 11] });

  // STRICT|MOVE with one folio held by a get: it stays, the others move, -EIO
  run(s, [{ op: 'get_page', vma: 'v1', index: 0 }]);
  s.drainEvents();
  expect(
    s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_INTERLEAVE', nodes: [0], flags: ['MPOL_MF_STRICT', 'MPOL_MF_MOVE_ALL'] }),
  ).toEqual({ ret: '-EIO' });
  expect(s.drainEvents().filter((e) => e.kind.startsWith('migrate'))).toEqual([
    { kind: 'migrate-failed', reason: 'mbind', why: 'refs' },
    { kind: 'migrate', reason: 'mbind', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true },
    { kind: 'migrate', reason: 'mbind', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true },
    { kind: 'migrate', reason: 'mbind', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true },
  ]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([8, 0, 1, 2]);
  expect(s.snapshot().tasks[0]!.ilPrev).toBe(0);

  // DEFAULT and LOCAL never move and never fail STRICT
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_LOCAL', flags: ['MPOL_MF_STRICT', 'MPOL_MF_MOVE'] })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_DEFAULT', flags: ['MPOL_MF_STRICT'] })).toEqual({ ret: 0 });
  expect(s.snapshot().vmas[0]).toMatchObject({ policy: null, ptes: [8, 0, 1, 2] });
});

test('set_cpuset_mems rebinds the task and VMA policies with nodes_remap', () => {
  const s = spec(config);
  run(s, [
    { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [0, 2] },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'mmap', task: 2, pages: 1 },
    { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1] },
    { op: 'mbind', vma: 'v2', mode: 'MPOL_LOCAL' },
    { op: 'mbind', vma: 'v3', mode: 'MPOL_BIND', nodes: [0] },
  ]);
  expect(run(s, [
    { op: 'set_cpuset_mems', task: 1, nodes: [] },
    { op: 'set_cpuset_mems', task: 1, nodes: [9] },
    { op: 'set_cpuset_mems', task: 7, nodes: [1] },
  ])).toEqual([{ ret: '-EINVAL' }, { ret: '-EINVAL' }, { ret: '-EINVAL' }]);
  s.drainEvents();
  expect(s.apply({ op: 'set_cpuset_mems', task: 1, nodes: [2, 1] })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'rebind' }]);
  const snap = s.snapshot();
  expect(snap.tasks[0]).toEqual({ tid: 1, nid: 0, mems: [1, 2], policy: { mode: 'MPOL_INTERLEAVE', nodes: [1], cpusetMems: [1, 2], private: false }, ilPrev: -1 });
  expect(snap.vmas.map((v) => v.policy)).toEqual([
    { mode: 'MPOL_BIND', nodes: [2], cpusetMems: [1, 2], private: false },
    { mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false },
    { mode: 'MPOL_BIND', nodes: [0], cpusetMems: [0, 1], private: false }, // task 2's VMA is not rebound
  ]);
  // the same mems again change nothing
  expect(s.apply({ op: 'set_cpuset_mems', task: 1, nodes: [1, 2] })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([]);
});

test('nodes_remap and mpol_rebind_nodemask', () => {
  expect(nodes_remap([0, 2], [0, 1, 2, 3], [1, 2])).toEqual([1]);
  expect(nodes_remap([1], [0, 1, 2, 3], [1, 2])).toEqual([2]);
  expect(nodes_remap([0, 3], [0, 1], [2])).toEqual([2, 3]);
  expect(nodes_remap([0, 1], [0, 1], [])).toEqual([0, 1]);
  expect(nodes_remap([1, 2, 3], [1, 2, 3], [4, 5, 6])).toEqual([4, 5, 6]);
  const machine = spec(config).machine;
  const pol: Mempolicy = { mode: 'MPOL_BIND', nodes: [], cpusetMems: [0], private: false };
  expect(mpol_rebind_nodemask(machine, pol, [3, 4])).toBe(true);
  expect(pol).toEqual({ mode: 'MPOL_BIND', nodes: [3, 4], cpusetMems: [3, 4], private: false });
  const local: Mempolicy = { mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [0], private: false };
  expect(mpol_rebind_policy(machine, local, [3])).toBe(false);
  expect(local.cpusetMems).toEqual([0]);
});

test('mpol_rebind_preferred keeps the preferred node and only takes the new cpuset', () => {
  const s = spec(config);
  run(s, [{ op: 'set_mempolicy', task: 1, mode: 'MPOL_PREFERRED', nodes: [1] }]);
  s.drainEvents();
  expect(s.apply({ op: 'set_cpuset_mems', task: 1, nodes: [2, 3] })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([]);
  expect(s.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_PREFERRED', nodes: [1], cpusetMems: [2, 3], private: false });
});

test('get_nodes: a node id outside 0..MAX_NUMNODES-1 fails the whole mask, even beside a valid node', () => {
  expect(get_nodes([3, 1, 1023, 1])).toEqual([1, 3, 1023]);
  expect(get_nodes(undefined)).toEqual([]);
  expect([get_nodes([1024]), get_nodes([-1]), get_nodes([0.5])]).toEqual([undefined, undefined, undefined]);
  const s = spec(config);
  const set = (nodes: number[]) => s.apply({ op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes }).ret;
  expect([set([1, 1024]), set([1, -1]), set([1, 1.5])]).toEqual(['-EINVAL', '-EINVAL', '-EINVAL']);
  expect(s.snapshot().tasks[0]!.policy).toBeNull();
  expect(set([1, 1023])).toBe(0); // in range but no such node: masked away
  expect(s.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1, 2, 3], private: false });
});

test('interleave over one node never switches nodes', () => {
  const s = spec(config);
  run(s, [
    { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [2] },
    { op: 'mmap', task: 1, pages: 3 },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'touch', vma: 'v1', index: 0, count: 3 })).toMatchObject({ pages: [{ pfn: 16 }, { pfn: 17 }, { pfn: 18 }] });
  expect(s.drainEvents().filter((e) => e.kind === 'interleave-switch')).toEqual([]);
  expect(s.snapshot().tasks[0]!.ilPrev).toBe(2);
});

test('policy_nodemask: PREFERRED starts at its node without a nodemask; a DEFAULT policy places like none', () => {
  const s = spec(config);
  const task = findTask(s.machine, 1)!;
  const placement = (pol: Mempolicy | null) => {
    const p = policy_nodemask(s.machine, task, pol)!;
    return [p.preferred.nid, p.nodemask === undefined ? 'no mask' : [...p.nodemask]];
  };
  expect(placement(null)).toEqual([0, 'no mask']);
  expect(placement({ mode: 'MPOL_DEFAULT', nodes: [], cpusetMems: [], private: false })).toEqual([0, 'no mask']);
  expect(placement({ mode: 'MPOL_PREFERRED', nodes: [1], cpusetMems: [0, 1, 2, 3], private: false })).toEqual([1, 'no mask']);
  expect(placement({ mode: 'MPOL_BIND', nodes: [1, 2], cpusetMems: [0, 1, 2, 3], private: false })).toEqual([0, [1, 2]]);
  // the spec refuses a policy naming a node that does not exist
  expect(() => policy_nodemask(s.machine, task, { mode: 'MPOL_PREFERRED', nodes: [7], cpusetMems: [], private: false })).toThrow(
    /spec: policy node 7 does not exist/,
  );
});

test('PREFERRED is no restriction: a fault falls back when the preferred node is full', () => {
  const s = spec(config);
  expect(allocPfn(s, ['GFP_KERNEL', '__GFP_THISNODE'], 3, { nid: 1 })).toBe(8);
  run(s, [
    { op: 'set_mempolicy', task: 1, mode: 'MPOL_PREFERRED', nodes: [1] },
    { op: 'mmap', task: 1, pages: 1 },
  ]);
  expect(s.apply({ op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ ret: 0, pages: [{ pfn: 16, nid: 2 }] });
});

test('mbind PREFERRED moves folios to its node; without STRICT a folio left outside is no error', () => {
  expect([policyHasMask(null), policyHasMask({ mode: 'MPOL_PREFERRED', nodes: [1], cpusetMems: [], private: false })]).toEqual([false, true]);
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0, count: 2 },
  ]);
  // no flags: the policy is set, nothing moves, nothing fails
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2] })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_PREFERRED', nodes: [2], flags: ['MPOL_MF_MOVE'] })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_PREFERRED', nodes: [1], flags: ['MPOL_MF_STRICT'] })).toEqual({ ret: '-EIO' });
  expect(s.snapshot().vmas[0]!.ptes).toEqual([16, 17]);
  s.drainEvents();
  expect(s.apply({ op: 'mbind', vma: 'v1', mode: 'MPOL_PREFERRED', nodes: [1], flags: ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'] })).toEqual({ ret: 0 });
  expect(s.drainEvents().filter((e) => e.kind === 'migrate')).toHaveLength(2);
  expect(s.snapshot().vmas[0]).toMatchObject({ policy: { mode: 'MPOL_PREFERRED', nodes: [1] }, ptes: [8, 9] });
});

test('a rebind that changes one node of a same-size mask is a change', () => {
  const machine = spec(config).machine;
  const pol: Mempolicy = { mode: 'MPOL_BIND', nodes: [0, 1], cpusetMems: [0, 1, 2], private: false };
  expect(mpol_rebind_nodemask(machine, pol, [0, 2])).toBe(true);
  expect(pol).toEqual({ mode: 'MPOL_BIND', nodes: [0, 2], cpusetMems: [0, 2], private: false });
  expect(mpol_rebind_nodemask(machine, pol, [0, 2])).toBe(false);

  const s = spec(config);
  run(s, [{ op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 1] }]);
  s.drainEvents();
  expect(s.apply({ op: 'set_cpuset_mems', task: 1, nodes: [0, 2] })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'rebind' }]);
  expect(s.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [0, 2], cpusetMems: [0, 2], private: false });
});

test('mpol_rebind_policy leaves a DEFAULT policy alone', () => {
  const machine = spec(config).machine;
  const pol: Mempolicy = { mode: 'MPOL_DEFAULT', nodes: [], cpusetMems: [0], private: false };
  expect(mpol_rebind_policy(machine, pol, [3])).toBe(false);
  expect(pol).toEqual({ mode: 'MPOL_DEFAULT', nodes: [], cpusetMems: [0], private: false });
});
