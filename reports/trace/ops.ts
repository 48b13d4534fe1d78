// Validation of the `ops` array: one entry per op kind, listing its fields and how each is read.
// A new op (GUP, mempolicy, hotplug, private nodes) adds one entry to OP_FIELDS; the `satisfies`
// clause makes the compiler ask for it as soon as the Op union grows.
import { OP_NAMES } from '../../model/api/index.js';
import type { MachineConfig, Op, OpName } from '../../model/api/index.js';
import { nidSet, tidSet } from './machine.js';
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

// ---- the table ----------------------------------------------------------------------------------

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
    page: { read: handle('kg') },
    times: { read: intIn(1, INT_MAX), optional: true },
  },
  put_page: {
    ref: { read: handle('g') },
  },
  query: {
    page: { read: handle('kg') },
  },
} as const satisfies Record<OpName, OpFields>;

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
  return out as unknown as Op;
}

export function readOps(v: unknown, path: string, machine: MachineConfig): Op[] {
  const ctx = opContext(machine);
  return readArray(v, path, 'an array of ops').map((raw, i) => readOp(raw, joinIndex(path, i), ctx));
}
