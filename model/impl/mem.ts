// The memory map: `struct page` split into typed-array columns indexed by (pfn - base), one byte of
// migratetype per pageblock, and each zone's free_area[] (list heads/tails per [order][migratetype])
// and vmstat counters packed in typed arrays. Built from a validated MachineConfig; grown (not a hot
// path) when online_pages adds memory outside the span.
import { MIGRATE_TYPES, ZONE_NAMES } from '../api/index.js';
import type { MachineConfig } from '../api/index.js';

/**
 * flags[] of a free block head (PageBuddy): PG_BUDDY | list migratetype << MT_SHIFT | order. The list
 * type is kept, like page->private keeps the order, so a block is unlinked from the list it is on
 * even where that list and its pageblock type disagree (list_del needs no type in the kernel).
 */
export const PG_BUDDY = 0x80;
export const MT_SHIFT = 4;
/** flags[] of the first page of an allocated folio: PG_FOLIO | [PG_ANON] | order (bit 7 clear). */
export const PG_FOLIO = 0x40;
/** a user (anonymous, faulted or migrated) folio, folio_test_anon; absent: a kernel allocation */
export const PG_ANON = 0x10;
export const ORDER_MASK = 0x0f;
/** the largest maxOrder the flags byte can hold */
export const MAX_ORDER_LIMIT = ORDER_MASK;

/** flags value of a free block head of this order on free_list[order][mt] */
export function buddyFlags(order: number, mt: number): number {
  return PG_BUDDY | (mt << MT_SHIFT) | order;
}

export function isBuddyHead(f: number): boolean {
  return f >= PG_BUDDY;
}

export function isFolioHead(f: number): boolean {
  return (f & (PG_BUDDY | PG_FOLIO)) === PG_FOLIO;
}

/** migratetype of the free list a buddy head with flags f is on */
export function buddyListType(f: number): number {
  return (f >>> MT_SHIFT) & 7;
}

/** end of a free list */
export const NIL = -1;

// enum migratetype, include/linux/mmzone.h
export const MIGRATE_UNMOVABLE = 0;
export const MIGRATE_MOVABLE = 1;
export const MIGRATE_RECLAIMABLE = 2;
export const MIGRATE_HIGHATOMIC = 3;
export const MIGRATE_CMA = 4;
export const MIGRATE_ISOLATE = 5;
/** pbType[] of a pageblock taken offline by offline_pages (and not onlined since) */
export const PB_OFFLINE = 0xff;

// vmstat items kept per zone (enum zone_stat_item, include/linux/mmzone.h)
export const NR_FREE_PAGES = 0;
export const NR_FREE_CMA_PAGES = 1;
export const NR_VMSTAT = 2;

// enum zone_type
export const NR_ZONE_TYPES = ZONE_NAMES.length;
export const ZONE_NORMAL = 2;
export const ZONE_MOVABLE = 3;

/**
 * Per-page layout (14 bytes a page, plus one byte per pageblock):
 * - next, prev (Int32): free-list links of a free block head. A page that is not on a free list
 *   reuses them: an allocated folio's head keeps its folio serial in `next` and its mapped-page
 *   count (folio->_mapcount summed) in `prev`; page[1] of a large folio keeps `_pincount` in `next`
 *   (the kernel's folio->_pincount lives in page[1] too).
 * - refcount (Int32): `_refcount` of a folio head, signed 32-bit, wrapping.
 * - flags (Uint8): PG_BUDDY | list type << 4 | order on a free block head, PG_FOLIO | PG_ANON? |
 *   order on a folio head, else 0.
 * - zoneOf (Uint8; Uint16 on a machine with 64 nodes or more): zone slot, `noZone` when not present.
 *
 * Zones live in fixed slots nodePos * 4 + zone index (= snapshot order); a slot exists once
 * configured or onlined.
 */
export class MemMap {
  readonly maxOrder: number;
  readonly nOrders: number;
  readonly pageblockOrder: number;
  /** absolute pfn of index 0, aligned down to 2^maxOrder so buddy arithmetic works on indices */
  base: number;
  /** indices covered, a multiple of 2^maxOrder */
  span: number;
  /** configured pages */
  readonly pages: number;

  next: Int32Array;
  prev: Int32Array;
  refcount: Int32Array;
  flags: Uint8Array;
  zoneOf: Uint8Array | Uint16Array;
  /** zoneOf[] of a page that is not present */
  readonly noZone: number;
  /** per pageblock: enum migratetype, PB_OFFLINE */
  pbType: Uint8Array;
  /** isolate-merge (3c605096d315): at order >= pageblockOrder only an ISOLATE freeing block stops merging */
  mergeGateFreeingOnly = false;
  /** zone of each folio left allocated in memory offline_pages took (isolate-merge only), by head index */
  stranded: Map<number, number> | null = null;

