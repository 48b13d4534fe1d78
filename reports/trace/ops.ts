// Validation of the `ops` array: one entry per op kind, listing its fields and how each is read,
// plus OP_RULES for the few rules across fields. Only static rules live here: what depends on the
// state when the op runs (a dead handle, a mode name, an unaligned range) is a runtime result.
// A new op adds one entry to OP_FIELDS; the `satisfies` clause makes the compiler ask for it as
// soon as the Op union grows.
import { OP_NAMES } from '../../model/api/index.js';
import type { MachineConfig, Op, OpName } from '../../model/api/index.js';
import { MACHINE_LIMITS, nidSet, tidSet } from './machine.js';
import {
  describe,
  fail,
  has,
  isObject,
  joinIndex,
  joinKey,
  readArray,
  readExistingNid,
  readInt,
  readNidList,
  readObject,
  readString,
  readStringList,
  required,
  type Obj,
} from './json-path.js';

/** What a field reader may look at besides the value: the (validated) machine. */
export interface OpContext {
  readonly machine: MachineConfig;
  readonly nids: ReadonlySet<number>;
  readonly tids: ReadonlySet<number>;
}

/** Reads one field value (already known to be present) or throws Reject at `path`. */
export type FieldReader = (value: unknown, path: string, ctx: OpContext) => unknown;

export interface FieldSpec {
  readonly read: FieldReader;
  readonly optional?: boolean;
}

export type OpFields = Readonly<Record<string, FieldSpec>>;

// ---- field readers ------------------------------------------------------------------------------

const INT_MAX = 2147483647;

/** gfp names are not checked here: an unknown name is a runtime -EINVAL (DESIGN.md §3). */
export const gfpList: FieldReader = (v, path) => readStringList(v, path);
export const nonNegativeInt: FieldReader = (v, path) => readInt(v, path, 0, Number.MAX_SAFE_INTEGER);
export const intIn = (min: number, max: number): FieldReader => (v, path) => readInt(v, path, min, max);
/** FOLL_* and MPOL_MF_* names are not checked here either: unknown ones are runtime results. */
export const stringList: FieldReader = (v, path) => readStringList(v, path);
export const stringField: FieldReader = (v, path) => readString(v, path);
export const existingNid: FieldReader = (v, path, ctx) => readExistingNid(v, path, ctx.nids);
export const nidList: FieldReader = (v, path, ctx) => readNidList(v, path, ctx.nids, false);
export const existingTid: FieldReader = (v, path, ctx) => {
  const tid = readInt(v, path, 1, Number.MAX_SAFE_INTEGER);
  if (!ctx.tids.has(tid)) fail(path, `no task with tid ${tid} (tasks: ${[...ctx.tids].join(', ')})`);
  return tid;
};

/**
 * A handle of one of the given kinds (`k`, `g`, …). Only the spelling is checked: a handle that is
 * not live when the op runs is a runtime result (-EBADF), not an invalid trace.
 */
export function handle(prefixes: string): FieldReader {
  const re = new RegExp(`^[${prefixes}][1-9]\\d*$`);
  const kinds = [...prefixes].map((p) => `${p}1`).join(', ');
  const what = prefixes.length === 1 ? `a ${prefixes}-handle (${kinds}, …)` : `a handle like ${kinds}`;
  return (v, path) => {
    const s = readString(v, path);
    if (!re.test(s)) fail(path, `expected ${what}, got ${describe(s)}`);
    return s;
  };
}

/** `nodes` of a policy or cpuset: unique node ids 0..1023; whether they exist is a runtime rule. */
export const nodeIdList: FieldReader = (v, path) => {
  const list = readArray(v, path, 'an array of node ids');
  const seen = new Set<number>();
  return list.map((x, i) => {
    const at = joinIndex(path, i);
    const nid = readInt(x, at, 0, MACHINE_LIMITS.maxNid);
    if (seen.has(nid)) fail(at, `duplicate nid ${nid}`);
    seen.add(nid);
    return nid;
  });
};

