// Pageblock isolation (mm/page_isolation.c) as docs/MODEL.md "Isolation" fixes it: isolating moves
// a pageblock's free blocks to the tail of the ISOLATE lists; undoing retypes the range and frees
// every free block again to the list tails, so it merges where the gate allows.
import type { Migratetype } from '../api/index.js';
import { __add_to_free_list, del_page_from_free_list } from './freelist.js';
import { __free_one_page, split_large_buddy } from './free.js';
import { emit, get_pfnblock_migratetype, page_zone, pageblockNrPages, set_pageblock_migratetype, type Machine, type Zone } from './machine.js';

/** The free blocks (head pfn, order) whose head lies in [start, end) of this zone, ascending pfn. */
export function freeBlocksIn(zone: Zone, start: number, end: number): { pfn: number; order: number }[] {
  return [...zone.buddies.entries()]
    .filter(([pfn]) => pfn >= start && pfn < end)
    .sort(([a], [b]) => a - b)
    .map(([pfn, b]) => ({ pfn, order: b.order }));
}

/** The free block of order > pageblock order that covers `pfn`, if any. */
function coveringLargeBuddy(machine: Machine, zone: Zone, pfn: number): { pfn: number; order: number } | undefined {
  for (let order = machine.pageblockOrder + 1; order <= machine.maxOrder; order++) {
    const head = Math.floor(pfn / 2 ** order) * 2 ** order;
    const b = zone.buddies.get(head);
    if (b !== undefined && b.order === order) return { pfn: head, order };
  }
  return undefined;
}

/**
 * move_freepages_block_isolate (mm/page_alloc.c) after set_migratetype_isolate's checks: retype the
 * pageblock ISOLATE, split a larger free block that covers it (split_large_buddy), then move every
 * free block inside it, ascending pfn, to the tail of the ISOLATE list of its order.
 */
export function move_freepages_block_isolate(machine: Machine, pb: number): void {
  const zone = page_zone(machine, pb);
  if (zone === undefined) throw new Error(`spec: pageblock ${pb} is not present`);
  set_pageblock_migratetype(machine, pb, 'MIGRATE_ISOLATE');
  const large = coveringLargeBuddy(machine, zone, pb);
  if (large !== undefined) {
    del_page_from_free_list(zone, large.pfn, large.order, zone.buddies.get(large.pfn)!.list);
    split_large_buddy(machine, zone, large.pfn, large.order);
  }
  for (const block of freeBlocksIn(zone, pb, pb + pageblockNrPages(machine))) {
    del_page_from_free_list(zone, block.pfn, block.order, zone.buddies.get(block.pfn)!.list);
    __add_to_free_list(zone, block.pfn, block.order, 'MIGRATE_ISOLATE', true);
  }
}

/** The first pfns of the pageblocks covering [start, end). */
export function pageblocksCovering(machine: Machine, start: number, end: number): number[] {
  const nr = pageblockNrPages(machine);
  const pbs: number[] = [];
  for (let pb = Math.floor(start / nr) * nr; pb < end; pb += nr) pbs.push(pb);
  return pbs;
}

/** Why a pageblock may not be isolated (has_unmovable_pages and the CMA test), or undefined. */
export type IsolateCheck = (pb: number) => 'cma' | 'unmovable' | undefined;

/**
 * start_isolate_page_range (mm/page_isolation.c): isolate the pageblocks in ascending order; the
 * first that `check` refuses ends it with -EBUSY, and the ones isolated so far are undone to
 * `mtOnFailure`.
 */
export function start_isolate_page_range(
  machine: Machine,
  pageblocks: readonly number[],
  mtOnFailure: Migratetype,
  check: IsolateCheck,
): 0 | '-EBUSY' {
  const done: number[] = [];
  for (const pb of pageblocks) {
    const why = check(pb);
    if (why !== undefined) {
      emit(machine, { kind: 'isolate-failed', why });
      undo_isolate_page_range(machine, done, mtOnFailure);
      return '-EBUSY';
    }
    move_freepages_block_isolate(machine, pb);
    done.push(pb);
  }
  return 0;
}

/**
 * undo_isolate_page_range (mm/page_isolation.c), model form: retype every pageblock to `mt`, unlink
 * every free block inside them (ascending pfn, as listed before the undo), then free each again with
 * __free_one_page to the list tail (__putback_isolated_page, FPI_TO_TAIL).
 */
export function undo_isolate_page_range(machine: Machine, pageblocks: readonly number[], mt: Migratetype): void {
  const nr = pageblockNrPages(machine);
  const blocks: { zone: Zone; pfn: number; order: number }[] = [];
  for (const pb of pageblocks) {
    set_pageblock_migratetype(machine, pb, mt);
    const zone = page_zone(machine, pb)!;
    for (const b of freeBlocksIn(zone, pb, pb + nr)) blocks.push({ zone, ...b });
  }
  blocks.sort((a, b) => a.pfn - b.pfn);
  for (const b of blocks) del_page_from_free_list(b.zone, b.pfn, b.order, b.zone.buddies.get(b.pfn)!.list);
  for (const b of blocks) __free_one_page(machine, b.zone, b.pfn, b.order, get_pfnblock_migratetype(machine, b.pfn), true);
}
