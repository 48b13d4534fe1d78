// CMA areas and cma_alloc / cma_release (mm/cma.c, alloc_contig_range in mm/page_alloc.c;
// MODEL.md "cma_alloc").
import { GFP_BITS, GFP_COMPOSITES, ZONE_NAMES } from '../api/index.js';
import type { CmaAllocOp, CmaReleaseOp, MachineConfig, OpResult } from '../api/index.js';
import { del_page_from_free_list } from './freelist.js';
import { __free_one_page } from './free.js';
import { CHAR_C, parseHandle } from './handles.js';
import { covering_block, has_unmovable_pages, isolate_pageblock, undo_isolate_page_range } from './isolation.js';
import { buddyListType, isBuddyHead, isFolioHead, MIGRATE_CMA, ORDER_MASK } from './mem.js';
import type { MemMap } from './mem.js';
import { migrate_folio, MIGRATE_OK } from './migrate.js';
import { err, type ImplSystem } from './system.js';

const CMA_GFP = GFP_COMPOSITES.GFP_USER | GFP_BITS.__GFP_MOVABLE;

export class CmaTable {
  /** areas in config order: first pfn and pages */
  readonly areaBase: number[] = [];
  readonly areaPages: number[] = [];
  /** per c number */
  // Stryker disable next-line ArrayDeclaration: slot 0 is a placeholder; c numbers start at 1 and slot 0 is never read
  readonly area: number[] = [0];
  // Stryker disable next-line ArrayDeclaration: slot 0 is a placeholder; c numbers start at 1 and slot 0 is never read
  readonly pfn: number[] = [0];
  // Stryker disable next-line ArrayDeclaration: slot 0 is a placeholder; c numbers start at 1 and slot 0 is never read
  readonly count: number[] = [0];

  constructor(config: MachineConfig) {
    for (const node of config.nodes) {
      for (const [start, pages] of node.cma ?? []) {
        this.areaBase.push(start);
        this.areaPages.push(pages);
      }
    }
  }
}

// cma_alloc // mm/cma.c
export function cma_alloc(sys: ImplSystem, op: CmaAllocOp): OpResult {
  const cma = sys.cma;
  const area = op.area;
  const count = op.count;
  if (!(Number.isInteger(area) && area >= 0 && area < cma.areaBase.length)) return err('-EINVAL');
  const areaBase = cma.areaBase[area]!;
  const areaPages = cma.areaPages[area]!;
  if (!(Number.isInteger(count) && count >= 1 && count <= areaPages)) return err('-EINVAL');
  const h = sys.handles;
  for (let w = areaBase; w + count <= areaBase + areaPages; w += count) {
    let busy = false;
    for (let c = 1; c <= h.cCount; c++) {
      if (h.cLive[c] === 1 && cma.pfn[c]! < w + count && w < cma.pfn[c]! + cma.count[c]!) busy = true;
    }
    if (busy || !alloc_contig_range(sys, w, w + count)) continue;
    const c = h.newC();
    cma.area[c] = area;
    cma.pfn[c] = w;
    cma.count[c] = count;
    const mm = sys.mm;
    const z = mm.zoneOf[w - mm.base]!;
    return { ret: 0, cma: `c${c}`, pfn: w, nid: mm.zoneNid[z]!, zone: ZONE_NAMES[mm.zoneIdx[z]!]! };
  }
  return err('-EBUSY');
}

