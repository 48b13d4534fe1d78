// Putting blocks back: __free_one_page, split_large_buddy (mm/page_alloc.c, MODEL.md "Freeing") and
// the boot-time freeing of every zone range.
import { account_freepages, add_to_free_list_head, add_to_free_list_tail, del_page_from_free_list } from './freelist.js';
import { buddyListType, MIGRATE_HIGHATOMIC, MIGRATE_ISOLATE, ORDER_MASK, PG_BUDDY } from './mem.js';
import type { MemMap } from './mem.js';

// migratetype_is_mergeable // include/linux/mmzone.h
export function migratetype_is_mergeable(mt: number): boolean {
  return mt < MIGRATE_HIGHATOMIC;
}

// __free_one_page // mm/page_alloc.c (to the list head unless FPI_TO_TAIL: no buddy_merge_likely, no shuffle)
export function __free_one_page(mm: MemMap, idx: number, z: number, order: number, mt: number, toTail: boolean): void {
  const maxOrder = mm.maxOrder;
  const pbo = mm.pageblockOrder;
  const flags = mm.flags;
  const zoneOf = mm.zoneOf;
  const pbType = mm.pbType;
  account_freepages(mm, z, 1 << order, mt);
  while (order < maxOrder) {
    const buddy = idx ^ (1 << order);
    // page_is_buddy // mm/internal.h: checked before the buddy's pageblock is read (787af64d05cd)
    const f = flags[buddy]!;
    if ((f & (PG_BUDDY | ORDER_MASK)) !== (PG_BUDDY | order) || zoneOf[buddy] !== z) break;
    const buddyMt = pbType[buddy >>> pbo]!;
    if (order >= pbo) {
      if (mm.mergeGateFreeingOnly) {
        // isolate-merge: the buddy's type is not looked at, CMA is not special
        if (mt === MIGRATE_ISOLATE) break;
      } else if (buddyMt !== mt && (!migratetype_is_mergeable(mt) || !migratetype_is_mergeable(buddyMt))) break;
    }
    del_page_from_free_list(mm, buddy, z, order, buddyListType(f));
    // set_pageblock_migratetype on every pageblock the buddy covers (e6cf9e1c4cde, MODEL.md)
    // Stryker disable next-line ConditionalExpression: when the types are equal the fill writes the value already there
    if (buddyMt !== mt) pbType.fill(mt, buddy >>> pbo, (buddy + (1 << order)) >>> pbo);
    idx &= buddy;
    order++;
  }
  if (toTail) add_to_free_list_tail(mm, idx, z, order, mt);
  else add_to_free_list_head(mm, idx, z, order, mt);
}

// split_large_buddy // mm/page_alloc.c: pageblock-sized pieces, each with its own pageblock's type
export function split_large_buddy(mm: MemMap, idx: number, z: number, order: number): void {
  const pbo = mm.pageblockOrder;
  const end = idx + (1 << order);
  // Stryker disable next-line EqualityOperator: at order == pbo the assignment writes the same value
  if (order > pbo) order = pbo;
  do {
    __free_one_page(mm, idx, z, order, mm.pbType[idx >>> pbo]!, false);
    idx += 1 << order;
  } while (idx !== end);
}

// __free_pages_ok // mm/page_alloc.c: free a whole folio whose flags were already cleared
export function __free_pages_ok(mm: MemMap, idx: number, order: number): void {
  // free_one_page → split_large_buddy: at an order <= pageblockOrder that is one __free_one_page
  split_large_buddy(mm, idx, mm.zoneOf[idx]!, order);
}

/**
 * Boot-time freeing (memblock_free_all → __free_pages_core, FPI_TO_TAIL): each zone range cut into
 * maximal runs of same-type pageblocks, each run freed as the largest naturally aligned blocks in
 * ascending pfn order, appended to list tails. Such blocks never have a mergeable free buddy.
 */
export function freeAllZoneRanges(mm: MemMap): void {
  const pbo = mm.pageblockOrder;
  const pbType = mm.pbType;
  // Stryker disable next-line EqualityOperator: zone nrZones does not exist: zoneExists is undefined there and its span NaN, so the run loop is empty
  for (let z = 0; z < mm.nrZones; z++) {
    // Stryker disable next-line ConditionalExpression: a shortcut; an absent zone has no present pages, so its run loop is empty
    if (mm.zoneExists[z] === 0) continue;
    const start = mm.zoneSpanStart[z]! - mm.base;
    const end = start + mm.zonePresent[z]!;
    let runStart = start;
    while (runStart < end) {
      const mt = pbType[runStart >>> pbo]!;
      let runEnd = runStart + (1 << pbo);
      while (runEnd < end && pbType[runEnd >>> pbo] === mt) runEnd += 1 << pbo;
      freeRunToTail(mm, z, runStart, runEnd, mt);
      runStart = runEnd;
    }
  }
}

/**
 * online_pages (generic_online_page → __free_pages_core, FPI_TO_TAIL): [idx, end) freed as the
 * largest naturally aligned blocks in ascending pfn, each through __free_one_page to the tail.
 */
export function free_range_to_tail(mm: MemMap, z: number, idx: number, end: number, mt: number): void {
  while (idx < end) {
    const order = largestBlock(mm, idx, end);
    __free_one_page(mm, idx, z, order, mt, true);
    idx += 1 << order;
  }
}

function largestBlock(mm: MemMap, idx: number, end: number): number {
  let order = idx === 0 ? mm.maxOrder : Math.min(mm.maxOrder, 31 - Math.clz32(idx & -idx));
  while (idx + (1 << order) > end) order--;
  return order;
}

function freeRunToTail(mm: MemMap, z: number, idx: number, end: number, mt: number): void {
  while (idx < end) {
    const order = largestBlock(mm, idx, end);
    add_to_free_list_tail(mm, idx, z, order, mt);
    account_freepages(mm, z, 1 << order, mt);
    idx += 1 << order;
  }
}
