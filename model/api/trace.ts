// The trace document (DESIGN.md §8): what users write, what counterexamples are saved as, and
// what `run` and `replay` read.
import type { MachineConfig } from './config.js';
import type { Op } from './ops.js';
import type { ProfileName } from './system.js';

export const TRACE_FORMAT = 'mmcheck/trace@1';

/** What a saved counterexample records about how it was found and what it shows. */
export interface TraceMeta {
  /** invariant id the trace violates (e.g. 'buddy/counters' or 'diff/result') */
  readonly expect?: string;
  readonly seed?: number;
  /** fast-check replay path */
  readonly path?: string;
  readonly note?: string;
}

export interface Trace {
  readonly format: typeof TRACE_FORMAT;
  readonly profile: ProfileName;
  readonly machine: MachineConfig;
  readonly ops: readonly Op[];
  readonly meta?: TraceMeta;
}
