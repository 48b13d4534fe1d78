// Op sequences as plain data (DESIGN.md §10). A generated op names its targets by position — in the
// node list, the task list, the live handles, the VMAs, the present memory — resolved against the
// state right before it runs, so a shrunk sequence stays valid. A swarm mask (a random subset of op
// kinds per run) keeps rare paths reachable.
import fc from 'fast-check';
import { OP_NAMES } from '../model/api/index.js';
import type { Handle, MachineConfig, Op, OpName, Snapshot } from '../model/api/index.js';

/** Every op kind, in the API's order (KIND_WEIGHTS follows it). */
export const OP_KINDS: readonly OpName[] = OP_NAMES;

/** How often each kind is drawn (same order as OP_KINDS; a test checks the lengths agree). */
export const KIND_WEIGHTS: readonly number[] = [4, 2, 2, 2, 1, 3, 4, 2, 1, 1, 4, 3, 3, 2, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1];

/**
 * Weights for the private-node profiles: more policy, placement and ops changes, so folios reach a
 * private node (MPOL_F_PRIVATE faults, migrate_to) and then meet the NP_OPS rules on the way out.
 */
export const PRIVATE_KIND_WEIGHTS: readonly number[] = [3, 1, 1, 1, 1, 3, 5, 1, 1, 1, 4, 3, 2, 4, 3, 1, 3, 1, 2, 1, 1, 2, 2, 1];

/** Kinds every swarm mix keeps: the creators of kernel pages and of VMAs. */
const ALWAYS = [OP_KINDS.indexOf('alloc_pages'), OP_KINDS.indexOf('mmap'), OP_KINDS.indexOf('touch')];

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
  // private nodes (unknown names under mainline profiles)
  ['GFP_HIGHUSER_MOVABLE', 'GFP_PRIVATE'],
  ['GFP_KERNEL', 'GFP_PRIVATE'],
  ['GFP_HIGHUSER_MOVABLE', '__GFP_PRIVATE'],
];

/** gup_flags: the common ones, long-term pins, and every invalid-argument rule of gup.md §2.1. */
export const GUP_FLAG_CHOICES: readonly (readonly string[])[] = [
  [],
  ['FOLL_WRITE'],
  ['FOLL_LONGTERM'],
  ['FOLL_WRITE', 'FOLL_LONGTERM'],
  ['FOLL_LONGTERM'],
  ['FOLL_WRITE', 'FOLL_LONGTERM'],
  ['FOLL_LONGTERM'],
  ['FOLL_WRITE', 'FOLL_LONGTERM'],
  [],
  ['FOLL_NOFAULT'],
  ['FOLL_GET'],
  ['FOLL_PIN'],
  ['FOLL_ANON'],
  ['FOLL_LONGTERM', 'FOLL_PCI_P2PDMA'],
  ['FOLL_TOUCH'],
  ['FOLL_BOGUS'],
];

export const MODE_CHOICES: readonly string[] = [
  'MPOL_BIND',
  'MPOL_INTERLEAVE',
  'MPOL_PREFERRED',
  'MPOL_DEFAULT',
  'MPOL_LOCAL',
  'MPOL_BIND',
  'MPOL_INTERLEAVE',
  'MPOL_WEIGHTED_INTERLEAVE',
];

/** node_private_set_ops flag lists: valid driver sets and each -EINVAL rule of node_private_set_ops. */
export const NP_FLAG_CHOICES: readonly (readonly string[])[] = [
  ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'],
  ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY', 'NP_OPS_LONGTERM_PIN'],
  ['NP_OPS_LONGTERM_PIN'],
  [],
  ['NP_OPS_MIGRATION'],
  ['NP_OPS_MEMPOLICY'],
  ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY', 'NP_OPS_PROTECT_WRITE'],
  ['NP_OPS_NUMA_BALANCING'],
  ['NP_OPS_COMPACTION'],
  ['NP_OPS_BOGUS'],
];

export const NP_CALLBACK_CHOICES: readonly (readonly string[])[] = [
  ['migrate_to', 'folio_migrate'],
  ['migrate_to', 'folio_migrate'],
  ['migrate_to'],
  [],
  ['free_folio', 'handle_fault'],
  ['bogus_callback'],
];

