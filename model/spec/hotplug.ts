// Memory hot(un)plug: offline_pages and online_pages (mm/memory_hotplug.c), as docs/MODEL.md fixes
// them: offline isolates, migrates every folio once and either takes the range out of its zone or
// undoes the isolation; online adds a range to ZONE_MOVABLE or ZONE_NORMAL and frees it to the tails.
import { GFP_BITS, GFP_COMPOSITES, type Errno, type ZoneName } from '../api/index.js';
import { largestBlockOrder } from './boot.js';
import { __del_page_from_free_list } from './freelist.js';
import { __free_one_page } from './free.js';
import { freeBlocksIn, pageblocksCovering, start_isolate_page_range, undo_isolate_page_range } from './isolate.js';
import {
  findNode,
  get_pfnblock_migratetype,
  memoryNodes,
  newZone,
  page_zone,
  pageblockNrPages,
  type Machine,
  type Node,
  type Zone,
} from './machine.js';
import { kernelContext, migrate_folio } from './migrate.js';
import { node_is_private } from './private.js';
import { build_all_zonelists } from './zonelist.js';
import type { Folio } from './folio.js';

/** Whole pageblocks from a pfn >= 0 (`% nr === 0` also refuses a non-integer, NaN or Infinity). */
function isPfnRange(machine: Machine, startPfn: number, pages: number): boolean {
  const nr = pageblockNrPages(machine);
  return pages > 0 && startPfn >= 0 && startPfn % nr === 0 && pages % nr === 0;
}

/** The allocated folios overlapping [start, end), ascending head pfn. */
export function foliosOverlapping(machine: Machine, start: number, end: number): Folio[] {
  return [...machine.folios.values()]
    .filter((f) => f.pfn < end && f.pfn + 2 ** f.order > start)
    .sort((a, b) => a.pfn - b.pfn);
}

/**
 * shrink_zone_span / resize_zone_range (mm/memory_hotplug.c), model form: the span runs from the
 * lowest to the highest present pfn of the zone; 0/0 when nothing is present.
 */
export function updateZoneSpan(machine: Machine, zone: Zone): void {
  const nr = pageblockNrPages(machine);
  let lo = Infinity;
  let hi = -Infinity;
  for (const [pb, block] of machine.pageblocks) {
    if (block.zone !== zone) continue;
    lo = Math.min(lo, pb);
    hi = Math.max(hi, pb + nr);
  }
  zone.zone_start_pfn = lo === Infinity ? 0 : lo;
  zone.spanned_pages = lo === Infinity ? 0 : hi - lo;
}

/**
 * do_migrate_range (mm/memory_hotplug.c): migration targets for an offline, GFP_USER |
 * __GFP_MOVABLE | __GFP_RETRY_MAYFAIL (alloc_migration_target adds __GFP_HIGHMEM from ZONE_MOVABLE), preferred node the
 * folio's, nodemask every other N_MEMORY node (or the folio's node alone), no cpuset.
 */
function offlineTarget(machine: Machine, folio: Folio) {
  const node = findNode(machine, folio.zone.nid)!;
  // node_states[N_MEMORY], which excludes N_MEMORY_PRIVATE nodes (RFC v4 patch 01)
  const others = memoryNodes(machine).filter((nid) => nid !== node.nid && !node_is_private(machine, nid));
  return {
    task: kernelContext(machine),
    gfp: GFP_COMPOSITES.GFP_USER | GFP_BITS.__GFP_MOVABLE | GFP_BITS.__GFP_RETRY_MAYFAIL,
    preferred: node,
    nodemask: new Set(others.length > 0 ? others : [node.nid]),
  };
}