/** One of a fixed set of strings. */
export function oneOf(choices: readonly string[]): FieldReader {
  const what = choices.length === 2 ? `"${choices[0]}" or "${choices[1]}"` : `one of ${choices.map((c) => `"${c}"`).join(', ')}`;
  return (v, path) => {
    if (typeof v !== 'string' || !choices.includes(v)) fail(path, `expected ${what}, got ${describe(v)}`);
    return v;
  };
}

/** The machine's CMA areas in their global numbering (model/api/config.ts): node order, then list order. */
export function cmaAreas(machine: MachineConfig): { readonly nid: number; readonly start: number; readonly pages: number }[] {
  return machine.nodes.flatMap((n) => (n.cma ?? []).map(([start, pages]) => ({ nid: n.nid, start, pages })));
}

/** `area` of cma_alloc: a CMA area number the machine has. */
export const cmaArea: FieldReader = (v, path, ctx) => {
  const areas = cmaAreas(ctx.machine);
  const area = readInt(v, path, 0, Number.MAX_SAFE_INTEGER);
  if (area >= areas.length) {
    const shown = areas.slice(0, 8).map((a, i) => `${i} = [${a.start}, ${a.start + a.pages}) on node ${a.nid}`);
    const list = areas.length > 8 ? `${shown.join('; ')}; … ${areas.length - 8} more` : shown.join('; ');
    fail(path, areas.length === 0 ? `no CMA area ${area}: the machine has no CMA areas` : `no CMA area ${area} (areas: ${list})`);
  }
  return area;
};

// ---- the table ----------------------------------------------------------------------------------

/** GUP, touch and mmap sizes: at most 2^20 pages per call (a model limit, not the kernel's). */
export const MAX_PAGES_PER_CALL = 2 ** 20;
const pageCount = intIn(0, MAX_PAGES_PER_CALL);
const pfnField = intIn(0, MACHINE_LIMITS.pfnEnd);
const vmaHandle = handle('v');
const gupFields = {
  vma: { read: vmaHandle },
  index: { read: nonNegativeInt },
  nr: { read: pageCount },
  gup_flags: { read: stringList },
} as const;

/** Fields of every op kind, in the order they are checked (and printed). */
export const OP_FIELDS = {
  alloc_pages: {
    gfp: { read: gfpList },
    order: { read: nonNegativeInt },
    nid: { read: existingNid, optional: true },
    nodemask: { read: nidList, optional: true },
    task: { read: existingTid, optional: true },
  },
  free_pages: {
    page: { read: handle('k') },
  },
  get_page: {
    page: { read: handle('kg'), optional: true },
    vma: { read: vmaHandle, optional: true },
    index: { read: nonNegativeInt, optional: true },
    times: { read: intIn(1, INT_MAX), optional: true },
  },
  put_page: {
    ref: { read: handle('g') },
  },
  query: {
    page: { read: handle('kg'), optional: true },
    vma: { read: vmaHandle, optional: true },
    index: { read: nonNegativeInt, optional: true },
  },
  mmap: {
    task: { read: existingTid },
    pages: { read: pageCount },
    folioOrder: { read: intIn(0, MACHINE_LIMITS.maxOrder), optional: true },
  },
  touch: {
    vma: { read: vmaHandle },
    index: { read: nonNegativeInt },
    count: { read: pageCount, optional: true },
  },
  munmap: {
    vma: { read: vmaHandle },
  },
  get_user_pages: gupFields,
  get_user_pages_fast: gupFields,
  pin_user_pages: gupFields,
  pin_user_pages_fast: gupFields,
  unpin_user_pages: {
    pin: { read: handle('u') },
  },
  set_mempolicy: {
    task: { read: existingTid },
    /** mode names are a runtime rule (-EINVAL) */
    mode: { read: stringField },
    nodes: { read: nodeIdList, optional: true },
  },
  mbind: {
    vma: { read: vmaHandle },
    mode: { read: stringField },
    nodes: { read: nodeIdList, optional: true },
    flags: { read: stringList, optional: true },
  },
  set_cpuset_mems: {
    task: { read: existingTid },
    nodes: { read: nodeIdList },
  },
  move_pages: {
    vma: { read: vmaHandle },
    index: { read: nonNegativeInt },
    node: { read: intIn(0, MACHINE_LIMITS.maxNid) },
  },
  online_pages: {
    nid: { read: intIn(0, MACHINE_LIMITS.maxNid) },
    startPfn: { read: pfnField },
    pages: { read: pfnField },
    type: { read: oneOf(['online_movable', 'online_kernel']) },
  },
  offline_pages: {
    startPfn: { read: pfnField },
    pages: { read: pfnField },
  },
  cma_alloc: {
    area: { read: cmaArea },
    count: { read: intIn(0, MACHINE_LIMITS.totalPages) },
  },
  cma_release: {
    cma: { read: handle('c') },
  },
  /** NP_OPS_* and callback names are runtime rules (-EINVAL), like gfp names; a nid not configured too */
  node_private_set_ops: {
    nid: { read: intIn(0, MACHINE_LIMITS.maxNid) },
    flags: { read: stringList },
    callbacks: { read: stringList },
  },
  node_private_clear_ops: {
    nid: { read: intIn(0, MACHINE_LIMITS.maxNid) },
  },
  /** attribute names are a runtime rule (-ENOENT: no such file) */
  read_sysfs: {
    attr: { read: stringField },
  },
} as const satisfies Record<OpName, OpFields>;

