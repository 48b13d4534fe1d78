// The allocation engine: walk a precomputed zonelist and take the first block __rmqueue finds
// (get_page_from_freelist, mm/page_alloc.c, without watermarks, pcp or reclaim: MODEL.md).
import { GFP_BITS } from '../api/index.js';
import { gfp_migratetype, gfp_zone, GFP_NOCMA_INTERNAL } from './gfp.js';
import { MIGRATE_MOVABLE, NIL, PG_FOLIO } from './mem.js';
import type { MemMap } from './mem.js';
import { __rmqueue } from './rmqueue.js';
import type { NodeMask, Zonelists } from './zonelist.js';

const __GFP_THISNODE = GFP_BITS.__GFP_THISNODE;

// get_page_from_freelist // mm/page_alloc.c: returns the head page index of a fresh folio, or NIL
export function get_page_from_freelist(
  mm: MemMap,
  zl: Zonelists,
  gfp: number,
  order: number,
  preferredPos: number,
  nodemask: NodeMask | null,
  cpusetMems: NodeMask | null,
): number {
  const mt = gfp_migratetype(gfp);
  // gfp_to_alloc_flags_cma // mm/page_alloc.c (linux-5.10: not under memalloc_nocma)
  const allocCma = mt === MIGRATE_MOVABLE && (gfp & GFP_NOCMA_INTERNAL) === 0;
  const key = zl.key(preferredPos, (gfp & __GFP_THISNODE) !== 0, gfp_zone(gfp));
  const zones = zl.zones;
  const end = zl.end[key]!;
  const zoneNodePos = mm.zoneNodePos;
  // numa_zone_alloc_allowed: a closed gate skips the private prefix (zl.startGated); gateMask is 0
  // on a machine without private nodes, so mainline pays one AND here
  const first = (gfp & zl.gateMask) !== 0 && (allocCma || !zl.movableOnly) ? zl.start[key]! : zl.startGated[key]!;
  for (let i = first; i < end; i++) {
    const z = zones[i]!;
    const pos = zoneNodePos[z]!;
    if (nodemask !== null && !nodemask.has(pos)) continue;
    if (cpusetMems !== null && !cpusetMems.has(pos)) continue;
    const idx = __rmqueue(mm, z, order, mt, allocCma);
    if (idx !== NIL) {
      prep_new_page(mm, idx, order);
      return idx;
    }
  }
  return NIL;
}

// prep_new_page / prep_compound_head // mm/page_alloc.c: _refcount 1, unmapped, _pincount 0 (page[1])
export function prep_new_page(mm: MemMap, idx: number, order: number): void {
  mm.flags[idx] = PG_FOLIO | order;
  mm.refcount[idx] = 1;
  mm.prev[idx] = 0;
  if (order > 0) mm.next[idx + 1] = 0;
}
