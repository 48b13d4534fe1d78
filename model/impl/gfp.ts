// gfp masks: names to bits, gfp_zone via GFP_ZONE_TABLE / GFP_ZONE_BAD, gfp_migratetype,
// current_gfp_context (include/linux/gfp.h, include/linux/sched/mm.h).
import { GFP_BITS, GFP_NAMES, GFP_ZONEMASK } from '../api/index.js';

const ___GFP_DMA = GFP_BITS.__GFP_DMA;
const ___GFP_HIGHMEM = GFP_BITS.__GFP_HIGHMEM;
const ___GFP_DMA32 = GFP_BITS.__GFP_DMA32;
const ___GFP_MOVABLE = GFP_BITS.__GFP_MOVABLE;
const ___GFP_RECLAIMABLE = GFP_BITS.__GFP_RECLAIMABLE;

// enum zone_type on x86-64 without HIGHMEM (OPT_ZONE_HIGHMEM = ZONE_NORMAL)
const ZONE_DMA = 0;
const ZONE_DMA32 = 1;
const ZONE_NORMAL = 2;
const ZONE_MOVABLE = 3;
const OPT_ZONE_HIGHMEM = ZONE_NORMAL;

/** bits per zone number in GFP_ZONE_TABLE (ZONES_SHIFT for 4 zones) */
export const GFP_ZONES_SHIFT = 2;

// GFP_ZONE_TABLE // include/linux/gfp.h
export const GFP_ZONE_TABLE =
  // Stryker disable next-line ArithmeticOperator: 0 * 2 and 0 / 2 are both 0
  ((ZONE_NORMAL << (0 * GFP_ZONES_SHIFT)) |
    // Stryker disable next-line ArithmeticOperator: ZONE_DMA is 0, so its entry is 0 at any shift
    (ZONE_DMA << (___GFP_DMA * GFP_ZONES_SHIFT)) |
    (OPT_ZONE_HIGHMEM << (___GFP_HIGHMEM * GFP_ZONES_SHIFT)) |
    (ZONE_DMA32 << (___GFP_DMA32 * GFP_ZONES_SHIFT)) |
    (ZONE_NORMAL << (___GFP_MOVABLE * GFP_ZONES_SHIFT)) |
    // Stryker disable next-line ArithmeticOperator: ZONE_DMA is 0, so its entry is 0 at any shift
    (ZONE_DMA << ((___GFP_MOVABLE | ___GFP_DMA) * GFP_ZONES_SHIFT)) |
    (ZONE_MOVABLE << ((___GFP_MOVABLE | ___GFP_HIGHMEM) * GFP_ZONES_SHIFT)) |
    (ZONE_DMA32 << ((___GFP_MOVABLE | ___GFP_DMA32) * GFP_ZONES_SHIFT))) >>>
  0;

// GFP_ZONE_BAD // include/linux/gfp.h
export const GFP_ZONE_BAD =
  (1 << (___GFP_DMA | ___GFP_HIGHMEM)) |
  (1 << (___GFP_DMA | ___GFP_DMA32)) |
  (1 << (___GFP_DMA32 | ___GFP_HIGHMEM)) |
  (1 << (___GFP_DMA | ___GFP_DMA32 | ___GFP_HIGHMEM)) |
  (1 << (___GFP_MOVABLE | ___GFP_HIGHMEM | ___GFP_DMA)) |
  (1 << (___GFP_MOVABLE | ___GFP_DMA32 | ___GFP_DMA)) |
  (1 << (___GFP_MOVABLE | ___GFP_DMA32 | ___GFP_HIGHMEM)) |
  (1 << (___GFP_MOVABLE | ___GFP_DMA32 | ___GFP_DMA | ___GFP_HIGHMEM));

const GFP_MOVABLE_SHIFT = 3;
const GFP_MOVABLE_MASK = ___GFP_RECLAIMABLE | ___GFP_MOVABLE;

const NAME_TO_MASK: ReadonlyMap<string, number> = new Map(Object.entries(GFP_NAMES));

/** A small direct-mapped cache of gfp lists, by value: each slot keeps a copy of the names. */
const CACHE_SLOTS = 32;
const SLOT_MASK = CACHE_SLOTS - 1;
// Stryker disable next-line ArrayDeclaration: a slot's names are only read below its cacheLen, after they were written
const cacheNames: string[][] = Array.from({ length: CACHE_SLOTS }, () => []);
// Stryker disable next-line UnaryOperator: a fresh slot never matches a list of strings (its names are unset), whatever length it claims
const cacheLen = new Int32Array(CACHE_SLOTS).fill(-1);
const cacheGfp = new Int32Array(CACHE_SLOTS);

