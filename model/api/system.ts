// The contract both implementations fulfil, and the profile type they are built for.
import type { MachineConfig } from './config.js';
import type { Op, OpResult } from './ops.js';
import type { Snapshot } from './snapshot.js';

export type ProfileName =
  | 'linux-6.12'
  | 'private-nodes-v4'
  | 'private-nodes-v3'
  | 'private-nodes-zone-pin'
  | 'linux-5.6'
  | 'linux-5.7'
  | 'linux-5.10'
  | 'tatashin-v3'
  | 'isolate-merge';

/**
 * The historical behaviours (DESIGN.md §6, issue "historical profiles"): each a single switch off the
 * linux-6.12 rule, named after the kernel state it reproduces. All false/'6.12' for current profiles.
 */
export interface HistoricalRules {
  /** linux-5.6: FOLL_PIN counts like FOLL_GET (+1 per page, no bias, no _pincount) */
  readonly pinCountsLikeGet: boolean;
  /** linux-5.7: GUP-fast takes FOLL_LONGTERM pins without folio_is_longterm_pinnable */
  readonly fastSkipsLongtermCheck: boolean;
  /**
   * linux-5.10: FOLL_LONGTERM collects only CMA folios, the pin scope only keeps allocations out of
   * CMA (memalloc_nocma: ALLOC_CMA cleared, __GFP_MOVABLE kept), targets are GFP_USER|__GFP_MOVABLE
   * (+__GFP_HIGHMEM), and a failed migration pins in place anyway
   */
  readonly longtermCmaOnly: boolean;
  /**
   * tatashin-v3: FOLL_LONGTERM migration targets keep __GFP_MOVABLE (GFP_USER|__GFP_MOVABLE|
   * __GFP_HIGHMEM, not stripped by the pin scope) and the range is pinned after one migration pass
   * without collecting again
   */
  readonly targetMayBeMovable: boolean;
  /** isolate-merge: at order >= pageblockOrder only an ISOLATE freeing block stops merging (3c605096d315) */
  readonly mergeGateFreeingOnly: boolean;
}

/** How a private-nodes profile treats N_MEMORY_PRIVATE nodes (DESIGN.md §6–7). */
export interface PrivateNodeRules {
  /**
   * what unlocks a private node's zones (numa_zone_alloc_allowed): v4 `__GFP_PRIVATE`; v3 also
   * `__GFP_THISNODE` (RFC v3, where THISNODE was the key)
   */
  readonly gate: '__GFP_PRIVATE' | '__GFP_PRIVATE|__GFP_THISNODE';
  /** longterm-pinnability of a private-node folio: the NP_OPS_LONGTERM_PIN flag, or its zone */
  readonly pinnable: 'flag' | 'zone';
  /** refuse non-movable allocations on private nodes even when unlocked (seed 003's idea) */
  readonly movableOnly: boolean;
}

/** A named set of kernel behaviours (DESIGN.md §6). */
export interface Profile {
  readonly name: ProfileName;
  /** one line: which kernel this is */
  readonly kernel: string;
  /** historical profiles are expected to violate invariants; current ones to hold them */
  readonly historical: boolean;
  /** private-node behaviour, null for profiles without private nodes (their gfp tables lack __GFP_PRIVATE) */
  readonly privateNodes: PrivateNodeRules | null;
  /** historical switches (all off for current profiles) */
  readonly historicalRules: HistoricalRules;
  /** the kernel commit(s) the profile corresponds to */
  readonly commits: string;
  /** invariant ids this profile is expected to violate (the matrix checks it) */
  readonly expectedViolations: readonly string[];
  /**
   * invariant ids the harness has found this design violating, each with a regression trace in
   * properties/regressions/ that reproduces it, but which a fixed fuzz budget may or may not reach:
   * the matrix accepts either outcome for them and says which one it saw
   */
  readonly knownViolations: readonly string[];
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
  /** FOLL_LONGTERM found an unpinnable folio, and why ('private': the private-node rule of the profile) */
  | { readonly kind: 'longterm-unpinnable'; readonly why: 'ZONE_MOVABLE' | 'MIGRATE_CMA' | 'MIGRATE_ISOLATE' | 'private' }
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
  | { readonly kind: 'rebind' }
  /** the __GFP_PRIVATE gate skipped a private node's zone that had a suitable free block */
  | { readonly kind: 'private-gate' }
  /** a folio was placed on a private node, and by which path */
  | { readonly kind: 'private-placement'; readonly path: 'alloc_pages' | 'fault' | 'migrate_to' | 'mpol-migrate' | 'other' }
  /** migration out of a private node refused for lack of NP_OPS_MIGRATION */
  | { readonly kind: 'private-migrate-refused'; readonly reason: MigrateReason }
  /** a FOLL_LONGTERM pin kept a folio on a private node */
  | { readonly kind: 'private-pin' }
  /** a policy was created with MPOL_F_PRIVATE */
  | { readonly kind: 'mpol-private' };

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
  /** how the folio got where it is: the allocation that created it (alloc_pages, a fault, a migration target) */
  readonly placement: { readonly path: string; readonly gfp: number };
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
