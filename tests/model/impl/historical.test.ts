// The five historical profiles (MODEL.md "Historical profiles"): linux-6.12 with exactly one switch
// of Profile.historicalRules on. Each scenario is checked with exact values, and against linux-6.12.
import { describe, expect, test } from 'vitest';
import type { MachineConfig, ProfileName } from '../../../model/api/index.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { MIGRATE_ISOLATE, MIGRATE_MOVABLE } from '../../../model/impl/mem.js';
import { PROFILES } from '../../../model/profiles.js';
import { EXAMPLE, lists, oneZone, run, zoneOf } from './helpers.js';

function boot(profile: ProfileName, config: MachineConfig = EXAMPLE): ImplSystem {
  return new ImplSystem(config, PROFILES[profile]);
}

/** `profile` on `config` with a user VMA v1 of `pages` pages (folio order `order`) for task 1 */
function withVma(profile: ProfileName, pages: number, order = 0, config: MachineConfig = EXAMPLE): ImplSystem {
  const sys = boot(profile, config);
  expect(run(sys, { op: 'mmap', task: 1, pages, folioOrder: order })).toEqual({ ret: 0, vma: 'v1' });
  return sys;
}

/** ZONE_NORMAL [0, 8) all CMA, ZONE_MOVABLE [8, 16): a user page lands in CMA once ZONE_MOVABLE is full */
const CMA_AND_MOVABLE: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] }, cma: [[0, 8]] }],
  tasks: [{ tid: 1, nid: 0 }],
};

/** CMA_AND_MOVABLE with v1's page 0 faulted into CMA pfn 0; k1 (ZONE_MOVABLE [8, 16)) freed unless `keep` */
function userPageInCma(profile: ProfileName, keep: boolean): ImplSystem {
  const sys = withVma(profile, 1, 0, CMA_AND_MOVABLE);
  expect(run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 3 })).toMatchObject({ ret: 0, page: 'k1', pfn: 8, zone: 'ZONE_MOVABLE' });
  expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toEqual({ ret: 0, pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL' }] });
  expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 0, migratetype: 'MIGRATE_CMA', refcount: 1 });
  if (!keep) expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  return sys;
}

const LONGTERM = ['FOLL_LONGTERM'];

describe('the switches are read from the profile', () => {
  test('linux-6.12 and the private-nodes profiles have every switch off; each historical one exactly one on', () => {
    for (const p of Object.values(PROFILES)) {
      const on = Object.values(p.historicalRules).filter((x) => x).length;
      expect(on).toBe(p.historical ? 1 : 0);
    }
    const sys = boot('linux-5.10');
    expect([sys.pinCountsLikeGet, sys.fastSkipsLongtermCheck, sys.longtermCmaOnly, sys.targetMayBeMovable, sys.mm.mergeGateFreeingOnly]).toEqual([false, false, true, false, false]);
    expect(boot('isolate-merge').mm.mergeGateFreeingOnly).toBe(true);
    expect(boot('linux-6.12').mm.mergeGateFreeingOnly).toBe(false);
  });
});

describe('linux-5.6: FOLL_PIN counts like FOLL_GET', () => {
  test('small pin: `_refcount` 2, no bias, not maybe_dma_pinned; the unpin drops 1', () => {
    const sys = withVma('linux-5.6', 1);
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pin: 'u1' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toEqual({
      ret: 0, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE', migratetype: 'MIGRATE_MOVABLE',
      order: 0, refcount: 2, pincount: 0, maybe_dma_pinned: false, mapped: 1,
    });
    // the fast path's grab is +1 too
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pin: 'u2' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 3, pincount: 0, maybe_dma_pinned: false });
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 2 });
    run(sys, { op: 'munmap', vma: 'v1' });
    expect(sys.snapshot().folios).toEqual([{ pfn: 32, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1, pincount: 0, mapped: 0 }]);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u2' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios).toEqual([]);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_MOVABLE').nrFreePages).toBe(32);
  });

  test('large pin: `_refcount` +1 per page, `_pincount` stays 0', () => {
    const sys = withVma('linux-5.6', 8, 2);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 2, gup_flags: [] })).toMatchObject({ ret: 2, pin: 'u1' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 3 })).toMatchObject({ pfn: 32, order: 2, refcount: 6, pincount: 0, mapped: 4, maybe_dma_pinned: false });
    expect(sys.mm.next[32 - sys.mm.base + 1]).toBe(0);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 4, pincount: 0 });
  });

  test('FOLL_LONGTERM is 6.12: the pass is unpinned by 1 each, migrated to ZONE_NORMAL, pinned with +1', () => {
    const sys = withVma('linux-5.6', 4);
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 4 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 2, gup_flags: LONGTERM })).toEqual({
      ret: 2,
      pin: 'u1',
      pages: [
        { index: 1, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true },
        { index: 2, pfn: 1, nid: 0, zone: 'ZONE_NORMAL', migrated: true },
      ],
    });
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount, f.pincount])).toEqual([[0, 2, 0], [1, 2, 0], [32, 1, 0], [35, 1, 0]]);
  });

  test('linux-6.12 on the same small pin: the bias', () => {
    const sys = withVma('linux-6.12', 1);
    run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1025, maybe_dma_pinned: true });
  });
});

