// The memory map: `struct page` split into typed-array columns indexed by (pfn - base), one byte of
// migratetype per pageblock, and each zone's free_area[] (list heads/tails per [order][migratetype])
// and vmstat counters packed in typed arrays. Built once from a validated MachineConfig.
import { MIGRATE_TYPES, ZONE_NAMES } from '../api/index.js';
import type { MachineConfig } from '../api/index.js';

/**
 * flags[] of a free block head (PageBuddy): PG_BUDDY | list migratetype << MT_SHIFT | order. The list
 * type is kept, like page->private keeps the order, so a block is unlinked from the list it is on
 * even where that list and its pageblock type disagree (list_del needs no type in the kernel).
 */
export const PG_BUDDY = 0x80;
export const MT_SHIFT = 4;
/** flags[] of the first page of an allocated folio: PG_FOLIO | order (bit 7 clear). */
export const PG_FOLIO = 0x40;
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

// vmstat items kept per zone (enum zone_stat_item, include/linux/mmzone.h)
export const NR_FREE_PAGES = 0;
export const NR_FREE_CMA_PAGES = 1;
export const NR_VMSTAT = 2;

/**
 * Per-page layout (14 bytes a page, plus one byte per pageblock):
 * - next, prev (Int32): free-list links of a free block head. A page that is not on a free list
 *   reuses them: an allocated folio's head keeps its folio serial in `next`; page[1] of a large
 *   folio keeps `_pincount` in `next` (the kernel's folio->_pincount lives in page[1] too).
 * - refcount (Int32): `_refcount` of a folio head, signed 32-bit, wrapping.
 * - flags (Uint8): PG_BUDDY | list type << 4 | order on a free block head, PG_FOLIO | order on a
 *   folio head, else 0.
 * - zoneOf (Uint8; Uint16 on a machine with 255 or more zones): index into the zone table
 *   (= snapshot order), `noZone` for a hole.
 */
export class MemMap {
  readonly maxOrder: number;
  readonly nOrders: number;
  readonly pageblockOrder: number;
  /** absolute pfn of index 0, aligned down to 2^maxOrder so buddy arithmetic works on indices */
  readonly base: number;
  /** indices covered: the span of every configured zone, aligned up to 2^maxOrder */
  readonly span: number;
  /** configured pages */
  readonly pages: number;

  readonly next: Int32Array;
  readonly prev: Int32Array;
  readonly refcount: Int32Array;
  readonly flags: Uint8Array;
  readonly zoneOf: Uint8Array | Uint16Array;
  /** zoneOf[] of a page in no configured zone (a hole between zones or nodes) */
  readonly noZone: number;
  /** per pageblock: enum migratetype */
  readonly pbType: Uint8Array;

  // zone table, in snapshot order (config node order, then zone index)
  readonly nrZones: number;
  readonly zoneNodePos: Int32Array;
  readonly zoneNid: Int32Array;
  readonly zoneIdx: Uint8Array;
  readonly zoneStart: Float64Array;
  readonly zonePages: Float64Array;
  readonly zoneCmaPages: Float64Array;
  /** zoneIds[nodePos * 4 + zone index]: zone table index, -1 if that zone is not configured */
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
    let nrZones = 0;
    for (const node of config.nodes) {
      for (const name of ZONE_NAMES) {
        const r = node.zones[name];
        if (!r) continue;
        nrZones++;
        pages += r[1];
        lo = Math.min(lo, r[0]);
        hi = Math.max(hi, r[0] + r[1]);
      }
    }
    if (nrZones === 0) lo = hi = 0;
    if (config.maxOrder > MAX_ORDER_LIMIT) throw new Error(`impl supports maxOrder ≤ ${MAX_ORDER_LIMIT}`);
    this.base = Math.floor(lo / maxBlock) * maxBlock;
    this.span = Math.ceil(hi / maxBlock) * maxBlock - this.base;
    if (this.span > 0x7fffffff) throw new Error('impl: pfn span of the machine exceeds 2^31 pages');
    this.pages = pages;
    this.nrZones = nrZones;

    const span = this.span;
    this.next = new Int32Array(span);
    this.prev = new Int32Array(span);
    this.refcount = new Int32Array(span);
    this.flags = new Uint8Array(span);
    this.noZone = nrZones < 0xff ? 0xff : 0xffff;
    this.zoneOf = nrZones < 0xff ? new Uint8Array(span).fill(0xff) : new Uint16Array(span).fill(0xffff);
    this.pbType = new Uint8Array(span >>> config.pageblockOrder).fill(MIGRATE_MOVABLE);

    this.zoneNodePos = new Int32Array(nrZones);
    this.zoneNid = new Int32Array(nrZones);
    this.zoneIdx = new Uint8Array(nrZones);
    this.zoneStart = new Float64Array(nrZones);
    this.zonePages = new Float64Array(nrZones);
    this.zoneCmaPages = new Float64Array(nrZones);
    this.zoneIds = new Int32Array(config.nodes.length * ZONE_NAMES.length).fill(-1);
    this.freeHead = new Int32Array(nrZones * this.nOrders * MIGRATE_TYPES).fill(NIL);
    this.freeTail = new Int32Array(nrZones * this.nOrders * MIGRATE_TYPES).fill(NIL);
    this.freeOrders = new Int32Array(nrZones * MIGRATE_TYPES);
    this.nrFree = new Int32Array(nrZones * this.nOrders);
    this.vmstat = new Int32Array(nrZones * NR_VMSTAT);

    let z = 0;
    config.nodes.forEach((node, pos) => {
      ZONE_NAMES.forEach((name, t) => {
        const r = node.zones[name];
        if (!r) return;
        this.zoneNodePos[z] = pos;
        this.zoneNid[z] = node.nid;
        this.zoneIdx[z] = t;
        this.zoneStart[z] = r[0];
        this.zonePages[z] = r[1];
        this.zoneIds[pos * ZONE_NAMES.length + t] = z;
        this.zoneOf.fill(z, r[0] - this.base, r[0] - this.base + r[1]);
        z++;
      });
    });
    // CMA areas: MIGRATE_CMA pageblocks, counted in the zone that holds them (cma_activate_area)
    for (const node of config.nodes) {
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
