// Folios and who holds them. The spec keeps exact holders and derives the kernel-visible counters
// from them (DESIGN.md §4.1): `_refcount` as a wrapped signed 32-bit sum, `_pincount` as the number
// of FOLL_PIN pages on a large folio.
import type { MigrateReason } from '../api/index.js';
import type { Zone } from './machine.js';

/** One reference-holding party. */
export type Holder =
  /** the kernel allocation that created the folio (alloc_pages → free_pages) */
  | { readonly kind: 'alloc'; readonly handle: string }
  /** get_page {times}: `times` references at once (put_page drops them all) */
  | { readonly kind: 'get'; readonly handle: string; readonly times: number }
  /** one user page table entry: page `index` of VMA `vma` maps a page of this folio */
  | { readonly kind: 'map'; readonly vma: string; readonly index: number }
  /** FOLL_GET: one reference for page `index` taken by the GUP call that created `handle` */
  | { readonly kind: 'gup_get'; readonly handle: string; readonly index: number }
  /** FOLL_PIN: one pin of page `index` taken by the GUP call that created `handle` */
  | { readonly kind: 'pin'; readonly handle: string; readonly index: number; readonly longterm: boolean };

export interface Folio {
  /** head pfn */
  readonly pfn: number;
  readonly order: number;
  readonly zone: Zone;
  /** allocated for user memory (a fault or a migration target), not by alloc_pages */
  readonly user: boolean;
  readonly holders: Holder[];
  /** ghost state: the allocation that put the folio where it is (FolioHolders.placement) */
  readonly placement: Placement;
  /**
   * The profile's pin counting, fixed when the folio is created (prep_new_page): linux-5.6
   * (`pinCountsLikeGet`, eddb1c228f79) counts a FOLL_PIN like a FOLL_GET. Absent: the 6.12 rule.
   */
  readonly pinCountsLikeGet?: boolean;
}

/**
 * Which path allocated a folio: `alloc_pages`, a `fault`, a private node's `migrate_to`, a mempolicy
 * migration target (`mpol-migrate`, mbind), or the MigrateReason of any other migration.
 */
export type PlacementPath = 'alloc_pages' | 'fault' | 'migrate_to' | 'mpol-migrate' | MigrateReason;

/** The path and the gfp mask the allocation actually ran with (after current_gfp_context). */
export interface Placement {
  readonly path: PlacementPath;
  readonly gfp: number;
}

export const INT_MAX = 2 ** 31 - 1;
export const INT_MIN = -(2 ** 31);
/** GUP_PIN_COUNTING_BIAS (include/linux/mm.h) */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** folio_test_large (include/linux/page-flags.h) */
export function folio_test_large(folio: { readonly order: number }): boolean {
  return folio.order > 0;
}

/**
 * How many `_refcount` units a holder contributes. A pin needs the folio's size: a small folio
 * carries GUP_PIN_COUNTING_BIAS per pin, a large one 1 (plus `_pincount`). `pinLikeGet` (linux-5.6,
 * eddb1c228f79, before 3faa52c03f44 "mm/gup: track FOLL_PIN pages"): a pin is +1 on any folio.
 */
export function holderRefs(holder: Holder, large = false, pinLikeGet = false): number {
  switch (holder.kind) {
    case 'alloc':
    case 'map':
    case 'gup_get':
      return 1;
    case 'get':
      return holder.times;
    case 'pin':
      return large || pinLikeGet ? 1 : GUP_PIN_COUNTING_BIAS;
  }
}

/** Signed 32-bit two's-complement addition: what atomic_add does to `_refcount`. */
export function addInt32(a: number, b: number): number {
  return (a + b) | 0;
}

/** Whether a + b leaves the signed 32-bit range (the add wraps). */
export function crossesInt32(a: number, b: number): boolean {
  const exact = a + b;
  return exact > INT_MAX || exact < INT_MIN;
}

/** folio_ref_count (include/linux/page_ref.h), derived: the holders' sum, wrapped to signed 32 bits. */
export function folio_ref_count(folio: Folio): number {
  const large = folio_test_large(folio);
  const likeGet = folio.pinCountsLikeGet === true;
  return folio.holders.reduce((sum, h) => addInt32(sum, holderRefs(h, large, likeGet)), 0);
}

/** The `_refcount` units `holder` contributes to `folio` (its size and its profile's pin counting). */
export function folioHolderRefs(folio: Folio, holder: Holder): number {
  return holderRefs(holder, folio_test_large(folio), folio.pinCountsLikeGet === true);
}

/** Pinned pages of the folio (FOLL_PIN holders). */
export function folioPins(folio: Folio): number {
  return folio.holders.filter((h) => h.kind === 'pin').length;
}

/**
 * `_pincount` of a large folio, derived from its pin holders; 0 for small folios, and 0 on every
 * folio under linux-5.6 (`pinCountsLikeGet`: FOLL_PIN never touched a pin counter, eddb1c228f79).
 */
export function folioPincount(folio: Folio): number {
  if (folio.pinCountsLikeGet === true) return 0;
  return folio_test_large(folio) ? folioPins(folio) : 0;
}

/** folio_mapcount: pages of the folio mapped by user page tables (map holders). */
export function folioMapped(folio: Folio): number {
  return folio.holders.filter((h) => h.kind === 'map').length;
}

/** folio_nr_pages (include/linux/mm.h) */
export function folio_nr_pages(folio: { readonly order: number }): number {
  return 2 ** folio.order;
}

/**
 * folio_maybe_dma_pinned (include/linux/mm.h): exact for large folios (`_pincount`); for small
 * ones `(unsigned)_refcount >= GUP_PIN_COUNTING_BIAS`, so 1024 plain references look pinned.
 */
export function folio_maybe_dma_pinned(folio: Folio): boolean {
  if (folio_test_large(folio)) return folioPincount(folio) > 0;
  return folio_ref_count(folio) >>> 0 >= GUP_PIN_COUNTING_BIAS;
}