  // zone table by slot
  readonly nrZones: number;
  readonly zoneExists: Uint8Array;
  readonly zoneNodePos: Int32Array;
  readonly zoneNid: Int32Array;
  readonly zoneIdx: Uint8Array;
  /** present_pages (= managed_pages) */
  readonly zonePresent: Float64Array;
  readonly zoneCmaPages: Float64Array;
  /** lowest present pfn and highest + 1 (0, 0 when empty) */
  readonly zoneSpanStart: Float64Array;
  readonly zoneSpanEnd: Float64Array;
  /** zoneIds[nodePos * 4 + zone index]: the slot if the zone exists, else -1 (zonelists read it) */
  readonly zoneIds: Int32Array;

  /** free_area[order].free_list[mt] head/tail per zone: index listIndex(z, order, mt) */
  readonly freeHead: Int32Array;
  readonly freeTail: Int32Array;
  /** per zone and migratetype (z * MIGRATE_TYPES + mt): bit o set iff free_list[o][mt] is non-empty */
  readonly freeOrders: Int32Array;
  /** free_area[order].nr_free per zone: index z * nOrders + order */
  readonly nrFree: Int32Array;
  /** vm_stat per zone: index z * NR_VMSTAT + item */
  readonly vmstat: Int32Array;

  constructor(config: MachineConfig) {
    this.maxOrder = config.maxOrder;
    this.nOrders = config.maxOrder + 1;
    this.pageblockOrder = config.pageblockOrder;
    const maxBlock = 2 ** config.maxOrder;

    let lo = Infinity;
    let hi = -Infinity;
    let pages = 0;
    for (const node of config.nodes) {
      for (const name of ZONE_NAMES) {
        const r = node.zones[name];
        if (!r) continue;
        pages += r[1];
        lo = Math.min(lo, r[0]);
        hi = Math.max(hi, r[0] + r[1]);
      }
    }
    if (pages === 0) lo = hi = 0;
    if (config.maxOrder > MAX_ORDER_LIMIT) throw new Error(`impl supports maxOrder ≤ ${MAX_ORDER_LIMIT}`);
    this.base = Math.floor(lo / maxBlock) * maxBlock;
    this.span = Math.ceil(hi / maxBlock) * maxBlock - this.base;
    // Stryker disable next-line EqualityOperator: a span of exactly 2^31 - 1 pages (maxOrder 0) needs ~30 GB of columns; the boundary cannot be run
    if (this.span > 0x7fffffff) throw new Error('impl: pfn span of the machine exceeds 2^31 pages');
    this.pages = pages;
    const nrZones = config.nodes.length * NR_ZONE_TYPES;
    this.nrZones = nrZones;

    const span = this.span;
    this.next = new Int32Array(span);
    this.prev = new Int32Array(span);
    this.refcount = new Int32Array(span);
    this.flags = new Uint8Array(span);
    // Stryker disable next-line EqualityOperator: nrZones is a multiple of NR_ZONE_TYPES (4), never 0xff
    this.noZone = nrZones < 0xff ? 0xff : 0xffff;
    // Stryker disable next-line EqualityOperator: nrZones is a multiple of NR_ZONE_TYPES (4), never 0xff
    this.zoneOf = nrZones < 0xff ? new Uint8Array(span).fill(0xff) : new Uint16Array(span).fill(0xffff);
    this.pbType = new Uint8Array(span >>> config.pageblockOrder).fill(MIGRATE_MOVABLE);

    this.zoneExists = new Uint8Array(nrZones);
    this.zoneNodePos = new Int32Array(nrZones);
    this.zoneNid = new Int32Array(nrZones);
    this.zoneIdx = new Uint8Array(nrZones);
    this.zonePresent = new Float64Array(nrZones);
    this.zoneCmaPages = new Float64Array(nrZones);
    this.zoneSpanStart = new Float64Array(nrZones);
    this.zoneSpanEnd = new Float64Array(nrZones);
    this.zoneIds = new Int32Array(nrZones).fill(-1);
    this.freeHead = new Int32Array(nrZones * this.nOrders * MIGRATE_TYPES).fill(NIL);
    this.freeTail = new Int32Array(nrZones * this.nOrders * MIGRATE_TYPES).fill(NIL);
    this.freeOrders = new Int32Array(nrZones * MIGRATE_TYPES);
    this.nrFree = new Int32Array(nrZones * this.nOrders);
    this.vmstat = new Int32Array(nrZones * NR_VMSTAT);

    config.nodes.forEach((node, pos) => {
      ZONE_NAMES.forEach((name, t) => {
        const z = pos * NR_ZONE_TYPES + t;
        this.zoneNodePos[z] = pos;
        this.zoneNid[z] = node.nid;
        this.zoneIdx[z] = t;
        const r = node.zones[name];
        if (!r) return;
        this.zoneExists[z] = 1;
        this.zoneIds[z] = z;
        this.zonePresent[z] = r[1];
        this.zoneSpanStart[z] = r[0];
        this.zoneSpanEnd[z] = r[0] + r[1];
        this.zoneOf.fill(z, r[0] - this.base, r[0] - this.base + r[1]);
      });
    });
    // CMA areas: MIGRATE_CMA pageblocks, counted in the zone that holds them (cma_activate_area)
    for (const node of config.nodes) {
      // Stryker disable next-line ArrayDeclaration: a string's characters as [start, nr] give NaN indices: an empty fill and a write to a non-index property
      for (const [start, nr] of node.cma ?? []) {
        const idx = start - this.base;
        this.pbType.fill(MIGRATE_CMA, idx >>> config.pageblockOrder, (idx + nr) >>> config.pageblockOrder);
        const zid = this.zoneOf[idx]!;
        this.zoneCmaPages[zid] = this.zoneCmaPages[zid]! + nr;
      }
    }
  }

