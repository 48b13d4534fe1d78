// The trace document (DESIGN.md §8): JSON text or an untrusted value -> a validated Trace.
import { TRACE_FORMAT } from '../../model/api/index.js';
import type { ProfileName, Trace, TraceMeta } from '../../model/api/index.js';
import { DEFAULT_PROFILE, PROFILES, isProfileName } from '../../model/profiles.js';
import { readJson } from './json.js';
import { Reject, describe, fail, has, joinKey, readInt, readObject, readString, required, type Invalid } from './json-path.js';
import { readMachine } from './machine.js';
import { readOps } from './ops.js';

export type TraceResult = { readonly ok: true; readonly trace: Trace } | Invalid;

export interface TraceOptions {
  /** run under this profile instead of the document's (`--profile`); must be a known name */
  readonly profile?: ProfileName;
}

/** Parse and validate a trace document. Never throws. */
export function parseTrace(text: string, opts: TraceOptions = {}): TraceResult {
  try {
    return { ok: true, trace: readTrace(readJson(text), opts) };
  } catch (e) {
    if (e instanceof Reject) return e.invalid();
    throw e;
  }
}

/** Validate an already-parsed value (for instance a trace built in a test). Never throws. */
export function validateTrace(value: unknown, opts: TraceOptions = {}): TraceResult {
  try {
    return { ok: true, trace: readTrace(value, opts) };
  } catch (e) {
    if (e instanceof Reject) return e.invalid();
    throw e;
  }
}

/** A message for an unknown profile name, listing the known ones. */
export function unknownProfileMessage(name: string): string {
  return `unknown profile '${name}' (known: ${Object.keys(PROFILES).join(', ')})`;
}

function readTrace(v: unknown, opts: TraceOptions): Trace {
  const doc = readObject(v, '', ['format', 'profile', 'machine', 'ops', 'meta'], 'a trace object');
  const format = required(doc, '', 'format');
  if (format !== TRACE_FORMAT) fail('format', `expected "${TRACE_FORMAT}", got ${describe(format)}`);

  let profile: ProfileName = DEFAULT_PROFILE;
  if (has(doc, 'profile')) {
    const name = readString(doc.profile, 'profile');
    if (!isProfileName(name)) fail('profile', unknownProfileMessage(name));
    profile = name;
  }
  if (opts.profile !== undefined) {
    if (!isProfileName(opts.profile)) fail('--profile', unknownProfileMessage(opts.profile));
    profile = opts.profile;
  }

  const machine = readMachine(required(doc, '', 'machine'), 'machine', PROFILES[profile]);
  const ops = readOps(required(doc, '', 'ops'), 'ops', machine);
  const trace: { -readonly [K in keyof Trace]: Trace[K] } = { format: TRACE_FORMAT, profile, machine, ops };
  if (has(doc, 'meta')) trace.meta = readMeta(doc.meta, 'meta');
  return trace;
}

function readMeta(v: unknown, path: string): TraceMeta {
  const m = readObject(v, path, ['expect', 'seed', 'path', 'note'], 'a meta object');
  const meta: { -readonly [K in keyof TraceMeta]: TraceMeta[K] } = {};
  if (has(m, 'expect')) meta.expect = readString(m.expect, joinKey(path, 'expect'));
  if (has(m, 'seed')) meta.seed = readInt(m.seed, joinKey(path, 'seed'), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (has(m, 'path')) meta.path = readString(m.path, joinKey(path, 'path'));
  if (has(m, 'note')) meta.note = readString(m.note, joinKey(path, 'note'));
  return meta;
}
