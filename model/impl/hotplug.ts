// Memory hotplug (mm/memory_hotplug.c, MODEL.md "offline_pages" / "online_pages").
import { GFP_BITS, GFP_COMPOSITES } from '../api/index.js';
import type { OfflinePagesOp, OnlinePagesOp, OpResult } from '../api/index.js';
import { buddyListType, isBuddyHead, isFolioHead, MIGRATE_CMA, MIGRATE_MOVABLE, NR_ZONE_TYPES, ORDER_MASK, PB_OFFLINE, PG_ANON, ZONE_MOVABLE, ZONE_NORMAL } from './mem.js';
import type { MemMap } from './mem.js';
import { del_page_from_free_list } from './freelist.js';
import { free_range_to_tail } from './free.js';
import { covering_block, has_unmovable_pages, isolate_pageblock, undo_isolate_page_range } from './isolation.js';
import { migrate_folio, MIGRATE_OK } from './migrate.js';
import { err, type ImplSystem } from './system.js';
import { NodeMask, Zonelists } from './zonelist.js';

const OFFLINE_GFP = GFP_COMPOSITES.GFP_USER | GFP_BITS.__GFP_MOVABLE | GFP_BITS.__GFP_RETRY_MAYFAIL;

function aligned(sys: ImplSystem, startPfn: number, pages: number): boolean {
  const pb = 2 ** sys.mm.pageblockOrder;
  return Number.isInteger(startPfn) && Number.isInteger(pages) && pages > 0 && startPfn >= 0 && startPfn % pb === 0 && pages % pb === 0;
}

// offline_pages // mm/memory_hotplug.c
export function offline_pages(sys: ImplSystem, op: OfflinePagesOp): OpResult {
  const mm = sys.mm;
  if (!aligned(sys, op.startPfn, op.pages)) return err('-EINVAL');
  const pbo = mm.pageblockOrder;
  const start = op.startPfn - mm.base;
  const end = start + op.pages;
  if (start < 0 || end > mm.span) return err('-EINVAL');
  const z = mm.zoneOf[start]!;
  if (z === mm.noZone) return err('-EINVAL');
  for (let i = start; i < end; i += 1 << pbo) if (mm.zoneOf[i] !== z) return err('-EINVAL');
  const pbA = start >>> pbo;
  const pbB = end >>> pbo;
  const movable = mm.zoneIdx[z] === ZONE_MOVABLE;
  // start_isolate_page_range
  for (let pb = pbA; pb < pbB; pb++) {
    if (mm.pbType[pb] === MIGRATE_CMA || (!movable && has_unmovable_pages(mm, pb))) {
      undo_isolate_page_range(mm, pbA, pb, MIGRATE_MOVABLE);
      return err('-EBUSY');
    }
    isolate_pageblock(mm, pb);
  }
  // do_migrate_range: every allocated folio of the range once, ascending pfn; a target this loop
  // placed inside the range (isolate-merge can put one there) is not visited again
  const born = sys.folios.uCount;
  let left = false;
  const nodemask = new NodeMask(sys.nrNodes);
  let idx = covering_block(mm, start, -1, true);
  if (idx < 0) idx = start;
  while (idx < end) {
    const f = mm.flags[idx]!;
    if (isFolioHead(f)) {
      const order = f & ORDER_MASK;
      // Stryker disable next-line ConditionalExpression: a kernel folio is unmapped, so migrate_folio refuses it (MIGRATE_REFS, or MIGRATE_PRIVATE first) and left is set the same
      if ((f & PG_ANON) === 0) left = true;
      else if (-mm.next[idx]! <= born) {
        const fz = mm.zoneOf[idx]!;
        const pos = mm.zoneNodePos[fz]!;
        nodemask.clear();
        // node_states[N_MEMORY]: N_MEMORY_PRIVATE nodes are not in it (RFC v4 patch 01)
        // Stryker disable next-line EqualityOperator: hasMemory(nrNodes) reads past zonePresent: NaN > 0 is false, nothing is set
        for (let p = 0; p < sys.nrNodes; p++) if (p !== pos && sys.hasMemory(p) && sys.np.isPrivate[p] !== 1) nodemask.set(p);
        if (nodemask.words.every((w) => w === 0)) nodemask.set(pos);
        if (migrate_folio(sys, idx, OFFLINE_GFP, pos, nodemask, null) !== MIGRATE_OK) left = true;
      }
      idx += 1 << order;
    // Stryker disable next-line ConditionalExpression: stepping over a free block page by page visits only its flag-0 tail pages (idx++), same as the jump; 1 << (0 & ORDER_MASK) is 1
    } else if (isBuddyHead(f)) idx += 1 << (f & ORDER_MASK);
    // Stryker disable next-line UpdateOperator: a flag-0 page here is the tail of a free block; walking back reaches its buddy head, which jumps past it: same folios visited
    else idx++;
  }
  if (left) {
    undo_isolate_page_range(mm, pbA, pbB, MIGRATE_MOVABLE);
    return err('-EINTR');
  }
  // __offline_isolated_pages: the free blocks leave the ISOLATE lists
  for (let i = start; i < end; ) {
    const f = mm.flags[i]!;
    if (isBuddyHead(f)) {
      del_page_from_free_list(mm, i, z, f & ORDER_MASK, buddyListType(f));
      i += 1 << (f & ORDER_MASK);
    } else i++;
  }
  // a folio stranded in the range (a migration target isolate-merge placed there) keeps its zone
  // Stryker disable next-line EqualityOperator: (for <=) an entry for a folio at end, outside the range, is never read: stranded is looked up only for a folio head in an offline range
  for (let i = start; i < end; ) {
    const f = mm.flags[i]!;
    // Stryker disable next-line ConditionalExpression: (for true) after the free blocks left, the other pages have flags 0; entries for them are never read (only folio heads in an offline range are looked up)
    if (isFolioHead(f)) {
      (mm.stranded ??= new Map()).set(i, z);
      i += 1 << (f & ORDER_MASK);
    } else i++;
  }
  mm.zoneOf.fill(mm.noZone, start, end);
  mm.pbType.fill(PB_OFFLINE, pbA, pbB);
  mm.zonePresent[z] = mm.zonePresent[z]! - op.pages;
  shrink_zone_span(mm, z);
  return { ret: 0 };
}

