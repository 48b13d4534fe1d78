// The memory map (model/impl/mem.ts) with exact values: the flag helpers, the constructor's limits,
// present(), and MemMap.cover growing the columns for online_pages below, above and far from the
// configured span (free-list links, list heads and tails rebased; folio ids and mapped counts kept).
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { buddyFlags, isBuddyHead, isFolioHead, MAX_ORDER_LIMIT, MemMap, MIGRATE_UNMOVABLE, PG_ANON, PG_BUDDY, PG_FOLIO } from '../../../model/impl/mem.js';
import { alloc, boot, lists, oneZone, run } from './helpers.js';

describe('flags', () => {
  test('a free block head is PG_BUDDY and up, including order 0 on the UNMOVABLE list (flags exactly PG_BUDDY)', () => {
    expect(buddyFlags(0, MIGRATE_UNMOVABLE)).toBe(PG_BUDDY);
    expect(isBuddyHead(PG_BUDDY)).toBe(true);
    expect(isBuddyHead(buddyFlags(3, 4))).toBe(true);
    expect(isBuddyHead(PG_FOLIO | PG_ANON | 15)).toBe(false);
    expect(isBuddyHead(0)).toBe(false);
    expect(isFolioHead(PG_FOLIO | 2)).toBe(true);
    expect(isFolioHead(PG_BUDDY)).toBe(false);
  });
});

describe('MemMap constructor', () => {
  test('maxOrder up to MAX_ORDER_LIMIT (15) is accepted; the isolate-merge gate is off by default', () => {
    expect(MAX_ORDER_LIMIT).toBe(15);
    const mm = new MemMap(oneZone(15, 9, 'ZONE_NORMAL', 0, 2 ** 15));
    expect([mm.maxOrder, mm.nOrders, mm.base, mm.span]).toEqual([15, 16, 0, 2 ** 15]);
    expect(mm.mergeGateFreeingOnly).toBe(false);
    expect(mm.stranded).toBe(null);
  });

  test('present(idx): inside the span and in a zone, index 0 included', () => {
    const mm = new MemMap(oneZone(2, 1, 'ZONE_NORMAL', 0, 6));
    expect([mm.base, mm.span]).toEqual([0, 8]);
    expect([-1, 0, 1, 5, 6, 7, 8].map((i) => mm.present(i))).toEqual([false, true, true, true, false, false, false]);
  });
});

describe('MemMap.cover', () => {
  test('on a machine without memory: base and span come from the range alone', () => {
    const mm = new MemMap({ maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: {} }] });
    expect([mm.base, mm.span]).toEqual([0, 0]);
    mm.cover(66, 70);
    expect([mm.base, mm.span]).toEqual([64, 8]);
    expect(Array.from(mm.zoneOf)).toEqual(new Array(8).fill(0xff));
    expect(mm.pbType.length).toBe(4);
    expect(mm.next.length).toBe(8);
  });

  test('a range inside the span keeps the columns (no copy); below and above it grows to 2^maxOrder alignment', () => {
    const mm = new MemMap(oneZone(3, 1, 'ZONE_NORMAL', 64, 16));
    const flags = mm.flags;
    mm.cover(66, 70);
    mm.cover(64, 80);
    expect([mm.base, mm.span]).toEqual([64, 16]);
    expect(mm.flags).toBe(flags);
    // the stranded folios (isolate-merge) are kept by head index: they move with a lower base only
    const stranded = new Map([[3, 2]]);
    mm.stranded = stranded;
    mm.cover(90, 92); // above: [64, 96)
    expect([mm.base, mm.span]).toEqual([64, 32]);
    expect(mm.stranded).toBe(stranded);
    expect(mm.flags).not.toBe(flags);
    mm.cover(34, 36); // below: [32, 96)
    expect([mm.base, mm.span]).toEqual([32, 64]);
    expect([...mm.stranded]).toEqual([[35, 2]]);
    expect(mm.zoneOf.length).toBe(64);
    expect(mm.pbType.length).toBe(32);
    expect([31, 32, 47, 48].map((i) => mm.present(i))).toEqual([false, true, true, false]);
  });

  test('near 2^31 pfns the limit is on the span, not on the pfns', () => {
    const mm = new MemMap(oneZone(3, 1, 'ZONE_NORMAL', 2 ** 30, 16));
    mm.cover(2 ** 30 + 16, 2 ** 30 + 32);
    expect([mm.base, mm.span]).toEqual([2 ** 30, 32]);
    expect(() => mm.cover(2 ** 40, 2 ** 40 + 8)).toThrow('impl: pfn span of the machine exceeds 2^31 pages');
    expect([mm.base, mm.span]).toEqual([2 ** 30, 32]);
  });
});

