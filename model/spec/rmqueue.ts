// Taking a block off one zone's free lists: __rmqueue and its helpers (mm/page_alloc.c),
// in the canonical form of docs/MODEL.md "Allocation".
import type { Migratetype } from '../api/index.js';
import { account_freepages, get_page_from_free_area, __add_to_free_list, __del_page_from_free_list } from './freelist.js';
import { emit, type Machine, type Zone } from './machine.js';

/**
 * fallbacks[] (mm/page_alloc.c): which lists a request may fall back to, in order. CMA, HIGHATOMIC
 * and ISOLATE are never fallback sources.
 */
export const fallbacks: Readonly<Partial<Record<Migratetype, readonly Migratetype[]>>> = {
  MIGRATE_UNMOVABLE: ['MIGRATE_RECLAIMABLE', 'MIGRATE_MOVABLE'],
  MIGRATE_MOVABLE: ['MIGRATE_RECLAIMABLE', 'MIGRATE_UNMOVABLE'],
  MIGRATE_RECLAIMABLE: ['MIGRATE_UNMOVABLE', 'MIGRATE_MOVABLE'],
};

/**
 * expand (mm/page_alloc.c): split an order-`high` block at `pfn` down to order `low`. Each upper
 * half goes to the head of free_list[mt]; the caller keeps the lowest 2^low pages.
 * Returns the number of pages put back on the lists.
 */
export function expand(machine: Machine, zone: Zone, pfn: number, low: number, high: number, mt: Migratetype): number {
  let nrAdded = 0;
  if (high > low) emit(machine, { kind: 'expand', fromOrder: high, toOrder: low });
  while (high > low) {
    high -= 1;
    const size = 2 ** high;
    __add_to_free_list(zone, pfn + size, high, mt, false);
    nrAdded += size;
  }
  return nrAdded;
}

/** page_del_and_expand (mm/page_alloc.c): only the 2^low pages handed out leave NR_FREE_PAGES. */
export function page_del_and_expand(
  machine: Machine,
  zone: Zone,
  pfn: number,
  low: number,
  high: number,
  mt: Migratetype,
): void {
  let nrPages = 2 ** high;
  __del_page_from_free_list(zone, pfn, high);
  nrPages -= expand(machine, zone, pfn, low, high, mt);
  account_freepages(zone, -nrPages, mt);
}

/** __rmqueue_smallest (mm/page_alloc.c): the smallest block on free_list[mt], from its list head. */
export function __rmqueue_smallest(machine: Machine, zone: Zone, order: number, mt: Migratetype): number | undefined {
  for (let currentOrder = order; currentOrder <= machine.maxOrder; currentOrder++) {
    const pfn = get_page_from_free_area(zone, currentOrder, mt);
    if (pfn === undefined) continue;
    page_del_and_expand(machine, zone, pfn, order, currentOrder, mt);
    return pfn;
  }
  return undefined;
}

/**
 * __rmqueue (mm/page_alloc.c), canonical form: the request's own lists, then CMA when ALLOC_CMA,
 * then each fallback type in fallbacks[] order (type-major; no pageblock is claimed or retyped,
 * the remainders stay on the fallback type's lists). No CMA-balance step.
 */
export function __rmqueue(
  machine: Machine,
  zone: Zone,
  order: number,
  mt: Migratetype,
  allocCma: boolean,
): number | undefined {
  const own = __rmqueue_smallest(machine, zone, order, mt);
  if (own !== undefined) return own;

  if (allocCma) {
    const cma = __rmqueue_smallest(machine, zone, order, 'MIGRATE_CMA');
    if (cma !== undefined) {
      emit(machine, { kind: 'cma-alloc' });
      return cma;
    }
  }

  for (const fallbackMt of fallbacks[mt] ?? []) {
    const stolen = __rmqueue_smallest(machine, zone, order, fallbackMt);
    if (stolen !== undefined) {
      emit(machine, { kind: 'fallback', from: mt, to: fallbackMt });
      return stolen;
    }
  }
  return undefined;
}
