// Running a generated sequence: each generated op is resolved against the live state right before
// it runs, and the concrete ops actually applied form the trace a counterexample is saved as.
import type { MachineConfig, Op, ProfileName } from '../model/api/index.js';
import { concretize, type OpSequence } from '../generators/ops.js';
import { malform, type Malformation } from '../generators/malformed.js';
import { Lockstep, type Factories } from './lockstep.js';
import { Reject } from '../reports/trace/json-path.js';
import { opContext, readOp, type OpContext } from '../reports/trace/ops.js';

export interface GeneratedRun {
  readonly run: Lockstep;
  /** the concrete ops applied, up to and including the first failing one */
  readonly ops: readonly Op[];
  /** a finding outside `ignore` occurred (or an implementation threw) */
  readonly failed: boolean;
}

/**
 * Findings whose ids are in `ignore` do not stop the run (the matrix looks past known violations).
 * `malformations[i]`, when set, replaces one argument of the i-th generated op (generators/malformed.ts).
 */
export function runGenerated(
  machine: MachineConfig,
  seq: OpSequence,
  profile: ProfileName,
  factories?: Factories,
  ignore: ReadonlySet<string> = new Set(),
  malformations: readonly (Malformation | null)[] = [],
): GeneratedRun {
  const run = new Lockstep(machine, profile, factories ? { factories } : {});
  const ops: Op[] = [];
  // the trace-format context a malformed op is checked against, built once per run
  let traceCtx: OpContext | undefined;
  const failing = () => [...run.violations, ...run.divergences].some((f) => !ignore.has(f.id));
  for (const [i, raw] of seq.ops.entries()) {
    if (failing() || run.broken) break;
    const concrete = concretize(raw, seq.swarm, machine, run.current);
    if (!concrete) continue;
    const bad = malformations[i];
    const op = bad ? (asTraceOp(malform(concrete, bad), (traceCtx ??= opContext(machine))) ?? concrete) : concrete;
    ops.push(op);
    run.step(op);
  }
  return { run, ops, failed: failing() || run.broken };
}

/**
 * The op as a trace on this machine could hold it, or undefined when the trace format rejects it
 * (a malformation that only a parse error can catch is not an input the systems must answer).
 */
function asTraceOp(op: Op, ctx: OpContext): Op | undefined {
  try {
    return readOp(op, 'op', ctx);
  } catch (e) {
    if (e instanceof Reject) return undefined;
    throw e;
  }
}
