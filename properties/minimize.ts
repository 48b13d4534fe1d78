// The pass after fast-check's shrinking that makes every reported trace 1-minimal: no single op can
// be removed while the same finding (same id) still occurs.
import type { Trace } from '../model/api/index.js';
import { runTrace, type Factories } from './lockstep.js';

/** The trace produces a finding with this id (at any step). */
export function failsWith(trace: Trace, id: string, factories?: Factories): boolean {
  const out = runTrace(trace, { stopWhen: (f) => f.id === id, ...(factories ? { factories } : {}) });
  return [...out.violations, ...out.divergences].some((f) => f.id === id);
}

export function minimize(trace: Trace, id: string, factories?: Factories): Trace {
  let ops = [...trace.ops];
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = ops.length - 1; i >= 0; i--) {
      const candidate = [...ops.slice(0, i), ...ops.slice(i + 1)];
      if (failsWith({ ...trace, ops: candidate }, id, factories)) {
        ops = candidate;
        changed = true;
      }
    }
  }
  return { ...trace, ops };
}

/** True when removing any single op loses the finding (used by tests of the harness itself). */
export function isOneMinimal(trace: Trace, id: string, factories?: Factories): boolean {
  return trace.ops.every((_, i) => !failsWith({ ...trace, ops: trace.ops.filter((__, j) => j !== i) }, id, factories));
}
