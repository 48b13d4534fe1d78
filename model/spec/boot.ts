// Bringing a machine up: lay out nodes and zones, build the zonelists, free every zone's memory.
import type { MachineConfig, Migratetype, Profile } from '../api/index.js';
import { account_freepages, __add_to_free_list } from './freelist.js';
import { get_pfnblock_migratetype, layoutMachine, pageblockNrPages, type Machine, type Zone } from './machine.js';
import { build_all_zonelists } from './zonelist.js';

/** The largest naturally aligned order (≤ maxOrder) of a block at `pfn` that ends by `end`. */
export function largestBlockOrder(pfn: number, end: number, maxOrder: number): number {
  let order = maxOrder;
  while (order > 0 && (pfn % 2 ** order !== 0 || pfn + 2 ** order > end)) order -= 1;
  return order;
}

/**
 * Free [start, end) of one pageblock type as boot and hot-add do (__free_pages_core with
 * FPI_TO_TAIL): largest aligned blocks, ascending pfn, each appended to the list tail, so a fresh
 * list is in ascending pfn order. The blocks are already maximal, so nothing would merge.
 */
export function freeRangeToTail(machine: Machine, zone: Zone, start: number, end: number, mt: Migratetype): void {
  let pfn = start;
  while (pfn < end) {
    const order = largestBlockOrder(pfn, end, machine.maxOrder);
    __add_to_free_list(zone, pfn, order, mt, true);
    account_freepages(zone, 2 ** order, mt);
    pfn += 2 ** order;
  }
}

/** Cut a zone into maximal runs of same-type pageblocks and free each run (docs/MODEL.md). */
export function freeBootMemory(machine: Machine, zone: Zone): void {
  const step = pageblockNrPages(machine);
  const end = zone.zone_start_pfn + zone.spanned_pages;
  let runStart = zone.zone_start_pfn;
  while (runStart < end) {
    const mt = get_pfnblock_migratetype(machine, runStart);
    let runEnd = runStart + step;
    while (runEnd < end && get_pfnblock_migratetype(machine, runEnd) === mt) runEnd += step;
    freeRangeToTail(machine, zone, runStart, runEnd, mt);
    runStart = runEnd;
  }
}

/** A machine in its initial state: every zone free, zonelists built. The config is already valid. */
export function createMachine(config: MachineConfig, profile: Profile): Machine {
  const machine = layoutMachine(config, profile);
  build_all_zonelists(machine);
  for (const zone of machine.zones) freeBootMemory(machine, zone);
  return machine;
}
