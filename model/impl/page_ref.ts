// Folio reference counts: `_refcount` in the head's slot, `_pincount` in page[1]'s list link
// (include/linux/page_ref.h, include/linux/mm.h, mm/gup.c).
import { __free_pages_ok } from './free.js';
import { MIGRATE_CMA, MIGRATE_ISOLATE, ZONE_MOVABLE } from './mem.js';
import type { MemMap } from './mem.js';
import { NP_OPS_LONGTERM_PIN } from './node_private.js';
import type { NodePrivateTable } from './node_private.js';

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

// try_grab_folio(folio, 1, FOLL_PIN) after the `<= 0` check // mm/gup.c
export function grab_pin(mm: MemMap, idx: number, order: number): void {
  if (order > 0) {
    mm.refcount[idx] = (mm.refcount[idx]! + 1) | 0;
    mm.next[idx + 1] = (mm.next[idx + 1]! + 1) | 0;
  } else mm.refcount[idx] = (mm.refcount[idx]! + GUP_PIN_COUNTING_BIAS) | 0;
}

// gup_put_folio(folio, 1, FOLL_PIN) without the final put // mm/gup.c: the references to drop
export function unpin_refs(mm: MemMap, idx: number, order: number): number {
  if (order === 0) return GUP_PIN_COUNTING_BIAS;
  mm.next[idx + 1] = (mm.next[idx + 1]! - 1) | 0;
  return 1;
}

// folio_is_longterm_pinnable // include/linux/mm.h (CMA/ISOLATE pageblock, then ZONE_MOVABLE).
// `np` is given when a private node's folios are pinnable by NP_OPS_LONGTERM_PIN alone, zone ignored
// (RFC v4 patch 20, node_private_allows_longterm_pin); null keeps the zone rule for every node.
export function folio_is_longterm_pinnable(mm: MemMap, idx: number, np: NodePrivateTable | null): boolean {
  const mt = mm.pbType[idx >>> mm.pageblockOrder]!;
  if (mt === MIGRATE_CMA || mt === MIGRATE_ISOLATE) return false;
  const z = mm.zoneOf[idx]!;
  if (np !== null) {
    const pos = mm.zoneNodePos[z]!;
    if (np.isPrivate[pos] === 1) return (np.flags[pos]! & NP_OPS_LONGTERM_PIN) !== 0;
  }
  return mm.zoneIdx[z] !== ZONE_MOVABLE;
}

// free_frozen_pages → __free_pages_ok // mm/page_alloc.c: the folio's last reference is gone
export function free_folio(mm: MemMap, idx: number, order: number): void {
  mm.flags[idx] = 0;
  __free_pages_ok(mm, idx, order);
}
