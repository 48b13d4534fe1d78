// Folio migration (mm/migrate.c, MODEL.md "Migration"): a folio moves only when `_refcount` equals
// its mapped pages; the target (same order) comes from the allocator with the caller's gfp, node
// and nodemask; the mapping moves to the target (the anon rmap names the one VMA and index) and the
// source is freed on its current pageblock type.
import { GFP_BITS } from '../api/index.js';
import { get_page_from_freelist } from './alloc.js';
import { current_gfp_context } from './gfp.js';
import { NIL, ORDER_MASK, PG_ANON, ZONE_MOVABLE } from './mem.js';
import { NP_OPS_MIGRATION } from './node_private.js';
import { free_folio } from './page_ref.js';
import type { ImplSystem } from './system.js';
import type { NodeMask } from './zonelist.js';

export const MIGRATE_OK = 0;
export const MIGRATE_REFS = 1;
export const MIGRATE_NOMEM = 2;
/** the source is on a private node whose ops lack NP_OPS_MIGRATION (folio_managed_allows_migrate) */
export const MIGRATE_PRIVATE = 3;

/** only mappings hold the folio (folio_expected_ref_count): unmapped and kernel folios never move */
export function folio_migratable(mm: { readonly prev: Int32Array; readonly refcount: Int32Array }, idx: number): boolean {
  const mapped = mm.prev[idx]!;
  return mapped !== 0 && mm.refcount[idx] === mapped;
}

// migrate_pages → migrate_folio_move // mm/migrate.c: one folio; MIGRATE_OK, _REFS or _NOMEM
export function migrate_folio(sys: ImplSystem, src: number, gfp: number, preferredPos: number, nodemask: NodeMask | null, mems: NodeMask | null): number {
  const mm = sys.mm;
  const np = sys.np;
  if (np.any && np.privateWithout(mm.zoneNodePos[mm.zoneOf[src]!]!, NP_OPS_MIGRATION)) return MIGRATE_PRIVATE;
  const mapped = mm.prev[src]!;
  if (mapped === 0 || mm.refcount[src] !== mapped) return MIGRATE_REFS;
  const order = mm.flags[src]! & ORDER_MASK;
  // alloc_migration_target (mm/migrate.c): __GFP_HIGHMEM for a source in ZONE_MOVABLE
  const target = mm.zoneIdx[mm.zoneOf[src]!] === ZONE_MOVABLE ? gfp | GFP_BITS.__GFP_HIGHMEM : gfp;
  const dst = get_page_from_freelist(mm, sys.zonelists, current_gfp_context(target, sys.memallocPin), order, preferredPos, nodemask, mems);
  if (dst === NIL) return MIGRATE_NOMEM;
  const folios = sys.folios;
  const base = mm.base;
  // only user folios are mapped, so the source has a user id (< 0)
  const srcId = mm.next[src]!;
  const v = folios.mapVma[-srcId]!;
  const index = folios.mapIndex[-srcId]!;
  mm.flags[dst] = mm.flags[dst]! | PG_ANON;
  mm.next[dst] = folios.bornUser(dst, v, index);
  mm.refcount[dst] = mapped;
  mm.prev[dst] = mapped;
  // Stryker disable next-line ConditionalExpression: a mapped folio (mapped > 0, checked above) always has its VMA; v is 0 only for an unmapped one
  if (v !== 0) {
    // remove_migration_ptes // mm/migrate.c: every pte of the source now maps the target
    const pte = sys.vmas.pte;
    const o = sys.vmas.off[v]! + index;
    const n = 1 << order;
    // Stryker disable next-line ConditionalExpression: a fault maps a whole folio and a VMA is a whole number of folios, so every pte of a mapped folio is present
    for (let i = 0; i < n; i++) if (pte[o + i] !== -1) pte[o + i] = base + dst + i;
  }
  folios.freed(srcId);
  free_folio(mm, src, order);
  return MIGRATE_OK;
}