// shrink_zone_span // mm/memory_hotplug.c: lowest..highest present pfn, 0/0 when empty
function shrink_zone_span(mm: MemMap, z: number): void {
  if (mm.zonePresent[z] === 0) {
    mm.zoneSpanStart[z] = 0;
    mm.zoneSpanEnd[z] = 0;
    return;
  }
  const pb = 1 << mm.pageblockOrder;
  let lo = mm.zoneSpanStart[z]! - mm.base;
  let hi = mm.zoneSpanEnd[z]! - mm.base;
  while (mm.zoneOf[lo] !== z) lo += pb;
  while (mm.zoneOf[hi - 1] !== z) hi -= pb;
  mm.zoneSpanStart[z] = mm.base + lo;
  mm.zoneSpanEnd[z] = mm.base + hi;
}

// online_pages // mm/memory_hotplug.c
export function online_pages(sys: ImplSystem, op: OnlinePagesOp): OpResult {
  if (!aligned(sys, op.startPfn, op.pages)) return err('-EINVAL');
  const pos = sys.nodePos.get(op.nid);
  if (pos < 0) return err('-EINVAL');
  if (op.type !== 'online_movable' && op.type !== 'online_kernel') return err('-EINVAL');
  const mm = sys.mm;
  for (let pfn = op.startPfn; pfn < op.startPfn + op.pages; pfn += 1 << mm.pageblockOrder) {
    if (mm.present(pfn - mm.base)) return err('-EINVAL');
  }
  const oldBase = mm.base;
  mm.cover(op.startPfn, op.startPfn + op.pages);
  // Stryker disable next-line ConditionalExpression: a shortcut; rebase(0) changes nothing
  if (mm.base !== oldBase) sys.folios.rebase(oldBase - mm.base);
  const z = pos * NR_ZONE_TYPES + (op.type === 'online_movable' ? ZONE_MOVABLE : ZONE_NORMAL);
  const start = op.startPfn - mm.base;
  const end = start + op.pages;
  const pbo = mm.pageblockOrder;
  mm.zoneOf.fill(z, start, end);
  mm.pbType.fill(MIGRATE_MOVABLE, start >>> pbo, end >>> pbo);
  if (mm.zonePresent[z] === 0) {
    mm.zoneSpanStart[z] = op.startPfn;
    mm.zoneSpanEnd[z] = op.startPfn + op.pages;
  } else {
    mm.zoneSpanStart[z] = Math.min(mm.zoneSpanStart[z]!, op.startPfn);
    mm.zoneSpanEnd[z] = Math.max(mm.zoneSpanEnd[z]!, op.startPfn + op.pages);
  }
  mm.zonePresent[z] = mm.zonePresent[z]! + op.pages;
  // Stryker disable next-line ConditionalExpression: rebuilding the zonelists of an existing zone gives the same lists (zoneExists and zoneIds already hold these values)
  if (mm.zoneExists[z] === 0) {
    // a new zone: build_all_zonelists
    mm.zoneExists[z] = 1;
    mm.zoneIds[z] = z;
    sys.zonelists = new Zonelists(sys.config, mm, sys.profile, sys.np);
  }
  free_range_to_tail(mm, z, start, end, MIGRATE_MOVABLE);
  return { ret: 0 };
}
