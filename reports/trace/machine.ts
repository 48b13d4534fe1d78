// Validation of a MachineConfig (DESIGN.md §2, docs/MODEL.md "Machine and initial state").
// Each rule names the JSON path of the value that breaks it.
import { LOCAL_DISTANCE, ZONE_NAMES } from '../../model/api/index.js';
import type { MachineConfig, NodeConfig, PfnRange, Profile, ProfileName, TaskConfig, ZoneName } from '../../model/api/index.js';
import { PROFILES } from '../../model/profiles.js';
import {
  Reject,
  describe,
  fail,
  has,
  joinIndex,
  joinKey,
  readArray,
  readExistingNid,
  readInt,
  readNidList,
  readObject,
  readStringList,
  required,
  type Invalid,
} from './json-path.js';
import { CALLBACK_NAMES, NP_OPS_NAMES, npOpsRuleViolation } from './private.js';

/** Limits of the model (not the kernel): small enough to build, large enough for 64 GiB. */
export const MACHINE_LIMITS = {
  maxOrder: 12,
  maxNid: 1023,
  /** every zone ends at or below this pfn */
  pfnEnd: 2 ** 31,
  /** total pages of all zones */
  totalPages: 2 ** 26,
  minRemoteDistance: 11,
  maxDistance: 254,
} as const;

export type MachineResult = { readonly ok: true; readonly machine: MachineConfig } | Invalid;

/**
 * Check an untrusted value (parsed JSON or a generated object) against every machine rule.
 * Returns a fresh MachineConfig holding only the validated fields; never throws.
 * `at` is the JSON path of the machine inside its document (`machine` in a trace).
 */
export function validateMachine(value: unknown, profile: ProfileName | Profile, at = 'machine'): MachineResult {
  const p = typeof profile === 'string' ? PROFILES[profile] : profile;
  if (!p) return { ok: false, path: 'profile', message: `unknown profile ${describe(profile)}` };
  try {
    return { ok: true, machine: readMachine(value, at, p) };
  } catch (e) {
    if (e instanceof Reject) return e.invalid();
    throw e;
  }
}

/** The node ids a machine declares (for op and task checks). */
export function nidSet(machine: MachineConfig): Set<number> {
  return new Set(machine.nodes.map((n) => n.nid));
}

/** The task ids a machine declares, with the default single task 1. */
export function tidSet(machine: MachineConfig): Set<number> {
  return new Set(machine.tasks ? machine.tasks.map((t) => t.tid) : [1]);
}

interface PlacedRange {
  readonly nid: number;
  readonly zone: ZoneName;
  readonly start: number;
  readonly end: number;
}

const showRange = (start: number, end: number) => `[${start}, ${end})`;

/** Throws Reject. */
export function readMachine(v: unknown, path: string, profile: Profile): MachineConfig {
  const m = readObject(v, path, ['maxOrder', 'pageblockOrder', 'nodes', 'distance', 'tasks'], 'a machine object');
  const maxOrder = readInt(required(m, path, 'maxOrder'), joinKey(path, 'maxOrder'), 0, MACHINE_LIMITS.maxOrder);
  const pageblockOrder = readInt(required(m, path, 'pageblockOrder'), joinKey(path, 'pageblockOrder'), 0, maxOrder);
  const ctx: MachineContext = { pageblockOrder, placed: [], totalPages: 0 };

  const nodesPath = joinKey(path, 'nodes');
  const rawNodes = readArray(required(m, path, 'nodes'), nodesPath, 'a non-empty array of nodes', true);
  const nodes: NodeConfig[] = [];
  const nidAt = new Map<number, number>();
  rawNodes.forEach((raw, i) => {
    const node = readNode(raw, joinIndex(nodesPath, i), ctx, profile);
    const other = nidAt.get(node.nid);
    if (other !== undefined) fail(joinKey(joinIndex(nodesPath, i), 'nid'), `duplicate nid ${node.nid} (also nodes[${other}])`);
    nidAt.set(node.nid, i);
    nodes.push(node);
  });
  const nids = new Set(nidAt.keys());

  const out: { -readonly [K in keyof MachineConfig]: MachineConfig[K] } = { maxOrder, pageblockOrder, nodes };
  if (has(m, 'distance')) out.distance = readDistance(m.distance, joinKey(path, 'distance'), nodes.length);
  if (has(m, 'tasks')) out.tasks = readTasks(m.tasks, joinKey(path, 'tasks'), nids);
  return out;
}