export const MBIND_FLAG_CHOICES: readonly (readonly string[])[] = [
  ['MPOL_MF_MOVE'],
  [],
  ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'],
  ['MPOL_MF_STRICT'],
  ['MPOL_MF_MOVE_ALL'],
  ['MPOL_MF_BOGUS'],
];

/** `get_page times`: small counts, the 1024 pin bias, and the INT_MAX corner. */
export const TIMES_CHOICES: readonly number[] = [1, 1, 2, 1023, 1024, 2 ** 20, 2 ** 31 - 1, 2 ** 31 - 1];

export interface RawOp {
  readonly kind: number;
  readonly gfp: number;
  /** 0..4 clamped to maxOrder; 5 stands for maxOrder + 1 */
  readonly order: number;
  /** node position, or -1 for "the default" */
  readonly node: number;
  /** node positions, or null; position 3 stands for a node id that does not exist */
  readonly nodemask: readonly number[] | null;
  readonly task: number;
  /** position in the live handles / VMAs / memory runs the op needs */
  readonly target: number;
  readonly times: number;
  /** page index inside a VMA, or pageblock offset for hotplug */
  readonly index: number;
  /** pages for touch / GUP / mmap, pageblocks for hotplug, pages for cma_alloc */
  readonly count: number;
  /** gup_flags, mbind flags or folio order, by kind */
  readonly flags: number;
  readonly mode: number;
  /** the other form of a two-form op: get_page/query by VMA, online_kernel, … */
  readonly alt: boolean;
}

export interface OpSequence {
  /** which op kinds this run uses (indices into OP_KINDS); ALWAYS kinds are always in */
  readonly swarm: readonly number[];
  readonly ops: readonly RawOp[];
}

const rawOpArb = (weights: readonly number[]): fc.Arbitrary<RawOp> => fc.record({
  kind: fc.oneof(...weights.map((weight, k) => ({ weight, arbitrary: fc.constant(k) }))),
  gfp: fc.nat({ max: GFP_CHOICES.length - 1 }),
  order: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: 5 }) }),
  node: fc.oneof({ weight: 3, arbitrary: fc.constant(-1) }, { weight: 2, arbitrary: fc.nat({ max: 2 }) }),
  nodemask: fc.option(fc.uniqueArray(fc.nat({ max: 3 }), { minLength: 0, maxLength: 3 }), { freq: 3 }),
  task: fc.nat({ max: 1 }),
  target: fc.nat({ max: 15 }),
  times: fc.nat({ max: TIMES_CHOICES.length - 1 }),
  index: fc.oneof({ weight: 3, arbitrary: fc.nat({ max: 7 }) }, { weight: 1, arbitrary: fc.nat({ max: 20 }) }),
  count: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) }, { weight: 1, arbitrary: fc.nat({ max: 12 }) }),
  flags: fc.nat({ max: 15 }),
  mode: fc.nat({ max: MODE_CHOICES.length - 1 }),
  alt: fc.boolean(),
});

export function opSequenceArb(maxOps = 40, weights: readonly number[] = KIND_WEIGHTS): fc.Arbitrary<OpSequence> {
  const rawOp = rawOpArb(weights);
  return fc.record({
    swarm: fc
      .uniqueArray(fc.nat({ max: OP_KINDS.length - 1 }), { maxLength: OP_KINDS.length })
      .map((rest) => [...new Set([...ALWAYS, ...rest])].sort((a, b) => a - b)),
    ops: fc.array(rawOp, { maxLength: maxOps, size: 'max' }),
  });
}

/** Live handles by kind, in creation order. */
export interface LiveHandles {
  readonly all: readonly Handle[];
  readonly k: readonly Handle[];
  readonly g: readonly Handle[];
  readonly u: readonly Handle[];
  readonly c: readonly Handle[];
  /** k and get_page g handles: the ones that name a folio */
  readonly folios: readonly Handle[];
}

export function liveHandles(handles: readonly { readonly handle: Handle }[]): LiveHandles {
  const all = handles.map((h) => h.handle);
  const of = (p: string) => all.filter((h) => h.startsWith(p));
  return { all, k: of('k'), g: of('g'), u: of('u'), c: of('c'), folios: [...of('k'), ...of('g')] };
}

