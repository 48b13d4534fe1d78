// The rows of a step table, shared by the terminal and Markdown renderers.
import type { MachineConfig } from '../../model/api/index.js';
import { formatEvents, formatOp, formatResult } from './compact.js';
import { describeStateChange } from './state-diff.js';
import { snapshotBefore, type FindingLike, type RunLike } from './types.js';

export interface StepRow {
  readonly i: number;
  readonly op: string;
  readonly result: string;
  /** undefined when the run kept no snapshots */
  readonly change?: readonly string[];
  /** the op's rule events, e.g. `expand o3→o0, merge o1,o2` ('' when none) */
  readonly events: string;
  readonly findings: readonly FindingLike[];
}

export function stepRows(run: RunLike, machine: MachineConfig): StepRow[] {
  return run.steps.map((s, k) => {
    const before = snapshotBefore(run, k);
    const change = before && s.after ? describeStateChange(before, s.after, machine.pageblockOrder) : undefined;
    const events = formatEvents(s.events ?? []);
    return { i: s.i, op: formatOp(s.op), result: formatResult(s.result, s.op), ...(change ? { change } : {}), events, findings: s.findings };
  });
}

/** `buddy/counters: message` */
export function formatFinding(f: FindingLike): string {
  return `${f.id}: ${f.message}`;
}

export function isDivergence(f: FindingLike): boolean {
  return f.id.startsWith('diff/');
}

/** The state-change text of a row: the changes, then the events (`no change` when neither). */
export function changeText(r: StepRow): string {
  const parts = [...(r.change ?? []), ...(r.events ? [`events: ${r.events}`] : [])];
  if (parts.length === 0) return r.change ? 'no change' : '';
  return parts.join('; ');
}