describe('linux-5.7: GUP-fast skips folio_is_longterm_pinnable', () => {
  test('a fast FOLL_LONGTERM pin of a ZONE_MOVABLE page stays there', () => {
    const sys = withVma('linux-5.7', 1);
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }],
    });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 32, zone: 'ZONE_MOVABLE', refcount: 1025, maybe_dma_pinned: true });
  });

  test('the slow remainder is 6.12: a ZONE_MOVABLE page there migrates', () => {
    const sys = withVma('linux-5.7', 2);
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // 32, 33
    // the slow path alone (pin_user_pages) migrates
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 1, gup_flags: LONGTERM })).toMatchObject({
      ret: 1,
      pages: [{ index: 1, pfn: 0, zone: 'ZONE_NORMAL', migrated: true }],
    });
    // the fast prefix is kept in ZONE_MOVABLE
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 2, gup_flags: LONGTERM })).toMatchObject({
      ret: 2,
      pages: [
        { index: 0, pfn: 32, zone: 'ZONE_MOVABLE', migrated: false },
        { index: 1, pfn: 0, zone: 'ZONE_NORMAL', migrated: false },
      ],
    });
  });

  test('linux-6.12 on the same fast pin: migrated to ZONE_NORMAL', () => {
    const sys = withVma('linux-6.12', 1);
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toMatchObject({
      pages: [{ pfn: 0, zone: 'ZONE_NORMAL', migrated: true }],
    });
  });
});

describe('linux-5.10: CMA-only FOLL_LONGTERM, nocma scope, pin in place after a failed migration', () => {
  test('a ZONE_MOVABLE page is pinned in place, fast and slow', () => {
    const sys = withVma('linux-5.10', 2);
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }],
    });
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toMatchObject({
      ret: 1,
      pages: [{ pfn: 32, zone: 'ZONE_MOVABLE', migrated: false }],
    });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 2049 });
  });

  test('a fault in the scope keeps __GFP_MOVABLE: it lands in ZONE_MOVABLE', () => {
    const sys = withVma('linux-5.10', 1);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toMatchObject({
      ret: 1,
      pages: [{ index: 0, pfn: 32, zone: 'ZONE_MOVABLE', migrated: false }],
    });
  });

  test('a fault in the scope never takes CMA (ALLOC_CMA cleared): -ENOMEM where only CMA is free', () => {
    const sys = withVma('linux-5.10', 2, 0, CMA_AND_MOVABLE);
    run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 3 }); // ZONE_MOVABLE full
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({ ret: '-ENOMEM' });
    // outside the scope the same fault takes CMA
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ pages: [{ pfn: 0 }] });
  });

  test('a CMA page migrates, and the target may be ZONE_MOVABLE', () => {
    const sys = userPageInCma('linux-5.10', false);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: true }],
    });
    expect(sys.snapshot().folios).toEqual([{ pfn: 8, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1025, pincount: 0, mapped: 1 }]);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 8, nrFreeCmaPages: 8 });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([8]);
  });

  test('a failed CMA migration (no target outside CMA) pins the page in place and succeeds', () => {
    const sys = userPageInCma('linux-5.10', true);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: false }],
    });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 0, migratetype: 'MIGRATE_CMA', refcount: 1025, maybe_dma_pinned: true });
    // linux-6.12: -ENOMEM with nothing pinned
    const cur = userPageInCma('linux-6.12', true);
    const before = cur.snapshot();
    expect(run(cur, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({ ret: '-ENOMEM' });
    expect(cur.snapshot()).toEqual(before);
  });

  test('a failed migration for extra references pins in place too', () => {
    const sys = userPageInCma('linux-5.10', false);
    run(sys, { op: 'get_page', vma: 'v1', index: 0 }); // g: the migration fails (refs)
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: false }],
    });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1026, migratetype: 'MIGRATE_CMA' });
  });
});

