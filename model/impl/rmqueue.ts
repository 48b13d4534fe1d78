// Taking a block off the free lists: __rmqueue and its helpers (mm/page_alloc.c, DESIGN.md §3).
import { MIGRATE_TYPES } from '../api/index.js';
import { account_freepages, add_to_free_list_head, del_page_from_free_list } from './freelist.js';
import { MIGRATE_CMA, MIGRATE_MOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, NIL } from './mem.js';
import type { MemMap } from './mem.js';

/** fallbacks[] // mm/page_alloc.c: flattened, two entries per requesting type (CMA/ISOLATE: none). */
export const FALLBACKS: Int8Array = Int8Array.of(
  MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE, // MIGRATE_UNMOVABLE
  MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, // MIGRATE_MOVABLE
  MIGRATE_UNMOVABLE, MIGRATE_MOVABLE, // MIGRATE_RECLAIMABLE
);

// expand // mm/page_alloc.c: the upper halves go to list heads; returns the pages put back
export function expand(mm: MemMap, z: number, idx: number, low: number, high: number, mt: number): number {
  let nrAdded = 0;
  while (high > low) {
    high--;
    const size = 1 << high;
    add_to_free_list_head(mm, idx + size, z, high, mt);
    nrAdded += size;
  }
  return nrAdded;
}

// page_del_and_expand // mm/page_alloc.c
export function page_del_and_expand(mm: MemMap, z: number, idx: number, low: number, high: number, mt: number): void {
  del_page_from_free_list(mm, idx, z, high, mt);
  const nrPages = (1 << high) - expand(mm, z, idx, low, high, mt);
  account_freepages(mm, z, -nrPages, mt);
}

// __rmqueue_smallest // mm/page_alloc.c: returns the page index, or NIL
// (the first non-empty order comes from the zone's per-type bitmap instead of a scan)
export function __rmqueue_smallest(mm: MemMap, z: number, order: number, mt: number): number {
  const avail = mm.freeOrders[z * MIGRATE_TYPES + mt]! >>> order;
  if (avail === 0) return NIL;
  const o = order + 31 - Math.clz32(avail & -avail);
  const idx = mm.freeHead[(z * mm.nOrders + o) * MIGRATE_TYPES + mt]!;
  page_del_and_expand(mm, z, idx, order, o, mt);
  return idx;
}

// __rmqueue // mm/page_alloc.c, without the CMA-balance step and without claiming (MODEL.md)
export function __rmqueue(mm: MemMap, z: number, order: number, mt: number, allocCma: boolean): number {
  let idx = __rmqueue_smallest(mm, z, order, mt);
  if (idx !== NIL) return idx;
  if (allocCma) {
    idx = __rmqueue_smallest(mm, z, order, MIGRATE_CMA);
    if (idx !== NIL) return idx;
  }
  // Stryker disable next-line ConditionalExpression: a shortcut; past RECLAIMABLE FALLBACKS has no entries, the undefined type reads an undefined bitmap (undefined >>> order is 0) and __rmqueue_smallest returns NIL
  if (mt > MIGRATE_RECLAIMABLE) return NIL;
  // __rmqueue_steal, type-major (MODEL.md): the remainders stay on the fallback type's lists
  idx = __rmqueue_smallest(mm, z, order, FALLBACKS[mt * 2]!);
  if (idx !== NIL) return idx;
  return __rmqueue_smallest(mm, z, order, FALLBACKS[mt * 2 + 1]!);
}

