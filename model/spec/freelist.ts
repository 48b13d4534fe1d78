// Free-list primitives and free-page accounting (mm/page_alloc.c).
// The lists are arrays with the list head at index 0; `zone.buddies` plays PageBuddy + buddy_order.
import type { Migratetype } from '../api/index.js';
import type { Zone } from './machine.js';

/** is_migrate_isolate (include/linux/page-isolation.h) */
export function is_migrate_isolate(mt: Migratetype): boolean {
  return mt === 'MIGRATE_ISOLATE';
}

/** is_migrate_cma (include/linux/mmzone.h) */
export function is_migrate_cma(mt: Migratetype): boolean {
  return mt === 'MIGRATE_CMA';
}

/** account_freepages (mm/page_alloc.c): ISOLATE pages are not free pages; CMA pages are counted twice. */
export function account_freepages(zone: Zone, nrPages: number, mt: Migratetype): void {
  if (is_migrate_isolate(mt)) return;
  zone.vm_stat.NR_FREE_PAGES += nrPages;
  if (is_migrate_cma(mt)) zone.vm_stat.NR_FREE_CMA_PAGES += nrPages;
}

function freeArea(zone: Zone, order: number) {
  const area = zone.free_area[order];
  if (area === undefined) throw new Error(`spec: order ${order} out of range`);
  return area;
}

/**
 * __add_to_free_list (mm/page_alloc.c), with set_buddy_order folded in: link the block at the head
 * or the tail of free_list[mt] and mark its head PageBuddy. No counter change (the caller accounts).
 */
export function __add_to_free_list(zone: Zone, pfn: number, order: number, mt: Migratetype, tail: boolean): void {
  const area = freeArea(zone, order);
  if (tail) area.free_list[mt].push(pfn);
  else area.free_list[mt].unshift(pfn);
  area.nr_free += 1;
  zone.buddies.set(pfn, { order, list: mt });
}

/**
 * __del_page_from_free_list (mm/page_alloc.c): unlink a free block and clear PageBuddy. list_del
 * unlinks the block from the list it is on, whatever `mt` the caller passes; no counter change.
 */
export function __del_page_from_free_list(zone: Zone, pfn: number, order: number): void {
  const buddy = zone.buddies.get(pfn);
  if (buddy === undefined || buddy.order !== order) throw new Error(`spec: pfn ${pfn} is not a free order-${order} block`);
  const area = freeArea(zone, order);
  const list = area.free_list[buddy.list];
  list.splice(list.indexOf(pfn), 1);
  area.nr_free -= 1;
  zone.buddies.delete(pfn);
}

/** del_page_from_free_list (mm/page_alloc.c): unlink and take the pages out of the free counters. */
export function del_page_from_free_list(zone: Zone, pfn: number, order: number, mt: Migratetype): void {
  __del_page_from_free_list(zone, pfn, order);
  account_freepages(zone, -(2 ** order), mt);
}

/** get_page_from_free_area (mm/page_alloc.c): the head of free_list[mt] at this order, if any. */
export function get_page_from_free_area(zone: Zone, order: number, mt: Migratetype): number | undefined {
  return freeArea(zone, order).free_list[mt][0];
}
