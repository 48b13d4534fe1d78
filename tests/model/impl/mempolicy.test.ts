// struct mempolicy with exact values (MODEL.md "Mempolicy"): which modes mpol_new accepts without
// nodes, and mpol_rebind_nodemask (nodes_remap by position, the sorted result, an emptied mask
// refilled with the new cpuset, a local policy left alone).
import { describe, expect, test } from 'vitest';
import type { MachineConfig, Op } from '../../../model/api/index.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { boot, run } from './helpers.js';

/** four normal nodes of 16 pages each: nid n at [16n, 16n+16) */
const FOUR: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [0, 1, 2, 3].map((nid) => ({ nid, zones: { ZONE_NORMAL: [16 * nid, 16] as [number, number] } })),
  tasks: [{ tid: 1, nid: 0 }],
};

const setPolicy = (mode: string, nodes?: number[]): Op => ({ op: 'set_mempolicy', task: 1, mode, ...(nodes ? { nodes } : {}) });

describe('mpol_new', () => {
  test('an unknown mode is -EINVAL with or without nodes; INTERLEAVE needs nodes; LOCAL without nodes is local', () => {
    const sys = boot(FOUR);
    expect(run(sys, setPolicy('MPOL_BOGUS'))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, setPolicy('MPOL_BOGUS', [0]))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, setPolicy('MPOL_INTERLEAVE'))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, setPolicy('MPOL_INTERLEAVE', []))).toEqual({ ret: '-EINVAL' });
    expect(run(sys, setPolicy('MPOL_BIND', []))).toEqual({ ret: '-EINVAL' });
    expect(sys.snapshot().tasks[0]!.policy).toBeNull();
    expect(run(sys, setPolicy('MPOL_LOCAL', []))).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false });
    expect(run(sys, setPolicy('MPOL_PREFERRED', []))).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false });
  });
});

describe('mpol_rebind_nodemask', () => {
  test('a local policy has no nodes to remap: a cpuset change leaves it as it is', () => {
    const sys = boot(FOUR);
    run(sys, setPolicy('MPOL_LOCAL'));
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [1, 2] })).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]).toEqual({ tid: 1, nid: 0, mems: [1, 2], policy: { mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false }, ilPrev: -1 });
  });

  test('nodes_remap: the node at position i of the old cpuset goes to position i mod n of the new one; the result is sorted', () => {
    const sys = boot(FOUR);
    // position 0 of [0,1,2,3] is position 0 of [1,2]: node 0 → node 1
    run(sys, setPolicy('MPOL_BIND', [0]));
    // positions 2 and 3 of [0,1,2,3] → positions 2 and 0 of [0,1,2]: {2, 0}, kept as [0, 2]
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_INTERLEAVE', nodes: [2, 3] });
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [2, 0, 1] })).toEqual({ ret: 0 });
    const snap = sys.snapshot();
    expect(snap.tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [0], cpusetMems: [0, 1, 2], private: false });
    expect(snap.vmas[0]!.policy).toEqual({ mode: 'MPOL_INTERLEAVE', nodes: [0, 2], cpusetMems: [0, 1, 2], private: false });
    // position 0 of [0,1,2] is position 0 of [1,2]: BIND{0} becomes BIND{1}, INTERLEAVE{0,2} becomes {1}
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [1, 2] })).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [1], cpusetMems: [1, 2], private: false });
    expect(sys.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_INTERLEAVE', nodes: [1], cpusetMems: [1, 2], private: false });
    // the mask follows the nodes: the fault of the task lands on node 1
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    expect(run(sys, { op: 'touch', vma: 'v2', index: 0 })).toMatchObject({ ret: 0, pages: [{ pfn: 16, nid: 1 }] });
  });

  test('a mask a rebind emptied is refilled with the new cpuset at the next rebind, then filtered again', () => {
    const PRIV: MachineConfig = {
      maxOrder: 2,
      pageblockOrder: 1,
      nodes: [
        { nid: 0, zones: { ZONE_NORMAL: [0, 16] } },
        { nid: 1, zones: { ZONE_NORMAL: [16, 16] } },
        { nid: 2, zones: { ZONE_MOVABLE: [32, 16] }, private: { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] } },
        { nid: 3, zones: { ZONE_NORMAL: [48, 16] }, private: { flags: [], callbacks: [] } },
      ],
      tasks: [{ tid: 1, nid: 0 }],
    };
    const sys = new ImplSystem(PRIV, PROFILES['private-nodes-v4']);
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    expect(run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [2] })).toEqual({ ret: 0 });
    run(sys, { op: 'node_private_clear_ops', nid: 2 });
    run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] });
    expect(sys.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [], cpusetMems: [0, 1, 2, 3], private: false });
    // node 2 gets NP_OPS_MEMPOLICY back; the empty mask becomes [0,1,2,3] minus node 3 (no NP_OPS_MEMPOLICY)
    run(sys, { op: 'node_private_set_ops', nid: 2, flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] });
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [0, 1, 2, 3] })).toEqual({ ret: 0 });
    expect(sys.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [0, 1, 2], cpusetMems: [0, 1, 2, 3], private: true });
    // the task's node 0 is in the mask: the fault lands there
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ ret: 0, pages: [{ pfn: 0, nid: 0 }] });
  });
});
