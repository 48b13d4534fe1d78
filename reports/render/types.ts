// What the renderers read. Defined structurally here so reports/render depends on model/api only
// (properties/lockstep.ts's RunOutcome and StepRecord fit these shapes).
import type { MmEvent, Op, OpResult, Snapshot } from '../../model/api/index.js';

export interface FindingLike {
  /** op index after which it was found; -1 is the initial state */
  readonly step: number;
  readonly id: string;
  readonly message: string;
}

export interface StepLike {
  readonly i: number;
  readonly op: Op;
  readonly result: OpResult;
  readonly findings: readonly FindingLike[];
  /** rule-relevant events of the op (the spec reports them) */
  readonly events?: readonly MmEvent[];
  /** the state after the op (runs recorded with snapshots) */
  readonly after?: Snapshot;
}

export interface RunLike {
  /** the state before the first op (runs recorded with snapshots) */
  readonly initial?: Snapshot;
  readonly steps: readonly StepLike[];
  readonly violations: readonly FindingLike[];
  readonly divergences: readonly FindingLike[];
}

/** The snapshot before step `k` of a recorded run (undefined when the run kept none). */
export function snapshotBefore(run: RunLike, k: number): Snapshot | undefined {
  return k === 0 ? run.initial : run.steps[k - 1]?.after;
}

/** The last recorded state of a run. */
export function finalSnapshot(run: RunLike): Snapshot | undefined {
  for (let k = run.steps.length - 1; k >= 0; k--) {
    const s = run.steps[k]?.after;
    if (s) return s;
  }
  return run.initial;
}

/** Every finding of a run, in step order (the initial state first). */
export function allFindings(run: RunLike): FindingLike[] {
  return [...run.violations, ...run.divergences].sort((a, b) => a.step - b.step);
}
