// Giving pages back to the buddy allocator: free_one_page, split_large_buddy and __free_one_page
// (mm/page_alloc.c), as docs/MODEL.md "Freeing" fixes them.
import type { Migratetype } from '../api/index.js';
import { account_freepages, __add_to_free_list, __del_page_from_free_list } from './freelist.js';
import {
  emit,
  get_pfnblock_migratetype,
  page_zone,
  pageblockNrPages,
  set_pageblock_migratetype,
  type Machine,
  type Zone,
} from './machine.js';

/** migratetype_is_mergeable (include/linux/mmzone.h): only the pcp types mix when merging. */
export function migratetype_is_mergeable(mt: Migratetype): boolean {
  return mt === 'MIGRATE_UNMOVABLE' || mt === 'MIGRATE_MOVABLE' || mt === 'MIGRATE_RECLAIMABLE';
}

/** __find_buddy_pfn (mm/internal.h): pfn ^ (1 << order), written without 32-bit bit operations. */
export function __find_buddy_pfn(pfn: number, order: number): number {
  const size = 2 ** order;
  return Math.floor(pfn / size) % 2 === 0 ? pfn + size : pfn - size;
}

/**
 * page_is_buddy (mm/internal.h): the buddy is the head of a free block of exactly this order, and
 * its page belongs to the same zone (per page, not by zone span).
 */
export function page_is_buddy(machine: Machine, zone: Zone, buddyPfn: number, order: number): boolean {
  if (page_zone(machine, buddyPfn) !== zone) return false;
  return zone.buddies.get(buddyPfn)?.order === order;
}

/** Retype every pageblock an order-`order` block covers (model: the kernel sets only the first). */
function setBlockMigratetype(machine: Machine, pfn: number, order: number, mt: Migratetype): void {
  const step = pageblockNrPages(machine);
  const end = pfn + 2 ** order;
  for (let p = pfn; p < end; p += step) set_pageblock_migratetype(machine, p, mt);
}

/**
 * The mergeability gate of __free_one_page at order >= pageblockOrder: CMA, ISOLATE and HIGHATOMIC
 * blocks never merge with other types (d9dddbf55667, 1dd214b8f21c).
 *
 * isolate-merge (`mergeGateFreeingOnly`): 3c605096d315 "mm/page_alloc: restrict max order of
 * merging on isolated pageblock" looked only at the freeing block: merging stops iff its own type
 * is MIGRATE_ISOLATE, whatever the buddy's type, and CMA is not special (fixed by d9dddbf55667).
 */
export function mergeGateStops(machine: Machine, mt: Migratetype, buddyMt: Migratetype): boolean {
  if (machine.profile.historicalRules.mergeGateFreeingOnly) return mt === 'MIGRATE_ISOLATE';
  return mt !== buddyMt && (!migratetype_is_mergeable(mt) || !migratetype_is_mergeable(buddyMt));
}

/**
 * __free_one_page (mm/page_alloc.c): merge with free buddies as far as allowed, then put the block
 * at the head of free_list[order][mt] (the tail with FPI_TO_TAIL). `mt` is the current pageblock
 * type at `pfn`.
 */
export function __free_one_page(
  machine: Machine,
  zone: Zone,
  pfn: number,
  order: number,
  mt: Migratetype,
  toTail = false,
): void {
  account_freepages(zone, 2 ** order, mt);

  while (order < machine.maxOrder) {
    const buddyPfn = __find_buddy_pfn(pfn, order);
    // Validate the buddy before reading its pageblock type (787af64d05cd).
    if (!page_is_buddy(machine, zone, buddyPfn, order)) break;

    // Below pageblock order both halves share one pageblock, so the kernel does not read the type.
    let buddyMt = mt;
    if (order >= machine.pageblockOrder) {
      buddyMt = get_pfnblock_migratetype(machine, buddyPfn);
      if (mergeGateStops(machine, mt, buddyMt)) {
        emit(machine, { kind: 'merge-gate-stop' });
        break;
      }
    }

    // The buddy's pages are already counted in a free class of the same kind: no accounting.
    __del_page_from_free_list(zone, buddyPfn, order);

    // Keep free_list[mt] inside pageblocks of type mt (e6cf9e1c4cde).
    if (buddyMt !== mt) {
      setBlockMigratetype(machine, buddyPfn, order, mt);
      emit(machine, { kind: 'merge-retype' });
    }

    pfn = Math.min(pfn, buddyPfn);
    order += 1;
    emit(machine, { kind: 'merge', order });
  }

  // Canonical policy: the list head unless FPI_TO_TAIL (no buddy_merge_likely, no shuffling).
  __add_to_free_list(zone, pfn, order, mt, toTail);
}

/**
 * split_large_buddy (mm/page_alloc.c): a block larger than a pageblock is freed one pageblock at a
 * time, ascending, each piece with its own pageblock's type, so pieces of different types stay apart.
 */
export function split_large_buddy(machine: Machine, zone: Zone, pfn: number, order: number): void {
  const end = pfn + 2 ** order;
  const pieceOrder = Math.min(order, machine.pageblockOrder);
  for (let p = pfn; p < end; p += 2 ** pieceOrder) {
    const mt = get_pfnblock_migratetype(machine, p);
    __free_one_page(machine, zone, p, pieceOrder, mt);
  }
}

/** free_one_page (mm/page_alloc.c): the buddy half of freeing a folio (no pcp lists in the model). */
export function free_one_page(machine: Machine, zone: Zone, pfn: number, order: number): void {
  split_large_buddy(machine, zone, pfn, order);
}