describe('online_pages below the span rebases the free lists', () => {
  /** NORMAL [64, 80): k1..k4 at 64..67 in UNMOVABLE pageblocks, k1 and k3 freed (UNMOVABLE o0: 66,64); v1 at 68, 69 */
  function setUp() {
    const sys = boot({ ...oneZone(3, 1, 'ZONE_NORMAL', 64, 16), tasks: [{ tid: 1, nid: 0 }] });
    for (let i = 0; i < 4; i++) expect(alloc(sys, ['GFP_KERNEL'], 0)).toMatchObject({ pfn: 64 + i });
    sys.mm.pbType[0] = MIGRATE_UNMOVABLE; // as a stolen pageblock would be
    sys.mm.pbType[1] = MIGRATE_UNMOVABLE;
    run(sys, { op: 'free_pages', page: 'k1' });
    run(sys, { op: 'free_pages', page: 'k3' });
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 })).toMatchObject({ pages: [{ pfn: 68 }, { pfn: 69 }] });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['UNMOVABLE o0: 66,64', 'MOVABLE o1: 70', 'MOVABLE o3: 72']);
    return sys;
  }

  test('into the same zone: links, heads and tails follow; folio ids and mapped counts do not move', () => {
    const sys = setUp();
    expect(run(sys, { op: 'online_pages', startPfn: 40, pages: 8, nid: 0, type: 'online_kernel' })).toEqual({ ret: 0 });
    expect([sys.mm.base, sys.mm.span]).toEqual([40, 40]);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['UNMOVABLE o0: 66,64', 'MOVABLE o1: 70', 'MOVABLE o3: 72,40']);
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount, f.mapped])).toEqual([
      [65, 1, 0],
      [67, 1, 0],
      [68, 1, 1],
      [69, 1, 1],
    ]);
    expect(run(sys, { op: 'query', vma: 'v1', index: 1 })).toMatchObject({ ret: 0, pfn: 69, mapped: 1, refcount: 1 });
    expect(run(sys, { op: 'query', page: 'k2' })).toMatchObject({ ret: 0, pfn: 65, mapped: 0 });
    // the lists still work: frees merge with rebased buddies, tail adds land behind rebased tails
    run(sys, { op: 'free_pages', page: 'k2' });
    run(sys, { op: 'free_pages', page: 'k4' });
    run(sys, { op: 'munmap', vma: 'v1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 64,72,40']);
    expect(sys.snapshot().zones[0]).toMatchObject({ nrFreePages: 24, startPfn: 40, spannedPages: 40, presentPages: 24 });
  });

  test('into a new zone: its lists, empty before, take the range at the tail', () => {
    const sys = setUp();
    expect(run(sys, { op: 'online_pages', startPfn: 32, pages: 16, nid: 0, type: 'online_movable' })).toEqual({ ret: 0 });
    expect([sys.mm.base, sys.mm.span]).toEqual([32, 48]);
    expect(lists(sys, 0, 'ZONE_MOVABLE')).toEqual(['MOVABLE o3: 32,40']);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['UNMOVABLE o0: 66,64', 'MOVABLE o1: 70', 'MOVABLE o3: 72']);
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 3)).toMatchObject({ pfn: 32, zone: 'ZONE_MOVABLE' });
  });
});

test('online_pages past the span of a 16-bit-zone machine keeps 16-bit zone ids', () => {
  const nodes = Array.from({ length: 64 }, (_, i) => ({
    nid: i,
    zones: { ZONE_DMA: [i * 16, 4], ZONE_DMA32: [i * 16 + 4, 4], ZONE_NORMAL: [i * 16 + 8, 4], ZONE_MOVABLE: [i * 16 + 12, 4] } as const,
  }));
  const config: MachineConfig = { maxOrder: 2, pageblockOrder: 1, nodes };
  const sys = boot(config);
  expect(run(sys, { op: 'online_pages', startPfn: 1024, pages: 2, nid: 63, type: 'online_movable' })).toEqual({ ret: 0 });
  expect(sys.mm.zoneOf).toBeInstanceOf(Uint16Array);
  expect([sys.mm.base, sys.mm.span]).toEqual([0, 1028]);
  // [1026, 1028) is in the span but not present: zone slot 255 (node 63 MOVABLE) is not 0xff's alias
  expect(sys.mm.present(1026)).toBe(false);
  expect(run(sys, { op: 'online_pages', startPfn: 1026, pages: 2, nid: 63, type: 'online_movable' })).toEqual({ ret: 0 });
  expect(sys.snapshot().zones[255]).toMatchObject({ nid: 63, zone: 'ZONE_MOVABLE', presentPages: 8, startPfn: 1020, spannedPages: 8 });
});