/** A rule across the fields of one op, checked once every field has been read. */
export type OpRule = (op: Obj, path: string) => void;

/** `page`, or `vma` and `index`: exactly one way of naming a folio (get_page, query). */
const folioTarget: OpRule = (o, path) => {
  const either = 'name the folio by page, or by vma and index';
  if (has(o, 'page')) {
    for (const k of ['vma', 'index']) if (has(o, k)) fail(joinKey(path, k), `not allowed with page (${either})`);
    return;
  }
  if (has(o, 'vma') && !has(o, 'index')) fail(joinKey(path, 'index'), `required with vma (${either})`);
  if (has(o, 'index') && !has(o, 'vma')) fail(joinKey(path, 'vma'), `required with index (${either})`);
  if (!has(o, 'vma')) fail(path, `missing page, or vma and index (${either})`);
};

/** startPfn + pages stays within the model's pfn space (online_pages, offline_pages). */
const pfnRangeEnd: OpRule = (o, path) => {
  const end = (o.startPfn as number) + (o.pages as number);
  if (end > MACHINE_LIMITS.pfnEnd) fail(joinKey(path, 'pages'), `the range [${String(o.startPfn)}, ${end}) ends beyond pfn 2^31`);
};

export const OP_RULES: Readonly<Partial<Record<OpName, OpRule>>> = {
  get_page: folioTarget,
  query: folioTarget,
  online_pages: pfnRangeEnd,
  offline_pages: pfnRangeEnd,
};

const FIELDS: Readonly<Record<string, OpFields>> = OP_FIELDS;

export function opContext(machine: MachineConfig): OpContext {
  return { machine, nids: nidSet(machine), tids: tidSet(machine) };
}

/** One op; throws Reject. The result holds exactly the validated fields, `op` first. */
export function readOp(v: unknown, path: string, ctx: OpContext): Op {
  if (!isObject(v)) fail(path, `expected an op object, got ${describe(v)}`);
  const name = readString(required(v, path, 'op'), joinKey(path, 'op'));
  const fields = FIELDS[name];
  if (!fields || !(OP_NAMES as readonly string[]).includes(name)) {
    fail(joinKey(path, 'op'), `unknown op '${name}' (expected ${OP_NAMES.join(', ')})`);
  }
  readObject(v, path, ['op', ...Object.keys(fields)], name);
  const out: Record<string, unknown> = { op: name };
  for (const [key, spec] of Object.entries(fields)) {
    if (!has(v, key)) {
      if (spec.optional) continue;
      required(v, path, key);
    }
    out[key] = spec.read(v[key], joinKey(path, key), ctx);
  }
  OP_RULES[name as OpName]?.(out, path);
  return out as unknown as Op;
}

export function readOps(v: unknown, path: string, machine: MachineConfig): Op[] {
  const ctx = opContext(machine);
  return readArray(v, path, 'an array of ops').map((raw, i) => readOp(raw, joinIndex(path, i), ctx));
}
