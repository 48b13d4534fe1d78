// The full observable state, compared between spec and impl (diff/state) and read by invariants.
// Every array is in a canonical order so two snapshots of the same state are deep-equal.
import type { Migratetype, ZoneName } from './flags.js';

export interface ZoneSnapshot {
  readonly nid: number;
  readonly zone: ZoneName;
  /**
   * zone_start_pfn and spanned_pages: from the lowest to the highest present pfn of the zone (a hole
   * in the middle stays spanned, as shrink_zone_span leaves it); 0 and 0 when the zone is empty
   */
  readonly startPfn: number;
  readonly spannedPages: number;
  readonly presentPages: number;
  readonly managedPages: number;
  readonly cmaPages: number;
  /** NR_FREE_PAGES: pages on every list except MIGRATE_ISOLATE */
  readonly nrFreePages: number;
  /** NR_FREE_CMA_PAGES */
  readonly nrFreeCmaPages: number;
  /** free_area[order].nr_free: blocks of that order on all lists */
  readonly nrFree: readonly number[];
  /** freeLists[migratetype index][order]: block pfns from list head to tail */
  readonly freeLists: readonly (readonly (readonly number[])[])[];
}

export interface PageblockSnapshot {
  readonly pfn: number;
  readonly migratetype: Migratetype;
}

export interface FolioSnapshot {
  readonly pfn: number;
  readonly order: number;
  readonly nid: number;
  readonly zone: ZoneName;
  /** signed 32-bit `_refcount` */
  readonly refcount: number;
  /** `_pincount` (0 for small folios) */
  readonly pincount: number;
  /** pages of the folio mapped by user page tables */
  readonly mapped: number;
}

export interface HandleSnapshot {
  readonly handle: string;
  /**
   * k / get_page g: [head pfn]; GUP g and u: the pfn of every page the call took, in index order;
   * c: [first pfn]; v: []
   */
  readonly pfns: readonly number[];
}

export interface PolicySnapshot {
  readonly mode: string;
  /** the policy's nodemask, ascending (empty for MPOL_LOCAL) */
  readonly nodes: readonly number[];
  /** `w.cpuset_mems_allowed`: the cpuset the nodes are relative to, for mpol_rebind_nodemask */
  readonly cpusetMems: readonly number[];
  /** MPOL_F_PRIVATE (private-nodes RFC v4): the mask holds private nodes, all with NP_OPS_MEMPOLICY */
  readonly private: boolean;
}

/** A private node's registered ops (node_private_set_ops), or null when none are set. */
export interface PrivateNodeSnapshot {
  readonly nid: number;
  readonly ops: { readonly flags: readonly string[]; readonly callbacks: readonly string[] } | null;
}

export interface TaskSnapshot {
  readonly tid: number;
  readonly nid: number;
  /** cpuset mems, ascending */
  readonly mems: readonly number[];
  /** null: MPOL_DEFAULT */
  readonly policy: PolicySnapshot | null;
  /** `il_prev`: the last node interleave picked, -1 before the first */
  readonly ilPrev: number;
}

export interface VmaSnapshot {
  readonly handle: string;
  readonly task: number;
  readonly pages: number;
  readonly folioOrder: number;
  /** the VMA policy (mbind); null: none, the task policy applies */
  readonly policy: PolicySnapshot | null;
  /** ptes[index]: pfn of the page mapped there, or null when not present */
  readonly ptes: readonly (number | null)[];
}

/** A maximal run of present pages of one zone. */
export interface MemoryRangeSnapshot {
  readonly pfn: number;
  readonly nrPages: number;
  readonly nid: number;
  readonly zone: ZoneName;
}

export interface CmaAllocationSnapshot {
  readonly handle: string;
  readonly area: number;
  readonly pfn: number;
  readonly nrPages: number;
}

export interface Snapshot {
  /**
   * zones in (node order of the config, zone index) order: every zone with a config range or that
   * online_pages populated, also once it is empty again
   */
  readonly zones: readonly ZoneSnapshot[];
  /** present memory as maximal runs of one zone, ascending pfn */
  readonly memory: readonly MemoryRangeSnapshot[];
  /** ranges taken offline by offline_pages (and not onlined since), maximal runs, ascending pfn */
  readonly offline: readonly { readonly pfn: number; readonly nrPages: number }[];
  /** every present pageblock, ascending pfn */
  readonly pageblocks: readonly PageblockSnapshot[];
  /** every allocated folio, ascending pfn */
  readonly folios: readonly FolioSnapshot[];
  /** live cma_alloc ranges, in creation order */
  readonly cmaAllocations: readonly CmaAllocationSnapshot[];
  /** every live handle, in creation order */
  readonly handles: readonly HandleSnapshot[];
  /** tasks in config order */
  readonly tasks: readonly TaskSnapshot[];
  /** N_MEMORY_PRIVATE nodes in config order, with their ops (flags in bit order, callbacks in struct order) */
  readonly privateNodes: readonly PrivateNodeSnapshot[];
  /** live VMAs in creation order */
  readonly vmas: readonly VmaSnapshot[];
}
