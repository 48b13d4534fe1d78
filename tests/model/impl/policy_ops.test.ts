// set_mempolicy, mbind, set_cpuset_mems and move_pages with exact values (MODEL.md "Mempolicy"):
// get_nodes' range check, unknown tasks and VMAs, which modes mbind MPOL_MF_MOVE / _STRICT act on,
// what STRICT counts, the interleave cursor during a move, the rebind of the task's own VMAs only.
import { describe, expect, test } from 'vitest';
import type { MachineConfig, Op } from '../../../model/api/index.js';
import type { ImplSystem } from '../../../model/impl/index.js';
import { alloc, boot, run } from './helpers.js';

/**
 * Memory starts at pfn 64 (mm.base is not 0): node 0 NORMAL [64,80), node 1 NORMAL [80,96), node 2
 * NORMAL [96,100); task 1 on node 0, task 2 on node 1.
 */
const HIGH: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [64, 16] } },
    { nid: 1, zones: { ZONE_NORMAL: [80, 16] } },
    { nid: 2, zones: { ZONE_NORMAL: [96, 4] } },
  ],
  tasks: [
    { tid: 1, nid: 0 },
    { tid: 2, nid: 1 },
  ],
};

const ptes = (sys: ImplSystem, vma = 'v1') => sys.snapshot().vmas.find((v) => v.handle === vma)!.ptes;

/** a VMA of task 1 with `pages` pages faulted in on node 0: 64, 65, ... */
function faulted(pages: number): ImplSystem {
  const sys = boot(HIGH);
  run(sys, { op: 'mmap', task: 1, pages });
  run(sys, { op: 'touch', vma: 'v1', index: 0, count: pages });
  expect(ptes(sys)).toEqual(Array.from({ length: pages }, (_, i) => 64 + i));
  return sys;
}

const mbind = (mode: string, nodes: number[] | undefined, flags: string[]): Op => ({ op: 'mbind', vma: 'v1', mode, ...(nodes ? { nodes } : {}), flags });
const MOVE_STRICT = ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'];

describe('argument checks', () => {
  test('get_nodes: node ids are integers in [0, MAX_NUMNODES = 1024); ids in range that are no node are masked away', () => {
    const sys = boot(HIGH);
    for (const bad of [1.5, -1, 1024]) expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, bad] })).toEqual({ ret: '-EINVAL' });
    expect(sys.snapshot().tasks[0]!.policy).toBeNull();
    expect(run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 1023] })).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [0], cpusetMems: [0, 1, 2], private: false });
  });

  test('an unknown task is -EINVAL for set_mempolicy and set_cpuset_mems, whatever the mode', () => {
    const sys = boot(HIGH);
    expect(run(sys, { op: 'set_mempolicy', task: 9, mode: 'MPOL_LOCAL' })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'set_mempolicy', task: 9, mode: 'MPOL_DEFAULT' })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'set_cpuset_mems', task: 9, nodes: [0] })).toEqual({ ret: '-EINVAL' });
    expect(sys.snapshot().tasks.map((t) => t.mems)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
  });

  test('move_pages: -EBADF for a VMA that is not live, -EFAULT for an index that is not one of its pages', () => {
    const sys = faulted(2);
    expect(run(sys, { op: 'move_pages', vma: 'v9', index: 0, node: 1 })).toEqual({ ret: '-EBADF' });
    for (const index of [-1, 0.5, 2]) expect(run(sys, { op: 'move_pages', vma: 'v1', index, node: 1 })).toEqual({ ret: '-EFAULT' });
    expect(ptes(sys)).toEqual([64, 65]);
    expect(run(sys, { op: 'move_pages', vma: 'v1', index: 1, node: 1 })).toEqual({ ret: 0, status: 1 });
    expect(ptes(sys)).toEqual([64, 80]);
  });
});