interface MachineContext {
  readonly pageblockOrder: number;
  /** zones validated so far, in config order (for the overlap rule) */
  readonly placed: PlacedRange[];
  totalPages: number;
}

function readNode(v: unknown, path: string, ctx: MachineContext, profile: Profile): NodeConfig {
  const n = readObject(v, path, ['nid', 'zones', 'cma', 'private'], 'a node object');
  const nid = readInt(required(n, path, 'nid'), joinKey(path, 'nid'), 0, MACHINE_LIMITS.maxNid);

  const zonesPath = joinKey(path, 'zones');
  const rawZones = readObject(required(n, path, 'zones'), zonesPath, ZONE_NAMES, 'a zones object');
  const zones: Partial<Record<ZoneName, PfnRange>> = {};
  for (const key of Object.keys(rawZones)) {
    const zonePath = joinKey(zonesPath, key);
    const zone = key as ZoneName;
    const range = readRange(rawZones[key], zonePath, ctx.pageblockOrder);
    const [start, nr] = range;
    if (start + nr > MACHINE_LIMITS.pfnEnd) fail(zonePath, `ends at pfn ${start + nr}, beyond 2^31`);
    for (const p of ctx.placed) {
      if (start < p.end && p.start < start + nr) {
        fail(zonePath, `overlaps node ${p.nid} ${p.zone} ${showRange(p.start, p.end)}`);
      }
    }
    ctx.totalPages += nr;
    if (ctx.totalPages > MACHINE_LIMITS.totalPages) {
      fail(zonePath, `the machine would have ${ctx.totalPages} pages, more than 2^26 (${MACHINE_LIMITS.totalPages})`);
    }
    ctx.placed.push({ nid, zone, start, end: start + nr });
    zones[zone] = range;
  }

  const node: { -readonly [K in keyof NodeConfig]: NodeConfig[K] } = { nid, zones };
  if (has(n, 'cma')) node.cma = readCma(n.cma, joinKey(path, 'cma'), nid, zones, ctx.pageblockOrder);
  if (has(n, 'private')) {
    const privPath = joinKey(path, 'private');
    if (profile.privateNodes === null) fail(privPath, `profile ${profile.name} does not allow private nodes`);
    const p = readObject(n.private, privPath, ['flags', 'callbacks'], 'a private-node object');
    const flagsPath = joinKey(privPath, 'flags');
    const flags = readNameList(required(p, privPath, 'flags'), flagsPath, NP_OPS_NAMES, 'NP_OPS flag');
    const callbacks = readNameList(required(p, privPath, 'callbacks'), joinKey(privPath, 'callbacks'), CALLBACK_NAMES, 'node_private_ops callback');
    const broken = npOpsRuleViolation(flags, callbacks);
    if (broken) fail(flagsPath, `${broken} (node_private_set_ops would return -EINVAL)`);
    node.private = { flags, callbacks };
  }
  return node;
}

/** A list of known names without duplicates (NP_OPS flags, callbacks), kept in the order given. */
function readNameList(v: unknown, path: string, known: readonly string[], what: string): string[] {
  const list = readStringList(v, path);
  list.forEach((name, i) => {
    const at = joinIndex(path, i);
    if (!known.includes(name)) fail(at, `unknown ${what} '${name}' (expected ${known.join(', ')})`);
    const first = list.indexOf(name);
    if (first !== i) fail(at, `duplicate ${what} ${name} (also [${first}])`);
  });
  return list;
}

