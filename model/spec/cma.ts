// Contiguous allocations from CMA areas: cma_alloc / cma_release (mm/cma.c) over
// alloc_contig_range / free_contig_range (mm/page_alloc.c), as docs/MODEL.md fixes them.
import { GFP_BITS, GFP_COMPOSITES, type CmaAllocResult, type Errno } from '../api/index.js';
import { largestBlockOrder } from './boot.js';
import { __del_page_from_free_list } from './freelist.js';
import { __free_one_page } from './free.js';
import { nameHandle, setLive } from './handles.js';
import { foliosOverlapping } from './hotplug.js';
import { pageblocksCovering, start_isolate_page_range, undo_isolate_page_range } from './isolate.js';
import { findNode, get_pfnblock_migratetype, page_zone, type Machine } from './machine.js';
import { kernelContext, migrate_folio } from './migrate.js';

/** struct cma, reduced: one configured area (numbered globally in config order). */
export interface CmaArea {
  readonly id: number;
  readonly nid: number;
  readonly base_pfn: number;
  readonly count: number;
}

/** One live cma_alloc range. */
export interface CmaAllocation {
  readonly handle: string;
  readonly area: number;
  readonly pfn: number;
  readonly nrPages: number;
}

/**
 * Take [start, end) off the ISOLATE free lists (isolate_freepages_range): a free block that sticks
 * out is unlinked whole and the pieces outside the window are freed back (largest aligned blocks,
 * ascending pfn, __free_one_page on their pageblock's type, which is still ISOLATE).
 */
function takeFreeRange(machine: Machine, start: number, end: number): void {
  const zone = page_zone(machine, start)!;
  const outside: [number, number][] = [];
  // Stryker disable next-line MethodExpression,ArrowFunction,ArithmeticOperator: the order is unobservable: the pieces never merge and land on ISOLATE lists that undo_isolate_page_range empties and refills in pfn order
  for (const [pfn, b] of [...zone.buddies.entries()].sort(([a], [c]) => a - c)) {
    const blockEnd = pfn + 2 ** b.order;
    if (pfn >= end || blockEnd <= start) continue;
    __del_page_from_free_list(zone, pfn, b.order);
    // the block's pages before and after the window (a piece [from, to) with to <= from is empty)
    outside.push([pfn, start], [end, blockEnd]);
  }
  for (const [from, to] of outside) {
    for (let pfn = from; pfn < to; ) {
      const order = largestBlockOrder(pfn, to, machine.maxOrder);
      __free_one_page(machine, zone, pfn, order, get_pfnblock_migratetype(machine, pfn));
      pfn += 2 ** order;
    }
  }
}

/**
 * alloc_contig_range(start, end, MIGRATE_CMA) (mm/page_alloc.c): isolate the covering pageblocks
 * (a kernel folio in them fails), migrate every user folio overlapping the window (ascending pfn,
 * GFP_USER | __GFP_MOVABLE, to which alloc_migration_target adds __GFP_HIGHMEM from ZONE_MOVABLE;
 * the folio's node, no nodemask, no cpuset; the first failure fails the window), take the window off the free lists and undo the isolation to MIGRATE_CMA.
 */
export function alloc_contig_range(machine: Machine, start: number, end: number): 0 | '-EBUSY' {
  const pbs = pageblocksCovering(machine, start, end);
  const busy = start_isolate_page_range(machine, pbs, 'MIGRATE_CMA', (pb) =>
    foliosOverlapping(machine, pb, pb + 2 ** machine.pageblockOrder).some((f) => !f.user) ? 'unmovable' : undefined,
  );
  if (busy !== 0) return busy;
  for (const folio of foliosOverlapping(machine, start, end)) {
    const outcome = migrate_folio(machine, folio, 'cma', () => ({
      task: kernelContext(machine),
      gfp: GFP_COMPOSITES.GFP_USER | GFP_BITS.__GFP_MOVABLE,
      preferred: findNode(machine, folio.zone.nid)!,
      nodemask: undefined,
    }));
    if (!outcome.ok) {
      undo_isolate_page_range(machine, pbs, 'MIGRATE_CMA');
      return '-EBUSY';
    }
  }
  takeFreeRange(machine, start, end);
  undo_isolate_page_range(machine, pbs, 'MIGRATE_CMA');
  return 0;
}

/** cma_alloc (mm/cma.c): the lowest count-aligned window of the area that alloc_contig_range clears. */
export function cma_alloc(machine: Machine, areaId: number, count: number): CmaAllocResult | Errno {
  const area = Number.isInteger(areaId) ? machine.cmaAreas[areaId] : undefined;
  if (area === undefined) return '-EINVAL';
  if (!Number.isInteger(count) || count < 1 || count > area.count) return '-EINVAL';
  const live = [...machine.cmaAllocations.values()];
  for (let pfn = area.base_pfn; pfn + count <= area.base_pfn + area.count; pfn += count) {
    if (live.some((a) => a.pfn < pfn + count && a.pfn + a.nrPages > pfn)) continue;
    if (alloc_contig_range(machine, pfn, pfn + count) !== 0) continue;
    const handle = nameHandle(machine.handles, 'cma_alloc');
    const range: CmaAllocation = { handle, area: area.id, pfn, nrPages: count };
    machine.cmaAllocations.set(handle, range);
    setLive(machine.handles, { handle, kind: 'cma_alloc', range });
    const zone = page_zone(machine, pfn)!;
    return { ret: 0, cma: handle, pfn, nid: zone.nid, zone: zone.name };
  }
  return '-EBUSY';
}

/** cma_release (mm/cma.c) → free_contig_range: every page back, order 0, ascending pfn. */
export function cma_release(machine: Machine, range: CmaAllocation): void {
  machine.cmaAllocations.delete(range.handle);
  machine.handles.live.delete(range.handle);
  for (let pfn = range.pfn; pfn < range.pfn + range.nrPages; pfn++) {
    __free_one_page(machine, page_zone(machine, pfn)!, pfn, 0, get_pfnblock_migratetype(machine, pfn));
  }
}
