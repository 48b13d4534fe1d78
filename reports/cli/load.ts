// Reading a trace file for `run` and `replay`: every problem is a CliError naming the file or the
// JSON path, never a stack trace.
import { readFileSync } from 'node:fs';
import type { ProfileName, Trace } from '../../model/api/index.js';
import { formatInvalid, parseTrace } from '../trace/index.js';
import { CliError } from './args.js';

export function loadTrace(file: string, profile?: ProfileName): Trace {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new CliError(`${file}: cannot read (${code})`);
  }
  const r = parseTrace(text, profile !== undefined ? { profile } : {});
  if (!r.ok) throw new CliError(formatInvalid(r));
  return r.trace;
}

/** Keep a snapshot per step (for the state-change column) only while that stays cheap. */
export function affordableToRecord(trace: Trace): boolean {
  let pages = 0;
  for (const n of trace.machine.nodes) for (const r of Object.values(n.zones)) pages += r[1];
  return pages * (trace.ops.length + 1) <= 2 ** 22;
}
