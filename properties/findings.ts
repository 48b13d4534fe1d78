// What the harness reports: an invariant violation or a divergence between spec and impl.
import type { FolioHolders, MachineConfig, MmEvent, Op, OpResult, Profile, Snapshot } from '../model/api/index.js';

export interface Finding {
  /** index of the op after which it was found (-1: the initial state) */
  readonly step: number;
  /** stable id: an invariant id (`buddy/counters`), `diff/result`, `diff/state` or `model/exception` */
  readonly id: string;
  readonly message: string;
}

export const DIVERGENCE_IDS = new Set(['diff/result', 'diff/state']);

/** Everything an invariant may look at after one op. */
export interface InvariantContext {
  readonly config: MachineConfig;
  readonly profile: Profile;
  readonly snapshot: Snapshot;
  /** the op just applied and its result; absent for the initial state */
  readonly op?: Op;
  readonly result?: OpResult;
  /** the state before the op (absent for the initial state) */
  readonly before?: Snapshot;
  /** the spec's exact holders after and before the op (absent when the spec does not run) */
  readonly holders?: readonly FolioHolders[];
  readonly holdersBefore?: readonly FolioHolders[];
  /** the spec's rule events during the op */
  readonly events?: readonly MmEvent[];
}

export interface Invariant {
  readonly id: string;
  /** one line for the README and the coverage table */
  readonly claim: string;
  check(ctx: InvariantContext): string[];
}
