// Folios and who holds them. The spec keeps exact holders and derives the kernel-visible counters
// from them (DESIGN.md §4.1): `_refcount` as a wrapped signed 32-bit sum, `_pincount` 0 until GUP.
import type { Zone } from './machine.js';

/** One reference-holding party. GUP, mappings and pins will add kinds here. */
export type Holder =
  /** the kernel allocation that created the folio (alloc_pages → free_pages) */
  | { readonly kind: 'alloc'; readonly handle: string }
  /** get_page {times}: `times` references at once (put_page drops them all) */
  | { readonly kind: 'get'; readonly handle: string; readonly times: number };

export interface Folio {
  /** head pfn */
  readonly pfn: number;
  readonly order: number;
  readonly zone: Zone;
  readonly holders: Holder[];
}

export const INT_MAX = 2 ** 31 - 1;
export const INT_MIN = -(2 ** 31);
/** GUP_PIN_COUNTING_BIAS (include/linux/mm.h) */
export const GUP_PIN_COUNTING_BIAS = 1024;

/** How many `_refcount` units a holder contributes. */
export function holderRefs(holder: Holder): number {
  switch (holder.kind) {
    case 'alloc':
      return 1;
    case 'get':
      return holder.times;
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
  return folio.holders.reduce((sum, h) => addInt32(sum, holderRefs(h)), 0);
}

/** `_pincount` of a large folio, derived (no pins exist before GUP); 0 for small folios. */
export function folioPincount(_folio: Folio): number {
  return 0;
}

/** folio_test_large (include/linux/page-flags.h) */
export function folio_test_large(folio: Folio): boolean {
  return folio.order > 0;
}

/** folio_nr_pages (include/linux/mm.h) */
export function folio_nr_pages(folio: Folio): number {
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
