// The full observable state, compared between spec and impl (diff/state) and read by invariants.
// Every array is in a canonical order so two snapshots of the same state are deep-equal.
import type { Migratetype, ZoneName } from './flags.js';

export interface ZoneSnapshot {
  readonly nid: number;
  readonly zone: ZoneName;
  /** zone_start_pfn and spanned_pages (the span may include pages of other zones) */
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
}

export interface HandleSnapshot {
  readonly handle: string;
  /** head pfn of the folio the handle holds */
  readonly pfn: number;
}

export interface Snapshot {
  /** zones in (node order of the config, zone index) order; only zones with a config range */
  readonly zones: readonly ZoneSnapshot[];
  /** every present pageblock, ascending pfn */
  readonly pageblocks: readonly PageblockSnapshot[];
  /** every allocated folio, ascending pfn */
  readonly folios: readonly FolioSnapshot[];
  /** every live handle, in creation order */
  readonly handles: readonly HandleSnapshot[];
}