/**
 * OR of the named masks, or -1 when a name is unknown. Lists seen before are found in a small
 * cache (compared name by name against a copy, so a mutated list is never served stale): a
 * repeated gfp list costs a few string compares and no map lookups.
 */
export function parseGfp(names: readonly string[]): number {
  const n = names.length;
  let slot = n;
  // Stryker disable next-line BlockStatement: the hash only picks a cache slot; any slot is correct
  if (n > 0) {
    const first = names[0]!;
    const last = names[n - 1]!;
    // Stryker disable next-line ArithmeticOperator: the hash only picks a cache slot; any slot is correct
    slot = (n * 31 + first.length * 7 + last.length * 3 + first.charCodeAt(first.length - 1)) & SLOT_MASK;
  }
  const cached = cacheNames[slot]!;
  // Stryker disable next-line BlockStatement: without a hit the names are looked up again, to the same mask
  if (cacheLen[slot] === n) {
    let i = 0;
    while (i < n && names[i] === cached[i]) i++;
    if (i === n) return cacheGfp[slot]!;
  }
  const gfp = lookupGfp(names);
  // Stryker disable next-line ConditionalExpression: a slot whose names are not copied never hits, and the lookup gives the same mask
  for (let i = 0; i < n; i++) cached[i] = names[i]!;
  cacheLen[slot] = n;
  cacheGfp[slot] = gfp;
  return gfp;
}

function lookupGfp(names: readonly string[]): number {
  let gfp = 0;
  for (let i = 0; i < names.length; i++) {
    const m = NAME_TO_MASK.get(names[i]!);
    if (m === undefined) return -1;
    gfp |= m;
  }
  return gfp;
}

/** whether GFP_ZONE_BAD marks the zone modifiers of gfp invalid (gfp_zone's VM_BUG_ON) */
export function gfp_zone_bad(gfp: number): boolean {
  return ((GFP_ZONE_BAD >>> (gfp & GFP_ZONEMASK)) & 1) !== 0;
}

// gfp_zone // include/linux/gfp.h: highest usable zone index (call gfp_zone_bad first)
export function gfp_zone(gfp: number): number {
  return (GFP_ZONE_TABLE >>> ((gfp & GFP_ZONEMASK) * GFP_ZONES_SHIFT)) & ((1 << GFP_ZONES_SHIFT) - 1);
}

// gfp_migratetype // include/linux/gfp.h (3 = MOVABLE|RECLAIMABLE, which the caller rejects)
export function gfp_migratetype(gfp: number): number {
  return (gfp & GFP_MOVABLE_MASK) >>> GFP_MOVABLE_SHIFT;
}

/** both __GFP_MOVABLE and __GFP_RECLAIMABLE: gfp_migratetype would say MIGRATE_HIGHATOMIC */
export function gfp_migratetype_bad(gfp: number): boolean {
  return (gfp & GFP_MOVABLE_MASK) === GFP_MOVABLE_MASK;
}

/**
 * An internal gfp bit (never a name: parseGfp cannot produce it, alloc_pages refuses the sign bit
 * before the scope applies): ALLOC_CMA cleared, as memalloc_nocma_save did (linux-5.10's pin scope).
 */
export const GFP_NOCMA_INTERNAL = 0x40000000;

/** the task's allocation scope: none, PF_MEMALLOC_PIN (6.12) or PF_MEMALLOC_NOCMA (linux-5.10) */
export const SCOPE_NONE = 0;
export const SCOPE_PIN = 1;
export const SCOPE_NOCMA = 2;

// current_gfp_context // include/linux/sched/mm.h: PF_MEMALLOC_PIN strips __GFP_MOVABLE;
// linux-5.10's PF_MEMALLOC_NOCMA keeps it and only clears ALLOC_CMA (gfp_to_alloc_flags_cma)
export function current_gfp_context(gfp: number, scope: number): number {
  return scope === SCOPE_NONE ? gfp : scope === SCOPE_PIN ? gfp & ~___GFP_MOVABLE : gfp | GFP_NOCMA_INTERNAL;
}
