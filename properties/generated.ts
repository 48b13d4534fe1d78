// Running a generated sequence: each generated op is resolved against the live state right before
// it runs, and the concrete ops actually applied form the trace a counterexample is saved as.
import type { MachineConfig, Op, ProfileName } from '../model/api/index.js';
import { concretize, type OpSequence } from '../generators/ops.js';
import { Lockstep, type Factories } from './lockstep.js';

export interface GeneratedRun {
  readonly run: Lockstep;
  /** the concrete ops applied, up to and including the first failing one */
  readonly ops: readonly Op[];
  /** a finding outside `ignore` occurred (or an implementation threw) */
  readonly failed: boolean;
}

/** Findings whose ids are in `ignore` do not stop the run (the matrix looks past known violations). */
export function runGenerated(
  machine: MachineConfig,
  seq: OpSequence,
  profile: ProfileName,
  factories?: Factories,
  ignore: ReadonlySet<string> = new Set(),
): GeneratedRun {
  const run = new Lockstep(machine, profile, factories ? { factories } : {});
  const ops: Op[] = [];
  const failing = () => [...run.violations, ...run.divergences].some((f) => !ignore.has(f.id));
  for (const raw of seq.ops) {
    if (failing() || run.broken) break;
    const op = concretize(raw, seq.swarm, machine, run.current);
    if (!op) continue;
    ops.push(op);
    run.step(op);
  }
  return { run, ops, failed: failing() || run.broken };
}
