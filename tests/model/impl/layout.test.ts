// The memory map's layout: per-page bytes, base alignment, snapshot order of folios and pageblocks.
import { describe, expect, test } from 'vitest';
import { createImplSystem } from '../../../model/impl/index.js';
import { MemMap } from '../../../model/impl/mem.js';
import { PROFILES } from '../../../model/profiles.js';
import { alloc, boot, EXAMPLE, run } from './helpers.js';

describe('MemMap', () => {
  test('14 bytes a page plus one byte a pageblock', () => {
    const mm = new MemMap({ maxOrder: 10, pageblockOrder: 9, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 1 << 16] } }] });
    expect(mm.stateBytes()).toBe(14 * 65536 + 128);
    expect(mm.stateBytes() / mm.pages).toBeCloseTo(14.002, 3);
  });

  test('base aligned down and span up to 2^maxOrder; holes have no zone', () => {
    const mm = new MemMap({ maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [10, 4] } }, { nid: 1, zones: { ZONE_NORMAL: [20, 2] } }] });
    // zone slots nodePos * 4 + zone index: 2 (node 0 NORMAL) and 6 (node 1 NORMAL) exist
    expect([mm.base, mm.span, mm.pages, mm.nrZones]).toEqual([8, 16, 6, 8]);
    expect(Array.from(mm.zoneExists)).toEqual([0, 0, 1, 0, 0, 0, 1, 0]);
    const H = mm.noZone;
    expect(H).toBe(0xff);
    expect(Array.from(mm.zoneOf)).toEqual([H, H, 2, 2, 2, 2, H, H, H, H, H, H, 6, 6, H, H]);
  });

  test('a machine without zones', () => {
    const sys = createImplSystem({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: {} }] }, PROFILES['linux-6.12']);
    expect(sys.snapshot()).toEqual({
      zones: [],
      memory: [],
      offline: [],
      pageblocks: [],
      folios: [],
      cmaAllocations: [],
      handles: [],
      tasks: [{ tid: 1, nid: 0, mems: [0], policy: null, ilPrev: -1 }],
      privateNodes: [],
      vmas: [],
    });
    expect(sys.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toEqual({ ret: '-ENOMEM' });
  });

  test('limits', () => {
    expect(() => new MemMap({ maxOrder: 16, pageblockOrder: 1, nodes: [] })).toThrow(/maxOrder/);
    expect(() => new MemMap({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_DMA: [0, 4], ZONE_NORMAL: [2 ** 32, 4] } }] })).toThrow(/span/);
  });
});

test('255 zones or more: 16-bit zone ids', () => {
  const nodes = Array.from({ length: 64 }, (_, i) => ({
    nid: i,
    zones: { ZONE_DMA: [i * 16, 4], ZONE_DMA32: [i * 16 + 4, 4], ZONE_NORMAL: [i * 16 + 8, 4], ZONE_MOVABLE: [i * 16 + 12, 4] } as const,
  }));
  const sys = boot({ maxOrder: 2, pageblockOrder: 1, nodes });
  expect(sys.mm.zoneOf).toBeInstanceOf(Uint16Array);
  expect(sys.mm.noZone).toBe(0xffff);
  expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE', '__GFP_THISNODE'], 2, { nid: 63 })).toMatchObject({ pfn: 1020, nid: 63, zone: 'ZONE_MOVABLE' });
  expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  const snap = sys.snapshot();
  expect(snap.zones.length).toBe(256);
  expect(snap.pageblocks.length).toBe(512);
  expect(snap.zones[255]!.freeLists[1]![2]).toEqual([1020]);
});

describe('snapshot', () => {
  test('folios ascending by pfn with order, node, zone and signed refcount', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 2); // 32
    alloc(sys, ['GFP_KERNEL'], 1); // 0
    alloc(sys, ['GFP_KERNEL'], 0, { nid: 1 }); // 64
    alloc(sys, ['GFP_KERNEL'], 0); // 2
    expect(sys.snapshot().folios).toEqual([
      { pfn: 0, order: 1, nid: 0, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 0 },
      { pfn: 2, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 0 },
      { pfn: 32, order: 2, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1, pincount: 0, mapped: 0 },
      { pfn: 64, order: 0, nid: 1, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 0 },
    ]);
    expect(sys.snapshot().pageblocks.length).toBe(48);
    expect(sys.snapshot().pageblocks.slice(7, 13)).toEqual([
      { pfn: 14, migratetype: 'MIGRATE_MOVABLE' },
      { pfn: 16, migratetype: 'MIGRATE_CMA' },
      { pfn: 18, migratetype: 'MIGRATE_CMA' },
      { pfn: 20, migratetype: 'MIGRATE_CMA' },
      { pfn: 22, migratetype: 'MIGRATE_CMA' },
      { pfn: 24, migratetype: 'MIGRATE_MOVABLE' },
    ]);
  });
});
