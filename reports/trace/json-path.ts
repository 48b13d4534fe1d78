// JSON paths for validation messages, and the small typed readers every validator is built from.
// Readers throw `Reject`; the public entry points (parse.ts, machine.ts) catch it and return a
// result, so no caller ever sees an exception.

/** A rejected document: the JSON path of the offending value and what is wrong with it. */
export interface Invalid {
  readonly ok: false;
  /** e.g. `machine.nodes[1].zones.ZONE_NORMAL`, `ops[3].gfp[1]`, or `(root)` */
  readonly path: string;
  readonly message: string;
}

/** `path: message`, as the CLI prints it after `mmcheck: `. */
export function formatInvalid(inv: Pick<Invalid, 'path' | 'message'>): string {
  return `${inv.path}: ${inv.message}`;
}

/** Internal unwinding for the readers below; converted to `Invalid` at the public boundary. */
export class Reject extends Error {
  /** '' is the document root */
  constructor(readonly at: string, message: string) {
    super(message);
  }
  invalid(): Invalid {
    return { ok: false, path: displayPath(this.at), message: this.message };
  }
}

export function displayPath(path: string): string {
  return path === '' ? '(root)' : path;
}

export function joinKey(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function joinIndex(path: string, i: number): string {
  return `${path}[${i}]`;
}

export function fail(path: string, message: string): never {
  throw new Reject(path, message);
}

/** A short description of a value for "expected X, got Y". */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export type Obj = Readonly<Record<string, unknown>>;

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function has(o: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/**
 * An object whose keys are all in `known` (reported in document order, with the list of what is
 * allowed); `what` names the object in the message (`alloc_pages`, `a node`).
 */
export function readObject(v: unknown, path: string, known: readonly string[], what: string): Obj {
  if (!isObject(v)) fail(path, `expected ${what}, got ${describe(v)}`);
  for (const key of Object.keys(v)) {
    if (!known.includes(key)) {
      fail(joinKey(path, key), `unknown key '${key}' in ${what} (expected ${known.join(', ')})`);
    }
  }
  return v;
}

export function required(o: Obj, path: string, key: string): unknown {
  if (!has(o, key)) fail(joinKey(path, key), 'required field is missing');
  return o[key];
}

export function readInt(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range =
      max !== Number.MAX_SAFE_INTEGER ? `an integer in ${min}..${max}`
      : min === Number.MIN_SAFE_INTEGER ? 'an integer'
      : min === 0 ? 'a non-negative integer'
      : `an integer >= ${min}`;
    fail(path, `expected ${range}, got ${describe(v)}`);
  }
  return v;
}

export function readString(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, `expected a string, got ${describe(v)}`);
  return v;
}

export function readArray(v: unknown, path: string, what: string, nonEmpty = false): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, `expected ${what}, got ${describe(v)}`);
  if (nonEmpty && v.length === 0) fail(path, `expected ${what}, got an empty array`);
  return v;
}

export function readStringList(v: unknown, path: string): string[] {
  return readArray(v, path, 'an array of strings').map((s, i) => readString(s, joinIndex(path, i)));
}

/**
 * An array of node ids that exist in the machine, without duplicates (nodemasks, cpuset mems).
 */
export function readNidList(v: unknown, path: string, nids: ReadonlySet<number>, nonEmpty: boolean): number[] {
  const list = readArray(v, path, nonEmpty ? 'a non-empty array of nids' : 'an array of nids', nonEmpty);
  const seen = new Set<number>();
  return list.map((x, i) => {
    const at = joinIndex(path, i);
    const nid = readExistingNid(x, at, nids);
    if (seen.has(nid)) fail(at, `duplicate nid ${nid}`);
    seen.add(nid);
    return nid;
  });
}

export function readExistingNid(v: unknown, path: string, nids: ReadonlySet<number>): number {
  const nid = readInt(v, path, 0, Number.MAX_SAFE_INTEGER);
  if (!nids.has(nid)) fail(path, `no node with nid ${nid} (nodes: ${[...nids].join(', ')})`);
  return nid;
}
