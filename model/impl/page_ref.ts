// Folio reference counts: `_refcount` in the head's slot, `_pincount` in page[1]'s list link
// (include/linux/page_ref.h, include/linux/mm.h).
import { __free_pages_ok } from './free.js';
import type { MemMap } from './mem.js';

/** GUP_PIN_COUNTING_BIAS, include/linux/mm.h */
export const GUP_PIN_COUNTING_BIAS = 1024;

// folio_ref_add // include/linux/page_ref.h: no overflow check, signed 32-bit wraparound
export function folio_ref_add(mm: MemMap, idx: number, nr: number): void {
  mm.refcount[idx] = (mm.refcount[idx]! + nr) | 0;
}

// folio_ref_sub_and_test // include/linux/page_ref.h: true when `_refcount` became exactly 0
export function folio_ref_sub_and_test(mm: MemMap, idx: number, nr: number): boolean {
  const v = (mm.refcount[idx]! - nr) | 0;
  mm.refcount[idx] = v;
  return v === 0;
}

/** `_pincount` of the folio at idx: page[1]'s `next` slot for large folios, 0 for small ones */
export function folioPincount(mm: MemMap, idx: number, order: number): number {
  return order > 0 ? mm.next[idx + 1]! : 0;
}

// folio_maybe_dma_pinned // include/linux/mm.h
export function folio_maybe_dma_pinned(mm: MemMap, idx: number, order: number): boolean {
  if (order > 0) return mm.next[idx + 1]! > 0;
  return mm.refcount[idx]! >>> 0 >= GUP_PIN_COUNTING_BIAS;
}

// free_frozen_pages → __free_pages_ok // mm/page_alloc.c: the folio's last reference is gone
export function free_folio(mm: MemMap, idx: number, order: number): void {
  mm.flags[idx] = 0;
  __free_pages_ok(mm, idx, order);
}
