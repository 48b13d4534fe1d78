// Running a generated sequence: each generated op is resolved against the live state right before
// it runs, and the concrete ops actually applied form the trace a counterexample is saved as.
import type { MachineConfig, Op, ProfileName } from '../model/api/index.js';
import { concretize, type OpSequence } from '../generators/ops.js';
import { Lockstep, type Factories } from './lockstep.js';

export interface GeneratedRun {
  readonly run: Lockstep;
  /** the concrete ops applied, up to and including the first failing one */
  readonly ops: readonly Op[];
}

export function runGenerated(
  machine: MachineConfig,
  seq: OpSequence,
  profile: ProfileName,
  factories?: Factories,
): GeneratedRun {
  const run = new Lockstep(machine, profile, factories ? { factories } : {});
  const ops: Op[] = [];
  for (const raw of seq.ops) {
    if (run.findings > 0 || run.broken) break;
    const op = concretize(raw, seq.swarm, machine, run.current);
    if (!op) continue;
    ops.push(op);
    run.step(op);
  }
  return { run, ops };
}