// alloc_contig_range(start, end, MIGRATE_CMA) // mm/page_alloc.c: true when [start, end) is ours
function alloc_contig_range(sys: ImplSystem, startPfn: number, endPfn: number): boolean {
  const mm = sys.mm;
  const pbo = mm.pageblockOrder;
  const ws = startPfn - mm.base;
  const we = endPfn - mm.base;
  const pbA = ws >>> pbo;
  const pbB = (we + (1 << pbo) - 1) >>> pbo;
  for (let pb = pbA; pb < pbB; pb++) {
    if (has_unmovable_pages(mm, pb)) {
      undo_isolate_page_range(mm, pbA, pb, MIGRATE_CMA);
      return false;
    }
    isolate_pageblock(mm, pb);
  }
  // __alloc_contig_migrate_range: user folios overlapping the window, ascending pfn, as they were
  // before the first migration (a target isolate-merge placed in the window is not visited)
  const born = sys.folios.uCount;
  let idx = covering_block(mm, ws, -1, true);
  if (idx < 0) idx = ws;
  while (idx < we) {
    const f = mm.flags[idx]!;
    if (isFolioHead(f)) {
      const order = f & ORDER_MASK;
      // only user folios are here: has_unmovable_pages refused every pageblock of the window holding a kernel folio
      if (-mm.next[idx]! <= born) {
        if (migrate_folio(sys, idx, CMA_GFP, mm.zoneNodePos[mm.zoneOf[idx]!]!, null, null) !== MIGRATE_OK) {
          undo_isolate_page_range(mm, pbA, pbB, MIGRATE_CMA);
          return false;
        }
      }
      idx += 1 << order;
    // Stryker disable next-line ConditionalExpression: a step over a free block page by page visits only its flag-0 tail pages (idx++), same as the jump; a non-head page has flags 0, so 1 << (f & ORDER_MASK) is 1
    } else if (isBuddyHead(f)) idx += 1 << (f & ORDER_MASK);
    // Stryker disable next-line UpdateOperator: a flag-0 page here is the tail of a free block; walking back reaches its buddy head, which jumps past it: same folios visited
    else idx++;
  }
  // isolate_freepages_range: the window leaves the free lists, the rest of each block goes back
  take_window(mm, ws, we);
  undo_isolate_page_range(mm, pbA, pbB, MIGRATE_CMA);
  return true;
}

/**
 * isolate_freepages_range over [ws, we): every free block overlapping the window is unlinked whole
 * (no counter change: it sits on an ISOLATE list), then the pieces sticking out before and after the
 * window are freed back with __free_one_page (largest aligned blocks, ascending, each on its
 * pageblock's type: ISOLATE, unless isolate-merge let a block reach past the isolated pageblocks).
 */
function take_window(mm: MemMap, ws: number, we: number): void {
  let idx = covering_block(mm, ws, -1, false);
  if (idx < 0) idx = ws;
  // Stryker disable next-line UnaryOperator: z only guards the putbacks below; with no free block in the window both pieces are empty
  let z = -1;
  let preA = 0;
  let preB = 0;
  let postA = 0;
  let postB = 0;
  while (idx < we) {
    const f = mm.flags[idx]!;
    if (!isBuddyHead(f)) {
      idx += 1 << (f & ORDER_MASK); // a page with flags 0 (not a head) steps by 1 << 0
      continue;
    }
    const order = f & ORDER_MASK;
    const end = idx + (1 << order);
    z = mm.zoneOf[idx]!;
    del_page_from_free_list(mm, idx, z, order, buddyListType(f));
    // Stryker disable next-line EqualityOperator: only the first block can start at or before ws; one starting at ws gives the empty piece [ws, ws)
    if (idx < ws) {
      preA = idx;
      preB = ws;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: only the last block can reach we; one ending at we gives the empty piece [we, we)
    if (end > we) {
      postA = we;
      postB = end;
    }
    idx = end;
  }
  // Stryker disable next-line ConditionalExpression: without a free block in the window both pieces are empty and putPieces does nothing
  if (z < 0) return;
  putPieces(mm, z, preA, preB);
  putPieces(mm, z, postA, postB);
}

/** free [a, b) as the largest aligned blocks, ascending, each with __free_one_page on its pageblock's type */
function putPieces(mm: MemMap, z: number, a: number, b: number): void {
  while (a < b) {
    // Stryker disable next-line ConditionalExpression: a piece never starts at index 0: the post piece starts at we > 0, and a free block [0, X) covering ws > 0 would have let the earlier window at 0 succeed
    let o = a === 0 ? mm.maxOrder : Math.min(mm.maxOrder, 31 - Math.clz32(a & -a));
    while (a + (1 << o) > b) o--;
    __free_one_page(mm, a, z, o, mm.pbType[a >>> mm.pageblockOrder]!, false);
    a += 1 << o;
  }
}

// cma_release → free_contig_range // mm/cma.c, mm/page_alloc.c: page by page, ascending pfn
export function cma_release(sys: ImplSystem, op: CmaReleaseOp): OpResult {
  const c = parseHandle(op.cma, CHAR_C);
  const h = sys.handles;
  if (!h.liveC(c)) return err('-EBADF');
  h.cLive[c] = 0;
  const mm = sys.mm;
  const start = sys.cma.pfn[c]! - mm.base;
  const end = start + sys.cma.count[c]!;
  for (let idx = start; idx < end; idx++) __free_one_page(mm, idx, mm.zoneOf[idx]!, 0, mm.pbType[idx >>> mm.pageblockOrder]!, false);
  return { ret: 0 };
}
