// The contract both implementations fulfil, and the profile type they are built for.
import type { MachineConfig } from './config.js';
import type { Op, OpResult } from './ops.js';
import type { Snapshot } from './snapshot.js';

export type ProfileName = 'linux-6.12';

/** A named set of kernel behaviours (DESIGN.md §6). Later profiles add behaviour switches here. */
export interface Profile {
  readonly name: ProfileName;
  /** one line: which kernel this is */
  readonly kernel: string;
  /** historical profiles are expected to violate invariants; current ones to hold them */
  readonly historical: boolean;
  /** whether a machine may declare private nodes */
  readonly allowsPrivateNodes: boolean;
}

/** Rule-relevant things that happened during one op; the spec reports them for semantic coverage. */
export type MmEvent =
  | { readonly kind: 'merge'; readonly order: number }
  | { readonly kind: 'merge-retype' }
  | { readonly kind: 'merge-gate-stop' }
  | { readonly kind: 'expand'; readonly fromOrder: number; readonly toOrder: number }
  | { readonly kind: 'fallback'; readonly from: string; readonly to: string }
  | { readonly kind: 'cma-alloc' }
  | { readonly kind: 'remote-node' }
  | { readonly kind: 'refcount-wrap' };

export interface MmSystem {
  /** Apply one op. Never throws for a well-formed op: kernel errors are results. */
  apply(op: Op): OpResult;
  snapshot(): Snapshot;
  /** Events since the last call (optional; the spec provides them). */
  drainEvents?(): readonly MmEvent[];
}

/** Builds a system from a machine that has already passed validation. */
export type MmSystemFactory = (config: MachineConfig, profile: Profile) => MmSystem;
