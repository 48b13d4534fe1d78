// Folio migration with exact values, each step also checked against the spec (result and whole
// snapshot): folio_migratable, the __GFP_HIGHMEM of alloc_migration_target for a ZONE_MOVABLE source,
// and remove_migration_ptes on every page of a large folio.
import { describe, expect, test } from 'vitest';
import { twin } from './twin.js';
import type { MachineConfig, Op } from '../../../model/api/index.js';
import { folio_migratable } from '../../../model/impl/migrate.js';

describe('folio_migratable (folio_expected_ref_count)', () => {
  test('only a mapped folio whose `_refcount` equals its mappings moves', () => {
    const mm = { prev: Int32Array.of(0, 1, 1, 2, 2), refcount: Int32Array.of(0, 1, 2, 2, 1) };
    expect([0, 1, 2, 3, 4].map((idx) => folio_migratable(mm, idx))).toEqual([false, true, false, true, false]);
  });
});

/** node 0: ZONE_NORMAL [0,8) with CMA [0,4), ZONE_MOVABLE [8,16); node 1: ZONE_NORMAL [16,24), ZONE_MOVABLE [24,32) */
const TWO: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] }, cma: [[0, 4]] },
    { nid: 1, zones: { ZONE_NORMAL: [16, 8], ZONE_MOVABLE: [24, 8] } },
  ],
  tasks: [{ tid: 1, nid: 0 }],
};

describe('alloc_migration_target', () => {
  test('a ZONE_MOVABLE source gets __GFP_HIGHMEM: offline moves it to the other node\'s ZONE_MOVABLE', () => {
    const t = twin(TWO);
    t.apply({ op: 'mmap', task: 1, pages: 1 });
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([8]);
    expect(t.apply({ op: 'offline_pages', startPfn: 8, pages: 8 })).toEqual({ ret: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([24]);
    expect(t.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 24, nid: 1, zone: 'ZONE_MOVABLE' });
  });

  test('a ZONE_NORMAL (CMA) source does not: cma_alloc moves it within ZONE_NORMAL, not to ZONE_MOVABLE', () => {
    const t = twin(TWO);
    // fill node 0 but its CMA area, fault a user page into CMA, then free [6,8) and [8,12)
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 })).toMatchObject({ pfn: 4 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 })).toMatchObject({ pfn: 6 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 2 })).toMatchObject({ pfn: 8 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 2 })).toMatchObject({ pfn: 12 });
    t.apply({ op: 'mmap', task: 1, pages: 1 });
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0]);
    expect(t.apply({ op: 'free_pages', page: 'k2' })).toEqual({ ret: 0 });
    expect(t.apply({ op: 'free_pages', page: 'k3' })).toEqual({ ret: 0 });
    // target gfp GFP_USER | __GFP_MOVABLE without __GFP_HIGHMEM: highest zone ZONE_NORMAL, its MOVABLE block [6,8)
    expect(t.apply({ op: 'cma_alloc', area: 0, count: 1 })).toEqual({ ret: 0, cma: 'c1', pfn: 0, nid: 0, zone: 'ZONE_NORMAL' });
    expect(t.snap().vmas[0]!.ptes).toEqual([6]);
  });
});

describe('remove_migration_ptes', () => {
  test('every page of a large folio maps the target page at the same offset', () => {
    const t = twin(TWO);
    // v1 is never touched: its ptes (just before v2's) stay empty
    t.apply({ op: 'mmap', task: 1, pages: 4 });
    t.apply({ op: 'mmap', task: 1, pages: 4, folioOrder: 2 } as Op);
    t.apply({ op: 'touch', vma: 'v2', index: 1 });
    expect(t.snap().vmas[1]!.ptes).toEqual([8, 9, 10, 11]);
    expect(t.apply({ op: 'offline_pages', startPfn: 8, pages: 4 })).toEqual({ ret: 0 });
    expect(t.snap().vmas[1]!.ptes).toEqual([24, 25, 26, 27]);
    expect(t.snap().vmas[0]!.ptes).toEqual([null, null, null, null]);
  });
});

describe('migrate_folio refuses an unmapped folio', () => {
  test('even when `_refcount` wrapped to 0: offline_pages cannot move it (-EINTR)', () => {
    const t = twin(TWO);
    t.apply({ op: 'mmap', task: 1, pages: 1 });
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    // 1 + (2^31 - 1) + (2^31 - 1) wraps to -1; munmap drops the mapping's reference (-2); two more gets: 0
    expect(t.apply({ op: 'get_page', vma: 'v1', index: 0, times: 2 ** 31 - 1 } as Op)).toMatchObject({ ret: 0, ref: 'g1' });
    expect(t.apply({ op: 'get_page', page: 'g1', times: 2 ** 31 - 1 } as Op)).toMatchObject({ ret: 0 });
    expect(t.apply({ op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(t.apply({ op: 'get_page', page: 'g1', times: 2 } as Op)).toMatchObject({ ret: 0 });
    expect(t.snap().folios.find((f) => f.pfn === 8)).toMatchObject({ refcount: 0, mapped: 0 });
    expect(t.apply({ op: 'offline_pages', startPfn: 8, pages: 8 })).toEqual({ ret: '-EINTR' });
    expect(t.snap().folios.find((f) => f.pfn === 8)).toMatchObject({ refcount: 0, mapped: 0 });
  });
});