  /** index of free_area[order].free_list[mt] of zone z in freeHead/freeTail */
  listIndex(z: number, order: number, mt: number): number {
    return (z * this.nOrders + order) * MIGRATE_TYPES + mt;
  }

  /** whether index idx (any integer) is inside the map and present */
  present(idx: number): boolean {
    return idx >= 0 && idx < this.span && this.zoneOf[idx] !== this.noZone;
  }

  /**
   * Grow the columns so that pfns [startPfn, endPfn) have indices (online_pages outside the span).
   * Lowering `base` shifts every index: the free-list links and list heads are rebased here; the
   * rest of the model keeps absolute pfns.
   */
  cover(startPfn: number, endPfn: number): void {
    const maxBlock = 2 ** this.maxOrder;
    const lo = this.span === 0 ? Math.floor(startPfn / maxBlock) * maxBlock : Math.min(this.base, Math.floor(startPfn / maxBlock) * maxBlock);
    // an empty map has base 0 and span 0 (constructor), so base + span is 0 there too
    const hi = Math.max(this.base + this.span, Math.ceil(endPfn / maxBlock) * maxBlock);
    if (lo === this.base && hi - lo === this.span) return;
    // Stryker disable next-line EqualityOperator: a span of exactly 2^31 - 1 pages (maxOrder 0) needs ~30 GB of columns; the boundary cannot be run
    if (hi - lo > 0x7fffffff) throw new Error('impl: pfn span of the machine exceeds 2^31 pages');
    const shift = this.span === 0 ? 0 : this.base - lo;
    const span = hi - lo;
    const pbo = this.pageblockOrder;
    const next = new Int32Array(span);
    const prev = new Int32Array(span);
    const refcount = new Int32Array(span);
    const flags = new Uint8Array(span);
    const zoneOf = this.noZone === 0xff ? new Uint8Array(span).fill(0xff) : new Uint16Array(span).fill(0xffff);
    const pbType = new Uint8Array(span >>> pbo).fill(MIGRATE_MOVABLE);
    next.set(this.next, shift);
    prev.set(this.prev, shift);
    refcount.set(this.refcount, shift);
    flags.set(this.flags, shift);
    zoneOf.set(this.zoneOf, shift);
    pbType.set(this.pbType, shift >>> pbo);
    if (shift !== 0) {
      // Stryker disable next-line EqualityOperator: index shift + span is a new page (flags 0, skipped) or past the end of the typed arrays (reads undefined, writes ignored)
      for (let i = shift; i < shift + this.span; i++) {
        if (flags[i]! < PG_BUDDY) continue;
        if (next[i] !== NIL) next[i] = next[i]! + shift;
        if (prev[i] !== NIL) prev[i] = prev[i]! + shift;
      }
      // Stryker disable next-line EqualityOperator: index length is past the end of the typed arrays (reads undefined, writes ignored)
      for (let i = 0; i < this.freeHead.length; i++) {
        if (this.freeHead[i] !== NIL) this.freeHead[i] = this.freeHead[i]! + shift;
        if (this.freeTail[i] !== NIL) this.freeTail[i] = this.freeTail[i]! + shift;
      }
      if (this.stranded !== null) this.stranded = new Map([...this.stranded].map(([idx, z]) => [idx + shift, z]));
    }
    this.next = next;
    this.prev = prev;
    this.refcount = refcount;
    this.flags = flags;
    this.zoneOf = zoneOf;
    this.pbType = pbType;
    this.base = lo;
    this.span = span;
  }

  /** bytes of per-page and per-pageblock state */
  stateBytes(): number {
    return (
      this.next.byteLength +
      this.prev.byteLength +
      this.refcount.byteLength +
      this.flags.byteLength +
      this.zoneOf.byteLength +
      this.pbType.byteLength
    );
  }
}
