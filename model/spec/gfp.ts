// GFP masks: trace names to bits, gfp_zone, gfp_migratetype and current_gfp_context
// (include/linux/gfp.h, include/linux/gfp_types.h, include/linux/sched/mm.h).
import { GFP_BITS, GFP_NAMES, GFP_ZONEMASK, PRIVATE_GFP_NAMES, type GfpName, type Migratetype, type ZoneName } from '../api/index.js';
import type { Task } from './machine.js';

/**
 * The mask a trace's gfp list names (OR of every name), or undefined when a name is unknown.
 * `__GFP_PRIVATE` and `GFP_PRIVATE` exist only in the private-node profiles (`withPrivate`).
 */
export function parseGfp(names: readonly string[], withPrivate = false): number | undefined {
  let gfp = 0;
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(GFP_NAMES, name)) return undefined;
    if (!withPrivate && PRIVATE_GFP_NAMES.includes(name)) return undefined;
    gfp |= GFP_NAMES[name as GfpName];
  }
  return gfp;
}

/**
 * GFP_ZONE_TABLE (include/linux/gfp.h) on x86-64, keyed by gfp & GFP_ZONEMASK
 * (DMA 0x1, HIGHMEM 0x2, DMA32 0x4, MOVABLE 0x8). There is no HIGHMEM, so OPT_ZONE_HIGHMEM is
 * ZONE_NORMAL. `null` marks the combinations GFP_ZONE_BAD rejects.
 */
export const GFP_ZONE_TABLE: readonly (ZoneName | null)[] = [
  /* 0x0 none                */ 'ZONE_NORMAL',
  /* 0x1 DMA                 */ 'ZONE_DMA',
  /* 0x2 HIGHMEM             */ 'ZONE_NORMAL',
  /* 0x3 DMA|HIGHMEM         */ null,
  /* 0x4 DMA32               */ 'ZONE_DMA32',
  /* 0x5 DMA|DMA32           */ null,
  /* 0x6 HIGHMEM|DMA32       */ null,
  /* 0x7 DMA|HIGHMEM|DMA32   */ null,
  /* 0x8 MOVABLE             */ 'ZONE_NORMAL',
  /* 0x9 MOVABLE|DMA         */ 'ZONE_DMA',
  /* 0xa MOVABLE|HIGHMEM     */ 'ZONE_MOVABLE',
  /* 0xb MOVABLE|DMA|HIGHMEM */ null,
  /* 0xc MOVABLE|DMA32       */ 'ZONE_DMA32',
  /* 0xd MOVABLE|DMA|DMA32   */ null,
  /* 0xe MOVABLE|HIGHMEM|DMA32 */ null,
  /* 0xf all four            */ null,
];

/** GFP_ZONE_BAD (include/linux/gfp.h): a zone-modifier combination with no meaning. */
export function gfpZoneIsBad(gfp: number): boolean {
  return GFP_ZONE_TABLE[gfp & GFP_ZONEMASK] === null;
}

/** gfp_zone (include/linux/gfp.h): the highest zone the request may use. */
export function gfp_zone(gfp: number): ZoneName {
  // The kernel VM_BUG_ONs here; the model rejects bad masks before it gets this far.
  if (gfpZoneIsBad(gfp)) throw new Error(`spec: gfp_zone on a bad mask 0x${gfp.toString(16)}`);
  return GFP_ZONE_TABLE[gfp & GFP_ZONEMASK]!;
}

/**
 * gfp_migratetype (include/linux/gfp.h): (gfp & (__GFP_RECLAIMABLE|__GFP_MOVABLE)) >> GFP_MOVABLE_SHIFT.
 * Both bits would give 3 = MIGRATE_HIGHATOMIC (the kernel WARNs; the model rejects the mask first).
 */
export function gfp_migratetype(gfp: number): Migratetype {
  const movable = (gfp & GFP_BITS.__GFP_MOVABLE) !== 0;
  const reclaimable = (gfp & GFP_BITS.__GFP_RECLAIMABLE) !== 0;
  if (movable && reclaimable) return 'MIGRATE_HIGHATOMIC';
  if (movable) return 'MIGRATE_MOVABLE';
  if (reclaimable) return 'MIGRATE_RECLAIMABLE';
  return 'MIGRATE_UNMOVABLE';
}

/** Both mobility bits at once: gfp_migratetype would yield MIGRATE_HIGHATOMIC. */
export function gfpMobilityIsBad(gfp: number): boolean {
  const both = GFP_BITS.__GFP_MOVABLE | GFP_BITS.__GFP_RECLAIMABLE;
  return (gfp & both) === both;
}

/**
 * current_gfp_context (include/linux/sched/mm.h): a pin scope (PF_MEMALLOC_PIN) strips __GFP_MOVABLE.
 * `nocma` (linux-5.10, `longtermCmaOnly`): the scope is 5.10's memalloc_nocma (PF_MEMALLOC_NOCMA),
 * which leaves the mask alone; it only clears ALLOC_CMA (current_alloc_flags). 8e3560d963d2 "honor
 * PF_MEMALLOC_PIN for all movable pages" (5.13) made the scope strip __GFP_MOVABLE.
 */
export function current_gfp_context(task: Task, gfp: number, nocma = false): number {
  if (task.flags.has('PF_MEMALLOC_PIN') && !nocma) return gfp & ~GFP_BITS.__GFP_MOVABLE;
  return gfp;
}

/**
 * current_alloc_flags (mm/page_alloc.c, 5.10): whether ALLOC_CMA survives the task's context. Only
 * under `nocma` (linux-5.10) does the scope clear it; in 6.12 the stripped mask already keeps an
 * allocation out of CMA (gfp_to_alloc_flags_cma).
 */
export function current_alloc_flags_cma(task: Task, allocCma: boolean, nocma = false): boolean {
  if (nocma && task.flags.has('PF_MEMALLOC_PIN')) return false;
  return allocCma;
}

/** gfp_zonelist (include/linux/gfp.h): __GFP_THISNODE uses the node's own zones only. */
export function gfp_zonelist(gfp: number): 'ZONELIST_FALLBACK' | 'ZONELIST_NOFALLBACK' {
  return (gfp & GFP_BITS.__GFP_THISNODE) !== 0 ? 'ZONELIST_NOFALLBACK' : 'ZONELIST_FALLBACK';
}
