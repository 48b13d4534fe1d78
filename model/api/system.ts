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
export type MigrateReason = 'longterm' | 'offline' | 'cma' | 'mbind' | 'move_pages';

export type MmEvent =
  | { readonly kind: 'merge'; readonly order: number }
  | { readonly kind: 'merge-retype' }
  | { readonly kind: 'merge-gate-stop' }
  | { readonly kind: 'expand'; readonly fromOrder: number; readonly toOrder: number }
  | { readonly kind: 'fallback'; readonly from: string; readonly to: string }
  | { readonly kind: 'cma-alloc' }
  | { readonly kind: 'remote-node' }
  | { readonly kind: 'refcount-wrap' }
  /** a user page fault allocated a folio of this order */
  | { readonly kind: 'fault'; readonly order: number }
  /** a FOLL_PIN grab on a large (`_pincount`) or small (bias) folio */
  | { readonly kind: 'pin'; readonly large: boolean }
  /** try_grab_folio refused a folio whose `_refcount` was <= 0 */
  | { readonly kind: 'grab-refused' }
  /** GUP-fast stopped early and handed the rest to the slow path */
  | { readonly kind: 'gup-fast-fallback' }
  /** FOLL_LONGTERM found an unpinnable folio, and why */
  | { readonly kind: 'longterm-unpinnable'; readonly why: 'ZONE_MOVABLE' | 'MIGRATE_CMA' | 'MIGRATE_ISOLATE' }
  /** FOLL_LONGTERM gave up: -ENOMEM after a failed migration, or -EAGAIN at the pass bound */
  | { readonly kind: 'longterm-failed'; readonly ret: string }
  | { readonly kind: 'migrate'; readonly reason: MigrateReason; readonly fromZone: string; readonly toZone: string; readonly remote: boolean }
  /** `refs`: references beyond the mappings; `nomem`: no target could be allocated */
  | { readonly kind: 'migrate-failed'; readonly reason: MigrateReason; readonly why: 'refs' | 'nomem' }
  /** an unpin or put freed a folio that was no longer mapped */
  | { readonly kind: 'freed-unmapped' }
  /** query found maybe_dma_pinned true on a folio nobody pinned */
  | { readonly kind: 'dma-pinned-false-positive' }
  /** interleave picked a different node than its previous pick */
  | { readonly kind: 'interleave-switch' }
  | { readonly kind: 'isolate-failed'; readonly why: 'cma' | 'unmovable' }
  /** mbind or rebind dropped to, or started from, the policy's nodes */
  | { readonly kind: 'rebind' };

/** Exact holders of one folio, which only the spec knows (the impl keeps only the packed fields). */
export interface FolioHolders {
  readonly pfn: number;
  readonly order: number;
  /** the alloc_pages reference (0 or 1) */
  readonly kernel: number;
  /** mapped pages */
  readonly mapped: number;
  /** plain references: get_page times and FOLL_GET pages */
  readonly gets: number;
  /** pinned pages (FOLL_PIN), each pinned page counted once per pin */
  readonly pins: number;
  /** of which taken with FOLL_LONGTERM */
  readonly longtermPins: number;
}

export interface MmSystem {
  /** Apply one op. Never throws for a well-formed op: kernel errors are results. */
  apply(op: Op): OpResult;
  snapshot(): Snapshot;
  /** Events since the last call (optional; the spec provides them). */
  drainEvents?(): readonly MmEvent[];
  /** Exact holders of every allocated folio, ascending pfn (optional; the spec provides them). */
  holders?(): readonly FolioHolders[];
}

/** Builds a system from a machine that has already passed validation. */
export type MmSystemFactory = (config: MachineConfig, profile: Profile) => MmSystem;