/** offline_pages (mm/memory_hotplug.c) */
export function offline_pages(machine: Machine, startPfn: number, pages: number): 0 | Errno {
  if (!isPfnRange(machine, startPfn, pages)) return '-EINVAL';
  const end = startPfn + pages;
  const pbs = pageblocksCovering(machine, startPfn, end);
  const zone = page_zone(machine, startPfn);
  if (zone === undefined || !pbs.every((pb) => page_zone(machine, pb) === zone)) return '-EINVAL';

  // start_isolate_page_range with has_unmovable_pages: CMA blocks, and kernel folios outside ZONE_MOVABLE.
  const nr = pageblockNrPages(machine);
  const busy = start_isolate_page_range(machine, pbs, 'MIGRATE_MOVABLE', (pb) => {
    if (get_pfnblock_migratetype(machine, pb) === 'MIGRATE_CMA') return 'cma';
    if (zone.name !== 'ZONE_MOVABLE' && foliosOverlapping(machine, pb, pb + nr).some((f) => !f.user)) return 'unmovable';
    return undefined;
  });
  if (busy !== 0) return busy;

  let left = false;
  // Each folio once. A migration frees only its own source, and its target takes a free pfn: the
  // other folios of the list stay where they are.
  for (const folio of foliosOverlapping(machine, startPfn, end)) {
    const outcome = migrate_folio(machine, folio, 'offline', () => offlineTarget(machine, folio));
    if (!outcome.ok) left = true;
  }
  if (left) {
    undo_isolate_page_range(machine, pbs, 'MIGRATE_MOVABLE');
    return '-EINTR';
  }

  // __offline_isolated_pages: the free blocks leave the ISOLATE lists; the pages leave the zone.
  for (const block of freeBlocksIn(zone, startPfn, end)) __del_page_from_free_list(zone, block.pfn, block.order);
  for (const pb of pbs) {
    machine.pageblocks.delete(pb);
    machine.offline.add(pb);
  }
  zone.present_pages -= pages;
  zone.managed_pages -= pages;
  updateZoneSpan(machine, zone);
  return 0;
}

/** The zone `name` of a node, created (and the zonelists rebuilt) when the node has none yet. */
function zoneForOnline(machine: Machine, node: Node, name: ZoneName, start: number): Zone {
  const existing = node.node_zones.find((z) => z.name === name);
  if (existing !== undefined) return existing;
  const zone = newZone(machine.maxOrder, node.nid, name, start, 0);
  zone.spanned_pages = 0;
  zone.present_pages = 0;
  zone.managed_pages = 0;
  node.node_zones.push(zone);
  node.node_zones.sort((a, b) => a.idx - b.idx);
  // machine.zones stays in (config node order, zone index) order
  const rank = (z: Zone) => findNode(machine, z.nid)!.position * 16 + z.idx;
  machine.zones.push(zone);
  machine.zones.sort((a, b) => rank(a) - rank(b));
  build_all_zonelists(machine);
  return zone;
}

/** online_pages (mm/memory_hotplug.c) with zone_for_pfn_range for online_movable / online_kernel. */
export function online_pages(machine: Machine, nid: number, startPfn: number, pages: number, type: string): 0 | Errno {
  if (!isPfnRange(machine, startPfn, pages)) return '-EINVAL';
  const node = findNode(machine, nid);
  if (node === undefined) return '-EINVAL';
  if (type !== 'online_movable' && type !== 'online_kernel') return '-EINVAL';
  const end = startPfn + pages;
  const pbs = pageblocksCovering(machine, startPfn, end);
  if (pbs.some((pb) => machine.pageblocks.has(pb))) return '-EINVAL';

  const zone = zoneForOnline(machine, node, type === 'online_movable' ? 'ZONE_MOVABLE' : 'ZONE_NORMAL', startPfn);
  for (const pb of pbs) {
    machine.pageblocks.set(pb, { migratetype: 'MIGRATE_MOVABLE', zone });
    machine.offline.delete(pb);
  }
  zone.present_pages += pages;
  zone.managed_pages += pages;
  updateZoneSpan(machine, zone);
  // online_pages_range + undo_isolate_page_range: largest aligned blocks, each to the list tail.
  let pfn = startPfn;
  while (pfn < end) {
    const order = largestBlockOrder(pfn, end, machine.maxOrder);
    __free_one_page(machine, zone, pfn, order, 'MIGRATE_MOVABLE', true);
    pfn += 2 ** order;
  }
  return 0;
}
