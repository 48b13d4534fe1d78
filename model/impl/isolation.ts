// Pageblock isolation (mm/page_isolation.c, MODEL.md "Isolation"): set_migratetype_isolate without
// its checks, has_unmovable_pages for kernel folios, and the undo with the tail putback.
import { account_freepages, add_to_free_list_tail, del_page_from_free_list } from './freelist.js';
import { __free_one_page, split_large_buddy } from './free.js';
import { buddyListType, isBuddyHead, isFolioHead, MIGRATE_ISOLATE, ORDER_MASK, PG_ANON } from './mem.js';
import type { MemMap } from './mem.js';

/** the free block head covering idx with an order above `minOrder`, or -1 */
export function covering_block(mm: MemMap, idx: number, minOrder: number, folio: boolean): number {
  for (let o = minOrder + 1; o <= mm.maxOrder; o++) {
    const h = idx & ~((1 << o) - 1);
    const f = mm.flags[h]!;
    if ((folio ? isFolioHead(f) : isBuddyHead(f)) && (f & ORDER_MASK) === o) return h;
  }
  return -1;
}

// set_migratetype_isolate → move_freepages_block_isolate // mm/page_isolation.c, mm/page_alloc.c
export function isolate_pageblock(mm: MemMap, pb: number): void {
  const pbo = mm.pageblockOrder;
  const start = pb << pbo;
  const end = start + (1 << pbo);
  const z = mm.zoneOf[start]!;
  const big = covering_block(mm, start, pbo, false);
  mm.pbType[pb] = MIGRATE_ISOLATE;
  // Stryker disable next-line ConditionalExpression: with big = -1 every read is undefined and every write to index -1 or NaN is ignored; the two counter updates (nrFree and NR_FREE_PAGES, -1 then +1) cancel
  if (big >= 0) {
    const f = mm.flags[big]!;
    const order = f & ORDER_MASK;
    del_page_from_free_list(mm, big, z, order, buddyListType(f));
    account_freepages(mm, z, -(1 << order), buddyListType(f));
    split_large_buddy(mm, big, z, order);
  }
  // move_freepages_block: every free block inside, ascending, to the ISOLATE list tail
  for (let idx = start; idx < end; ) {
    const f = mm.flags[idx]!;
    if (isBuddyHead(f)) {
      const order = f & ORDER_MASK;
      const mt = buddyListType(f);
      del_page_from_free_list(mm, idx, z, order, mt);
      account_freepages(mm, z, -(1 << order), mt);
      add_to_free_list_tail(mm, idx, z, order, MIGRATE_ISOLATE);
      idx += 1 << order;
    } else idx++;
  }
}

// has_unmovable_pages // mm/page_isolation.c: a kernel folio (not anon) overlaps the pageblock
export function has_unmovable_pages(mm: MemMap, pb: number): boolean {
  const pbo = mm.pageblockOrder;
  const start = pb << pbo;
  const end = start + (1 << pbo);
  const outer = covering_block(mm, start, pbo, true);
  if (outer >= 0) return (mm.flags[outer]! & PG_ANON) === 0;
  for (let idx = start; idx < end; ) {
    const f = mm.flags[idx]!;
    if (isFolioHead(f) && (f & PG_ANON) === 0) return true;
    idx += 1 << (f & ORDER_MASK); // a page with flags 0 (not a head) steps by 1 << 0
  }
  return false;
}

// undo_isolate_page_range // mm/page_isolation.c: pageblocks [pbA, pbB) become mt, then every free
// block inside is unlinked and put back to the tail (__putback_isolated_page, FPI_TO_TAIL)
export function undo_isolate_page_range(mm: MemMap, pbA: number, pbB: number, mt: number): void {
  const pbo = mm.pageblockOrder;
  mm.pbType.fill(mt, pbA, pbB);
  const heads: number[] = [];
  const end = pbB << pbo;
  for (let idx = pbA << pbo; idx < end; ) {
    const f = mm.flags[idx]!;
    if (isBuddyHead(f)) {
      const order = f & ORDER_MASK;
      heads.push(idx, order);
      del_page_from_free_list(mm, idx, mm.zoneOf[idx]!, order, buddyListType(f));
      account_freepages(mm, mm.zoneOf[idx]!, -(1 << order), buddyListType(f));
      idx += 1 << order;
    } else idx += 1 << (f & ORDER_MASK); // a page with flags 0 (not a head) steps by 1 << 0
  }
  // Stryker disable next-line EqualityOperator: at i = heads.length every index is undefined/NaN: the typed-array reads give undefined and the writes are ignored
  for (let i = 0; i < heads.length; i += 2) __free_one_page(mm, heads[i]!, mm.zoneOf[heads[i]!]!, heads[i + 1]!, mt, true);
}
