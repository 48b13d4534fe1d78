// Intrusive doubly linked free lists over MemMap.next/prev, and the free-page counters.
import { MIGRATE_TYPES } from '../api/index.js';
import { buddyFlags, MIGRATE_CMA, MIGRATE_ISOLATE, NIL, NR_FREE_CMA_PAGES, NR_FREE_PAGES, NR_VMSTAT } from './mem.js';
import type { MemMap } from './mem.js';

// account_freepages // mm/page_alloc.c
export function account_freepages(mm: MemMap, z: number, nrPages: number, mt: number): void {
  if (mt === MIGRATE_ISOLATE) return;
  const vm = mm.vmstat;
  const i = z * NR_VMSTAT;
  // Stryker disable next-line ArithmeticOperator: NR_FREE_PAGES is 0, so i - NR_FREE_PAGES is i + NR_FREE_PAGES
  vm[i + NR_FREE_PAGES] = vm[i + NR_FREE_PAGES]! + nrPages;
  if (mt === MIGRATE_CMA) vm[i + NR_FREE_CMA_PAGES] = vm[i + NR_FREE_CMA_PAGES]! + nrPages;
}

// __add_to_free_list(..., tail = false) // mm/page_alloc.c
export function add_to_free_list_head(mm: MemMap, idx: number, z: number, order: number, mt: number): void {
  const li = (z * mm.nOrders + order) * MIGRATE_TYPES + mt;
  const first = mm.freeHead[li]!;
  mm.next[idx] = first;
  mm.prev[idx] = NIL;
  if (first === NIL) {
    mm.freeTail[li] = idx;
    const oi = z * MIGRATE_TYPES + mt;
    mm.freeOrders[oi] = mm.freeOrders[oi]! | (1 << order);
  } else mm.prev[first] = idx;
  mm.freeHead[li] = idx;
  mm.flags[idx] = buddyFlags(order, mt);
  const ni = z * mm.nOrders + order;
  mm.nrFree[ni] = mm.nrFree[ni]! + 1;
}

// __add_to_free_list(..., tail = true) // mm/page_alloc.c
export function add_to_free_list_tail(mm: MemMap, idx: number, z: number, order: number, mt: number): void {
  const li = (z * mm.nOrders + order) * MIGRATE_TYPES + mt;
  const last = mm.freeTail[li]!;
  mm.prev[idx] = last;
  mm.next[idx] = NIL;
  if (last === NIL) {
    mm.freeHead[li] = idx;
    const oi = z * MIGRATE_TYPES + mt;
    mm.freeOrders[oi] = mm.freeOrders[oi]! | (1 << order);
  } else mm.next[last] = idx;
  mm.freeTail[li] = idx;
  mm.flags[idx] = buddyFlags(order, mt);
  const ni = z * mm.nOrders + order;
  mm.nrFree[ni] = mm.nrFree[ni]! + 1;
}

// __del_page_from_free_list // mm/page_alloc.c (no counter change but nr_free, as in the kernel);
// mt must be the list the block is on: buddyListType(flags)
export function del_page_from_free_list(mm: MemMap, idx: number, z: number, order: number, mt: number): void {
  const next = mm.next;
  const prev = mm.prev;
  const n = next[idx]!;
  const p = prev[idx]!;
  const li = (z * mm.nOrders + order) * MIGRATE_TYPES + mt;
  if (p === NIL) mm.freeHead[li] = n;
  else next[p] = n;
  if (n === NIL) {
    mm.freeTail[li] = p;
    if (p === NIL) {
      const oi = z * MIGRATE_TYPES + mt;
      mm.freeOrders[oi] = mm.freeOrders[oi]! & ~(1 << order);
    }
  } else prev[n] = p;
  mm.flags[idx] = 0;
  const ni = z * mm.nOrders + order;
  mm.nrFree[ni] = mm.nrFree[ni]! - 1;
}