describe('mbind', () => {
  test('MPOL_DEFAULT and MPOL_LOCAL set the policy but move nothing and report nothing, even with MOVE|STRICT', () => {
    const sys = faulted(2);
    expect(run(sys, mbind('MPOL_LOCAL', undefined, MOVE_STRICT))).toEqual({ ret: 0 });
    expect(sys.snapshot().vmas[0]!.policy).toEqual({ mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false });
    expect(run(sys, mbind('MPOL_DEFAULT', undefined, MOVE_STRICT))).toEqual({ ret: 0 });
    expect(sys.snapshot().vmas[0]!.policy).toBeNull();
    expect(ptes(sys)).toEqual([64, 65]);
  });

  test('STRICT alone moves nothing: -EIO when a folio is off the mask; MOVE|STRICT moves them and returns 0', () => {
    const sys = faulted(2);
    expect(run(sys, mbind('MPOL_BIND', [1], ['MPOL_MF_STRICT']))).toEqual({ ret: '-EIO' });
    expect(ptes(sys)).toEqual([64, 65]);
    // every folio lands in the mask (pfns above mm.base = 64): nothing left over
    expect(run(sys, mbind('MPOL_BIND', [1], MOVE_STRICT))).toEqual({ ret: 0 });
    expect(ptes(sys)).toEqual([80, 81]);
    expect(run(sys, mbind('MPOL_BIND', [1], ['MPOL_MF_STRICT']))).toEqual({ ret: 0 });
  });

  test('MOVE without STRICT returns 0 even when a folio cannot move', () => {
    const sys = faulted(2);
    run(sys, { op: 'get_page', vma: 'v1', index: 0 }); // an extra reference: not migratable
    expect(run(sys, mbind('MPOL_BIND', [1], ['MPOL_MF_MOVE']))).toEqual({ ret: 0 });
    expect(ptes(sys)).toEqual([64, 80]);
    expect(run(sys, mbind('MPOL_BIND', [1], MOVE_STRICT))).toEqual({ ret: '-EIO' });
  });

  test('MOVE acts on INTERLEAVE (targets by the task cursor) and PREFERRED (its node) too', () => {
    const sys = faulted(3);
    expect(run(sys, mbind('MPOL_INTERLEAVE', [1, 2], ['MPOL_MF_MOVE']))).toEqual({ ret: 0 });
    expect(ptes(sys)).toEqual([80, 96, 81]);
    expect(sys.snapshot().tasks[0]!.ilPrev).toBe(1);
    const s2 = faulted(2);
    expect(run(s2, mbind('MPOL_PREFERRED', [2], MOVE_STRICT))).toEqual({ ret: 0 });
    expect(ptes(s2)).toEqual([96, 97]);
  });

  test('a folio that cannot move takes no interleave target: the cursor advances only for folios that move', () => {
    const sys = faulted(2);
    run(sys, { op: 'get_page', vma: 'v1', index: 0 });
    expect(run(sys, mbind('MPOL_INTERLEAVE', [1, 2], MOVE_STRICT))).toEqual({ ret: '-EIO' });
    expect(ptes(sys)).toEqual([64, 80]);
    expect(sys.snapshot().tasks[0]!.ilPrev).toBe(1);
  });

  test('STRICT counts a folio that moved but landed off the mask (PREFERRED falls back when its node is full)', () => {
    const sys = faulted(1);
    expect(alloc(sys, ['GFP_KERNEL', '__GFP_THISNODE'], 2, { nid: 2 })).toMatchObject({ pfn: 96, nid: 2 });
    expect(run(sys, mbind('MPOL_PREFERRED', [2], MOVE_STRICT))).toEqual({ ret: '-EIO' });
    // the target came from the next node of node 2's zonelist: node 0 again, pfn 65
    expect(ptes(sys)).toEqual([65]);
    expect(run(sys, mbind('MPOL_PREFERRED', [2], ['MPOL_MF_MOVE']))).toEqual({ ret: 0 });
  });
});

describe('set_cpuset_mems', () => {
  test("rebinds the task's own VMA policies, not another task's", () => {
    const sys = boot(HIGH);
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'mmap', task: 2, pages: 1 });
    run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1] });
    run(sys, { op: 'mbind', vma: 'v2', mode: 'MPOL_BIND', nodes: [1] });
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [0] })).toEqual({ ret: 0 });
    const [v1, v2] = sys.snapshot().vmas;
    expect(v1!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [0], cpusetMems: [0], private: false });
    expect(v2!.policy).toEqual({ mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1, 2], private: false });
  });
});
