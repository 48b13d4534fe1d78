// Generated ops resolve their targets by position in the live state.
import { expect, test } from 'vitest';
import { concretize, KIND_WEIGHTS, OP_KINDS, PRIVATE_KIND_WEIGHTS, type RawOp } from '../../generators/ops.js';
import type { MachineConfig, Snapshot } from '../../model/api/index.js';

const machine: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8] }, cma: [[4, 4]] },
    { nid: 3, zones: { ZONE_MOVABLE: [8, 8] } },
  ],
  tasks: [{ tid: 1, nid: 0 }, { tid: 2, nid: 3 }],
};
const snap = {
  zones: [],
  memory: [
    { pfn: 0, nrPages: 8, nid: 0, zone: 'ZONE_NORMAL' },
    { pfn: 8, nrPages: 8, nid: 3, zone: 'ZONE_MOVABLE' },
  ],
  offline: [{ pfn: 16, nrPages: 4 }],
  pageblocks: [],
  folios: [],
  cmaAllocations: [],
  handles: [
    { handle: 'k1', pfns: [0] },
    { handle: 'g1', pfns: [0] },
    { handle: 'v1', pfns: [] },
    { handle: 'k3', pfns: [2] },
    { handle: 'u1', pfns: [8] },
  ],
  tasks: [],
  privateNodes: [],
  vmas: [{ handle: 'v1', task: 1, pages: 4, folioOrder: 0, policy: null, ptes: [8, null, null, null] }],
} satisfies Snapshot;
const raw = (over: Partial<RawOp>): RawOp => ({
  kind: 0, gfp: 0, order: 0, node: -1, nodemask: null, task: 0, target: 0, times: 0, index: 0, count: 1, flags: 0, mode: 0, alt: false, ...over,
});
const all = OP_KINDS.map((_, i) => i);
const k = (name: string) => OP_KINDS.indexOf(name as (typeof OP_KINDS)[number]);

test('alloc_pages resolves node, nodemask and task positions; raw order 5 is maxOrder + 1', () => {
  expect(concretize(raw({ node: 1, nodemask: [1, 3], task: 1, order: 5 }), all, machine, snap)).toEqual({
    op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 3, nid: 3, nodemask: [3], task: 2,
  });
  expect(concretize(raw({ order: 4 }), all, machine, snap)).toMatchObject({ order: 2 });
});

test('handle targets wrap around the live set of the right kind', () => {
  expect(concretize(raw({ kind: k('free_pages'), target: 3 }), all, machine, snap)).toEqual({ op: 'free_pages', page: 'k3' });
  expect(concretize(raw({ kind: k('get_page'), target: 2, times: 4 }), all, machine, snap)).toEqual({ op: 'get_page', page: 'g1', times: 1024 });
  expect(concretize(raw({ kind: k('put_page'), target: 7 }), all, machine, snap)).toEqual({ op: 'put_page', ref: 'g1' });
  expect(concretize(raw({ kind: k('query'), target: 1 }), all, machine, snap)).toEqual({ op: 'query', page: 'k3' });
  expect(concretize(raw({ kind: k('unpin_user_pages') }), all, machine, snap)).toEqual({ op: 'unpin_user_pages', pin: 'u1' });
});

test('user-memory ops resolve VMAs, indices and flags', () => {
  expect(concretize(raw({ kind: k('query'), alt: true, index: 6 }), all, machine, snap)).toEqual({ op: 'query', vma: 'v1', index: 2 });
  expect(concretize(raw({ kind: k('touch'), index: 9, count: 3, alt: true }), all, machine, snap)).toEqual({ op: 'touch', vma: 'v1', index: 4, count: 3 });
  expect(concretize(raw({ kind: k('touch'), index: 9, count: 3 }), all, machine, snap)).toEqual({ op: 'touch', vma: 'v1', index: 1, count: 3 });
  expect(concretize(raw({ kind: k('pin_user_pages_fast'), index: 1, count: 2, flags: 2 }), all, machine, snap)).toEqual({
    op: 'pin_user_pages_fast', vma: 'v1', index: 1, nr: 2, gup_flags: ['FOLL_LONGTERM'],
  });
  expect(concretize(raw({ kind: k('mmap'), flags: 3, count: 2, task: 1 }), all, machine, snap)).toEqual({ op: 'mmap', task: 2, pages: 4, folioOrder: 1 });
});

test('hotplug ops pick present runs, offline runs and fresh pfns', () => {
  expect(concretize(raw({ kind: k('offline_pages'), target: 1, index: 1, count: 2 }), all, machine, snap)).toEqual({ op: 'offline_pages', startPfn: 10, pages: 4 });
  expect(concretize(raw({ kind: k('online_pages') }), all, machine, snap)).toEqual({ op: 'online_pages', nid: 0, startPfn: 16, pages: 4, type: 'online_movable' });
  expect(concretize(raw({ kind: k('online_pages'), alt: true, index: 1, count: 2, node: 1 }), all, machine, snap)).toEqual({
    op: 'online_pages', nid: 3, startPfn: 22, pages: 4, type: 'online_kernel',
  });
  expect(concretize(raw({ kind: k('cma_alloc'), count: 3 }), all, machine, snap)).toEqual({ op: 'cma_alloc', area: 0, count: 3 });
});

test('an op with no target is dropped, and a kind outside the swarm maps into it', () => {
  const empty = { ...snap, handles: [], vmas: [] };
  expect(concretize(raw({ kind: k('put_page') }), all, machine, empty)).toBeUndefined();
  expect(concretize(raw({ kind: k('touch') }), all, machine, empty)).toBeUndefined();
  expect(concretize(raw({ kind: 3 }), [0, 1], machine, snap)).toEqual({ op: 'free_pages', page: 'k1' });
});

test('every op kind has a weight', () => {
  for (const w of [KIND_WEIGHTS, PRIVATE_KIND_WEIGHTS]) {
    expect(w.length).toBe(OP_KINDS.length);
    expect(w.every((x) => x > 0)).toBe(true);
  }
});
