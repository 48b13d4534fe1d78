// Op sequences as plain data (DESIGN.md §10). A generated op names its targets by position — in the
// node list, the task list, the set of live handles — resolved when it runs, so a shrunk sequence
// stays valid. A swarm mask (a random subset of op kinds per run) keeps rare paths reachable.
import fc from 'fast-check';
import type { Handle, MachineConfig, Op, OpName } from '../model/api/index.js';

export const OP_KINDS: readonly OpName[] = ['alloc_pages', 'free_pages', 'get_page', 'put_page', 'query'];

/** gfp lists kernel code really uses, plus corner cases (invalid zone combos, unknown names). */
export const GFP_CHOICES: readonly (readonly string[])[] = [
  ['GFP_KERNEL'],
  ['GFP_USER'],
  ['GFP_HIGHUSER'],
  ['GFP_HIGHUSER_MOVABLE'],
  ['GFP_HIGHUSER_MOVABLE'],
  ['GFP_KERNEL', '__GFP_MOVABLE'],
  ['GFP_KERNEL', '__GFP_RECLAIMABLE'],
  ['GFP_KERNEL', '__GFP_THISNODE'],
  ['GFP_HIGHUSER_MOVABLE', '__GFP_THISNODE'],
  ['GFP_USER', '__GFP_MOVABLE'],
  ['GFP_DMA'],
  ['GFP_DMA32'],
  ['GFP_KERNEL', '__GFP_DMA32', '__GFP_MOVABLE'],
  ['GFP_ATOMIC'],
  ['GFP_NOWAIT', '__GFP_COMP'],
  ['GFP_TRANSHUGE'],
  ['GFP_TRANSHUGE_LIGHT', '__GFP_THISNODE'],
  ['GFP_KERNEL', '__GFP_DMA', '__GFP_HIGHMEM'],
  ['GFP_KERNEL', '__GFP_MOVABLE', '__GFP_RECLAIMABLE'],
  ['GFP_KERNEL', '__GFP_BOGUS'],
];

/** `get_page times`: small counts, the 1024 pin bias, and the INT_MAX corner. */
export const TIMES_CHOICES: readonly number[] = [1, 1, 1, 2, 1023, 1024, 2 ** 20, 2 ** 31 - 1];

export interface RawOp {
  readonly kind: number;
  readonly gfp: number;
  readonly order: number;
  /** node position for `nid`, or -1 for the task's default */
  readonly node: number;
  /** node positions for `nodemask`, or null */
  readonly nodemask: readonly number[] | null;
  readonly task: number;
  /** position in the live-handle set */
  readonly target: number;
  readonly times: number;
}

export interface OpSequence {
  /** which op kinds this run uses (indices into OP_KINDS); alloc_pages (0) creates every handle, so it is always in */
  readonly swarm: readonly number[];
  readonly ops: readonly RawOp[];
}

const KIND_WEIGHTS = [5, 3, 1, 1, 1];

const rawOp: fc.Arbitrary<RawOp> = fc.record({
  kind: fc.oneof(...KIND_WEIGHTS.map((weight, k) => ({ weight, arbitrary: fc.constant(k) }))),
  gfp: fc.nat({ max: GFP_CHOICES.length - 1 }),
  order: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: 5 }) }),
  node: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat({ max: 2 }) }),
  nodemask: fc.option(fc.uniqueArray(fc.nat({ max: 2 }), { minLength: 0, maxLength: 3 }), { freq: 5 }),
  task: fc.nat({ max: 1 }),
  target: fc.nat({ max: 15 }),
  times: fc.nat({ max: TIMES_CHOICES.length - 1 }),
});

export function opSequenceArb(maxOps = 40): fc.Arbitrary<OpSequence> {
  return fc.record({
    swarm: fc.uniqueArray(fc.integer({ min: 1, max: OP_KINDS.length - 1 }), { maxLength: OP_KINDS.length - 1 }).map((rest) => [0, ...rest]),
    ops: fc.array(rawOp, { maxLength: maxOps, size: 'max' }),
  });
}

/** Live handles by kind, in creation order (from the snapshot's `handles`). */
export interface LiveHandles {
  readonly k: readonly Handle[];
  readonly all: readonly Handle[];
  readonly g: readonly Handle[];
}

export function liveHandles(handles: readonly { readonly handle: Handle }[]): LiveHandles {
  const all = handles.map((h) => h.handle);
  return { all, k: all.filter((h) => h.startsWith('k')), g: all.filter((h) => h.startsWith('g')) };
}

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

/** The concrete op a generated op means in the current state, or undefined if it has no target. */
export function concretize(raw: RawOp, swarm: readonly number[], machine: MachineConfig, live: LiveHandles): Op | undefined {
  const kind = OP_KINDS[swarm.includes(raw.kind) ? raw.kind : (swarm[raw.kind % swarm.length] ?? 0)];
  const nids = machine.nodes.map((n) => n.nid);
  const tids = (machine.tasks ?? [{ tid: 1 }]).map((t) => t.tid);
  switch (kind) {
    case 'alloc_pages': {
      const nid = raw.node < 0 ? undefined : pick(nids, raw.node);
      const nodemask = raw.nodemask ? [...new Set(raw.nodemask.map((p) => nids[p % nids.length] as number))] : undefined;
      const task = tids.length > 1 ? pick(tids, raw.task) : undefined;
      return {
        op: 'alloc_pages',
        gfp: GFP_CHOICES[raw.gfp] ?? ['GFP_KERNEL'],
        // raw order 5 stands for "one above maxOrder" (-EINVAL); the others are clamped into range
        order: raw.order === 5 ? machine.maxOrder + 1 : Math.min(raw.order, machine.maxOrder),
        ...(nid !== undefined ? { nid } : {}),
        ...(nodemask ? { nodemask } : {}),
        ...(task !== undefined ? { task } : {}),
      };
    }
    case 'free_pages': {
      const page = pick(live.k, raw.target);
      return page ? { op: 'free_pages', page } : undefined;
    }
    case 'get_page': {
      const page = pick(live.all, raw.target);
      const times = TIMES_CHOICES[raw.times] ?? 1;
      return page ? { op: 'get_page', page, ...(times !== 1 ? { times } : {}) } : undefined;
    }
    case 'put_page': {
      const ref = pick(live.g, raw.target);
      return ref ? { op: 'put_page', ref } : undefined;
    }
    case 'query': {
      const page = pick(live.all, raw.target);
      return page ? { op: 'query', page } : undefined;
    }
    default:
      return undefined;
  }
}