const pick = <T>(xs: readonly T[], i: number): T | undefined => (xs.length === 0 ? undefined : xs[i % xs.length]);

function cmaAreaCount(machine: MachineConfig): number {
  return machine.nodes.reduce((n, node) => n + (node.cma?.length ?? 0), 0);
}

/** Node ids for a list of positions; position 3 stands for a node that does not exist. */
function nodeIds(machine: MachineConfig, positions: readonly number[]): number[] {
  const nids = machine.nodes.map((n) => n.nid);
  const missing = Math.max(...nids) + 1;
  return [...new Set(positions.map((p) => (p >= 3 ? missing : (nids[p % nids.length] as number))))];
}

/** The first private node, if the machine has one: the `alt` form of node-taking ops aims at it. */
function privateNid(machine: MachineConfig): number | undefined {
  return machine.nodes.find((n) => n.private)?.nid;
}

/** The concrete op a generated op means in the current state, or undefined if it has no target. */
export function concretize(raw: RawOp, swarm: readonly number[], machine: MachineConfig, snap: Snapshot): Op | undefined {
  const kind = OP_KINDS[swarm.includes(raw.kind) ? raw.kind : (swarm[raw.kind % swarm.length] ?? 0)];
  const live = liveHandles(snap.handles);
  const nids = machine.nodes.map((n) => n.nid);
  const tids = (machine.tasks ?? [{ tid: 1 }]).map((t) => t.tid);
  const tid = pick(tids, raw.task) as number;
  const vma = snap.vmas.length === 0 ? undefined : snap.vmas[raw.target % snap.vmas.length];
  const pb = 2 ** machine.pageblockOrder;
  const priv = raw.alt ? privateNid(machine) : undefined;
  switch (kind) {
    case 'alloc_pages': {
      const nid = raw.node < 0 ? undefined : pick(nids, raw.node);
      const nodemask = raw.nodemask ? [...new Set(raw.nodemask.map((p) => nids[p % nids.length] as number))] : undefined;
      const task = tids.length > 1 ? tid : undefined;
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
      const times = TIMES_CHOICES[raw.times] ?? 1;
      const extra = times !== 1 ? { times } : {};
      if (raw.alt && vma) return { op: 'get_page', vma: vma.handle, index: raw.index % vma.pages, ...extra };
      const page = pick(live.folios, raw.target);
      return page ? { op: 'get_page', page, ...extra } : undefined;
    }
    case 'put_page': {
      const ref = pick(live.g, raw.target);
      return ref ? { op: 'put_page', ref } : undefined;
    }
    case 'query': {
      if (raw.alt && vma) return { op: 'query', vma: vma.handle, index: raw.index % vma.pages };
      const page = pick(live.folios, raw.target);
      return page ? { op: 'query', page } : undefined;
    }
    case 'mmap': {
      const folioOrder = raw.flags % 4 === 3 ? Math.min(machine.maxOrder, 1 + (raw.order % 2)) : 0;
      return { op: 'mmap', task: tid, pages: Math.max(1, raw.count) * 2 ** folioOrder, ...(folioOrder > 0 ? { folioOrder } : {}) };
    }
    case 'touch': {
      if (!vma) return undefined;
      // alt: a range that may run past the VMA (-EFAULT); otherwise a range inside it
      if (raw.alt) return { op: 'touch', vma: vma.handle, index: raw.index % (vma.pages + 1), count: Math.max(1, raw.count) };
      const index = raw.index % vma.pages;
      return { op: 'touch', vma: vma.handle, index, count: Math.min(Math.max(1, raw.count), vma.pages - index) };
    }
    case 'munmap':
      return vma ? { op: 'munmap', vma: vma.handle } : undefined;
    case 'get_user_pages':
    case 'get_user_pages_fast':
    case 'pin_user_pages':
    case 'pin_user_pages_fast':
      return vma
        ? {
            op: kind,
            vma: vma.handle,
            index: raw.index % (raw.alt ? vma.pages + 1 : vma.pages),
            nr: raw.count,
            gup_flags: GUP_FLAG_CHOICES[raw.flags % GUP_FLAG_CHOICES.length] ?? [],
          }
        : undefined;
    case 'unpin_user_pages': {
      const pin = pick(live.u, raw.target);
      return pin ? { op: 'unpin_user_pages', pin } : undefined;
    }
    case 'set_mempolicy': {
      const mode = MODE_CHOICES[raw.mode] ?? 'MPOL_DEFAULT';
      const nodes = priv !== undefined ? [priv] : raw.nodemask ? nodeIds(machine, raw.nodemask) : undefined;
      return { op: 'set_mempolicy', task: tid, mode, ...(nodes ? { nodes } : {}) };
    }
    case 'mbind': {
      if (!vma) return undefined;
      const mode = MODE_CHOICES[raw.mode] ?? 'MPOL_DEFAULT';
      const nodes = priv !== undefined ? [priv] : raw.nodemask ? nodeIds(machine, raw.nodemask) : undefined;
      const flags = MBIND_FLAG_CHOICES[raw.flags % MBIND_FLAG_CHOICES.length] ?? [];
      return { op: 'mbind', vma: vma.handle, mode, ...(nodes ? { nodes } : {}), ...(flags.length > 0 ? { flags } : {}) };
    }
    case 'set_cpuset_mems':
      return { op: 'set_cpuset_mems', task: tid, nodes: nodeIds(machine, raw.nodemask ?? [raw.target % 3]) };
    case 'move_pages':
      return vma
        ? {
            op: 'move_pages',
            vma: vma.handle,
            index: raw.index % (vma.pages + 1),
            node: priv ?? (raw.node < 0 ? (nodeIds(machine, [3])[0] ?? 0) : (pick(nids, raw.node) as number)),
          }
        : undefined;
    case 'online_pages': {
      // bring back an offline run, or add fresh memory above everything present
      const off = pick(snap.offline, raw.target);
      const top = Math.max(0, ...snap.memory.map((m) => m.pfn + m.nrPages), ...snap.offline.map((m) => m.pfn + m.nrPages));
      const fresh = Math.ceil(top / pb) * pb + (raw.index % 3) * pb;
      const [startPfn, pages] = off && !raw.alt ? [off.pfn, off.nrPages] : [fresh, Math.max(1, raw.count) * pb];
      return { op: 'online_pages', nid: pick(nids, raw.node < 0 ? 0 : raw.node) as number, startPfn, pages, type: raw.alt ? 'online_kernel' : 'online_movable' };
    }
    case 'offline_pages': {
      const run = pick(snap.memory, raw.target);
      if (!run) return undefined;
      const blocks = run.nrPages / pb;
      const first = raw.index % blocks;
      const n = Math.min(blocks - first, Math.max(1, raw.count));
      // alt: a range that is not pageblock-aligned (-EINVAL) when pageblocks are larger than a page
      const misalign = raw.alt && raw.flags === 0 && pb > 1 ? 1 : 0;
      return { op: 'offline_pages', startPfn: run.pfn + first * pb + misalign, pages: n * pb };
    }
    case 'cma_alloc': {
      const areas = cmaAreaCount(machine);
      return areas === 0 ? undefined : { op: 'cma_alloc', area: raw.target % areas, count: raw.alt ? Math.max(1, raw.count) * pb : Math.max(1, raw.count) };
    }
    case 'cma_release': {
      const cma = pick(live.c, raw.target);
      return cma ? { op: 'cma_release', cma } : undefined;
    }
    case 'node_private_set_ops':
      return {
        op: 'node_private_set_ops',
        nid: priv ?? (pick(nids, raw.node < 0 ? raw.target : raw.node) as number),
        flags: NP_FLAG_CHOICES[raw.flags % NP_FLAG_CHOICES.length] ?? [],
        callbacks: NP_CALLBACK_CHOICES[raw.mode % NP_CALLBACK_CHOICES.length] ?? [],
      };
    case 'node_private_clear_ops':
      return { op: 'node_private_clear_ops', nid: priv ?? (pick(nids, raw.node < 0 ? raw.target : raw.node) as number) };
    case 'read_sysfs':
      return { op: 'read_sysfs', attr: raw.alt ? 'has_private_memory' : raw.flags === 15 ? 'has_cpu' : 'has_memory' };
    default:
      return undefined;
  }
}