describe('tatashin-v3: the migration target keeps __GFP_MOVABLE, one pass', () => {
  test('a CMA copy lands in ZONE_MOVABLE and is pinned there', () => {
    const sys = userPageInCma('tatashin-v3', false);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: true }],
    });
    expect(sys.snapshot().folios).toEqual([{ pfn: 8, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1025, pincount: 0, mapped: 1 }]);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL').nrFreeCmaPages).toBe(8);
  });

  test('linux-6.12 on the same: GFP_USER finds no non-CMA memory, -ENOMEM', () => {
    const sys = userPageInCma('linux-6.12', false);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({ ret: '-ENOMEM' });
  });

  test('a ZONE_MOVABLE source: the copy may land in ZONE_MOVABLE again, pinned without a second collection', () => {
    // EXAMPLE: ZONE_MOVABLE [32, 64) is first in the zonelist for GFP_USER | __GFP_MOVABLE | __GFP_HIGHMEM
    const sys = withVma('tatashin-v3', 1);
    run(sys, { op: 'touch', vma: 'v1', index: 0 }); // 32
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 33, nid: 0, zone: 'ZONE_MOVABLE', migrated: true }],
    });
    expect(sys.snapshot().folios).toEqual([{ pfn: 33, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1025, pincount: 0, mapped: 1 }]);
  });

  test('a failed migration is -ENOMEM as in 6.12', () => {
    const sys = userPageInCma('tatashin-v3', false);
    run(sys, { op: 'get_page', vma: 'v1', index: 0 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: LONGTERM })).toEqual({ ret: '-ENOMEM' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 0, refcount: 2 });
  });
});

describe('isolate-merge: at pageblock order only an ISOLATE freeing block stops merging', () => {
  // pageblocks of 2 pages: [0, 2) MOVABLE, [2, 4) CMA, [4, 16) MOVABLE
  const M = oneZone(3, 1, 'ZONE_NORMAL', 0, 16, [[2, 2]]);

  test('MOVABLE and CMA buddies merge at pageblock order; NR_FREE_CMA_PAGES unchanged, the CMA block retyped', () => {
    const sys = boot('isolate-merge', M);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 0', 'MOVABLE o2: 4', 'MOVABLE o3: 8', 'CMA o1: 2']);
    expect(run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 1 })).toMatchObject({ ret: 0, page: 'k1', pfn: 0, migratetype: 'MIGRATE_MOVABLE' });
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 14, nrFreeCmaPages: 2 });
    expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
    const snap = sys.snapshot();
    expect(zoneOf(snap, 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 16, nrFreeCmaPages: 2, nrFree: [0, 0, 0, 2] });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8']);
    expect(snap.pageblocks.filter((p) => p.pfn < 4)).toEqual([
      { pfn: 0, migratetype: 'MIGRATE_MOVABLE' },
      { pfn: 2, migratetype: 'MIGRATE_MOVABLE' },
    ]);
  });

  test('linux-6.12 on the same: CMA is not mergeable, the free stops at order 1', () => {
    const sys = boot('linux-6.12', M);
    run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 1 });
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 0', 'MOVABLE o2: 4', 'MOVABLE o3: 8', 'CMA o1: 2']);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 16, nrFreeCmaPages: 2 });
  });

  test('below pageblock order nothing changes', () => {
    const sys = boot('isolate-merge', M);
    // order-0 frees inside one pageblock merge up to it as in 6.12
    run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 }); // k1: pfn 0
    run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 }); // k2: pfn 1
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 0', 'MOVABLE o2: 4', 'MOVABLE o3: 8', 'CMA o1: 2']);
    run(sys, { op: 'free_pages', page: 'k2' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8']);
  });

  // no CMA: one order-3 block at 0 and one at 8; k1 = [0, 2), k2 = [2, 4) with [4, 8) free at order 2
  const N = oneZone(3, 1, 'ZONE_NORMAL', 0, 16);
  function twoBlocks(profile: ProfileName): ImplSystem {
    const sys = boot(profile, N);
    expect(run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 1 })).toMatchObject({ page: 'k1', pfn: 0 });
    expect(run(sys, { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 1 })).toMatchObject({ page: 'k2', pfn: 2 });
    return sys;
  }

  test('an ISOLATE freeing block stops at pageblock order even with an ISOLATE buddy', () => {
    for (const [profile, want] of [
      ['isolate-merge', ['MOVABLE o2: 4', 'MOVABLE o3: 8', 'ISOLATE o1: 2,0']],
      ['linux-6.12', ['MOVABLE o2: 4', 'MOVABLE o3: 8', 'ISOLATE o2: 0']],
    ] as const) {
      const sys = twoBlocks(profile);
      sys.mm.pbType[0] = MIGRATE_ISOLATE; // both pageblocks isolated (as start_isolate_page_range would)
      sys.mm.pbType[1] = MIGRATE_ISOLATE;
      run(sys, { op: 'free_pages', page: 'k1' });
      run(sys, { op: 'free_pages', page: 'k2' });
      expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(want);
      expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL').nrFreePages).toBe(12);
    }
  });

  test('a MOVABLE freeing block merges with an ISOLATE buddy and retypes it; NR_FREE_PAGES misses its pages', () => {
    const sys = twoBlocks('isolate-merge');
    sys.mm.pbType[1] = MIGRATE_ISOLATE;
    run(sys, { op: 'free_pages', page: 'k2' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o2: 4', 'MOVABLE o3: 8', 'ISOLATE o1: 2']);
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8']);
    expect(sys.mm.pbType[1]).toBe(MIGRATE_MOVABLE);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 14, nrFree: [0, 0, 0, 2] });
  });
});