/** [startPfn, nrPages], both pageblock-aligned, nrPages > 0. */
function readRange(v: unknown, path: string, pageblockOrder: number): PfnRange {
  if (!Array.isArray(v) || v.length !== 2) fail(path, `expected [startPfn, nrPages], got ${describe(v)}`);
  const start = readInt(v[0], joinIndex(path, 0), 0, Number.MAX_SAFE_INTEGER);
  const nr = readInt(v[1], joinIndex(path, 1), 1, Number.MAX_SAFE_INTEGER);
  const pb = 2 ** pageblockOrder;
  const aligned = (x: number, i: number) => {
    if (x % pb !== 0) fail(joinIndex(path, i), `${x} is not pageblock-aligned (pageblockOrder ${pageblockOrder}: a multiple of ${pb})`);
  };
  aligned(start, 0);
  aligned(nr, 1);
  return [start, nr];
}

function readCma(
  v: unknown,
  path: string,
  nid: number,
  zones: Partial<Record<ZoneName, PfnRange>>,
  pageblockOrder: number,
): PfnRange[] {
  const list = readArray(v, path, 'an array of [startPfn, nrPages] CMA areas');
  const out: PfnRange[] = [];
  list.forEach((raw, i) => {
    const at = joinIndex(path, i);
    const range = readRange(raw, at, pageblockOrder);
    const [start, nr] = range;
    const end = start + nr;
    const home = Object.values(zones).find(([zs, zn]) => start >= zs && end <= zs + zn);
    if (!home) fail(at, `${showRange(start, end)} is not inside one zone of node ${nid}`);
    out.forEach(([os, on], j) => {
      if (start < os + on && os < end) fail(at, `overlaps cma[${j}] ${showRange(os, os + on)}`);
    });
    out.push(range);
  });
  return out;
}

function readDistance(v: unknown, path: string, n: number): number[][] {
  const rows = readArray(v, path, `an array of ${n} rows (one per node)`);
  if (rows.length !== n) fail(path, `expected ${n} rows (one per node), got ${rows.length}`);
  return rows.map((raw, i) => {
    const rowPath = joinIndex(path, i);
    const row = readArray(raw, rowPath, `an array of ${n} distances`);
    if (row.length !== n) fail(rowPath, `expected ${n} distances (one per node), got ${row.length}`);
    return row.map((d, j) => {
      const at = joinIndex(rowPath, j);
      if (i === j) {
        if (d !== LOCAL_DISTANCE) fail(at, `expected the local distance ${LOCAL_DISTANCE}, got ${describe(d)}`);
        return LOCAL_DISTANCE;
      }
      return readInt(d, at, MACHINE_LIMITS.minRemoteDistance, MACHINE_LIMITS.maxDistance);
    });
  });
}

function readTasks(v: unknown, path: string, nids: ReadonlySet<number>): TaskConfig[] {
  const list = readArray(v, path, 'a non-empty array of tasks', true);
  const tidAt = new Map<number, number>();
  return list.map((raw, i) => {
    const at = joinIndex(path, i);
    const t = readObject(raw, at, ['tid', 'nid', 'mems'], 'a task object');
    const tid = readInt(required(t, at, 'tid'), joinKey(at, 'tid'), 1, Number.MAX_SAFE_INTEGER);
    const other = tidAt.get(tid);
    if (other !== undefined) fail(joinKey(at, 'tid'), `duplicate tid ${tid} (also tasks[${other}])`);
    tidAt.set(tid, i);
    const nid = readExistingNid(required(t, at, 'nid'), joinKey(at, 'nid'), nids);
    const task: { -readonly [K in keyof TaskConfig]: TaskConfig[K] } = { tid, nid };
    if (has(t, 'mems')) task.mems = readNidList(t.mems, joinKey(at, 'mems'), nids, true);
    return task;
  });
}
