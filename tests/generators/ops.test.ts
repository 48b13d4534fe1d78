// Generated ops resolve their targets by position in the live state.
import { expect, test } from 'vitest';
import { concretize, liveHandles, type RawOp } from '../../generators/ops.js';
import type { MachineConfig } from '../../model/api/index.js';

const machine: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
    { nid: 3, zones: { ZONE_NORMAL: [8, 8] } },
  ],
  tasks: [{ tid: 1, nid: 0 }, { tid: 2, nid: 3 }],
};
const raw = (over: Partial<RawOp>): RawOp => ({ kind: 0, gfp: 0, order: 0, node: -1, nodemask: null, task: 0, target: 0, times: 0, ...over });
const live = liveHandles([{ handle: 'k1' }, { handle: 'g1' }, { handle: 'k3' }]);
const all = [0, 1, 2, 3, 4];

test('alloc_pages resolves node, nodemask and task positions', () => {
  expect(concretize(raw({ node: 1, nodemask: [1, 3], task: 1, order: 5 }), all, machine, live)).toEqual({
    op: 'alloc_pages',
    gfp: ['GFP_KERNEL'],
    order: 3,
    nid: 3,
    nodemask: [3],
    task: 2,
  });
});

test('raw orders below 5 are clamped to maxOrder', () => {
  expect(concretize(raw({ order: 4 }), all, machine, live)).toMatchObject({ order: 2 });
});

test('handle targets wrap around the live set of the right kind', () => {
  expect(concretize(raw({ kind: 1, target: 3 }), all, machine, live)).toEqual({ op: 'free_pages', page: 'k3' });
  expect(concretize(raw({ kind: 2, target: 1, times: 5 }), all, machine, live)).toEqual({ op: 'get_page', page: 'g1', times: 1024 });
  expect(concretize(raw({ kind: 3, target: 7 }), all, machine, live)).toEqual({ op: 'put_page', ref: 'g1' });
  expect(concretize(raw({ kind: 4, target: 2 }), all, machine, live)).toEqual({ op: 'query', page: 'k3' });
});

test('an op with no live target is dropped, and a kind outside the swarm maps into it', () => {
  expect(concretize(raw({ kind: 3 }), all, machine, liveHandles([]))).toBeUndefined();
  expect(concretize(raw({ kind: 3, target: 0 }), [0, 1], machine, live)).toEqual({ op: 'free_pages', page: 'k1' });
});
