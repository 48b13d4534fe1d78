// The buddy allocator with exact pfns: boot lists, expand, merging, the CMA gate, fallbacks,
// split_large_buddy and the merge retype.
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import type { ImplSystem } from '../../../model/impl/index.js';
import { add_to_free_list_tail, del_page_from_free_list } from '../../../model/impl/freelist.js';
import { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE, ORDER_MASK } from '../../../model/impl/mem.js';
import { alloc, boot, EXAMPLE, list, lists, oneZone, run, zoneOf } from './helpers.js';

const MOVABLE = ['GFP_KERNEL', '__GFP_MOVABLE'];

/** white-box: move the free block at pfn to another migratetype's list tail, retyping its pageblocks */
function retypeFreeBlock(sys: ImplSystem, pfn: number, mt: number): void {
  const mm = sys.mm;
  const idx = pfn - mm.base;
  const order = mm.flags[idx]! & ORDER_MASK;
  const z = mm.zoneOf[idx]!;
  del_page_from_free_list(mm, idx, z, order, mm.pbType[idx >>> mm.pageblockOrder]!);
  mm.pbType.fill(mt, idx >>> mm.pageblockOrder, (idx + 2 ** order) >>> mm.pageblockOrder);
  add_to_free_list_tail(mm, idx, z, order, mt);
}

/** white-box: retype the pageblocks of an allocated range */
function retypeRange(sys: ImplSystem, pfn: number, pages: number, mt: number): void {
  const mm = sys.mm;
  mm.pbType.fill(mt, (pfn - mm.base) >>> mm.pageblockOrder, (pfn - mm.base + pages) >>> mm.pageblockOrder);
}

describe('boot free lists', () => {
  test('example machine: largest aligned blocks, ascending, CMA runs apart', () => {
    const sys = boot(EXAMPLE);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8,24', 'CMA o3: 16']);
    expect(lists(sys, 0, 'ZONE_MOVABLE')).toEqual(['MOVABLE o3: 32,40,48,56']);
    expect(lists(sys, 1, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 64,72,80,88']);
    const z = zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL');
    expect(z).toMatchObject({
      startPfn: 0,
      spannedPages: 32,
      presentPages: 32,
      managedPages: 32,
      cmaPages: 8,
      nrFreePages: 32,
      nrFreeCmaPages: 8,
      nrFree: [0, 0, 0, 4],
    });
    expect(sys.snapshot().zones.map((x) => `${x.nid}:${x.zone}`)).toEqual(['0:ZONE_NORMAL', '0:ZONE_MOVABLE', '1:ZONE_NORMAL']);
  });

  test('a zone at an unaligned pfn with a CMA pageblock inside', () => {
    const sys = boot(oneZone(3, 1, 'ZONE_NORMAL', 6, 20, [[8, 2]]));
    // runs [6,8) MOVABLE, [8,10) CMA, [10,26) MOVABLE
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 6,10,24', 'MOVABLE o2: 12', 'MOVABLE o3: 16', 'CMA o1: 8']);
    const snap = sys.snapshot();
    expect(snap.zones[0]).toMatchObject({ nrFreePages: 20, nrFreeCmaPages: 2, nrFree: [0, 4, 1, 1], cmaPages: 2 });
    expect(snap.pageblocks.map((b) => `${b.pfn}:${b.migratetype.slice(8)}`)).toEqual([
      '6:MOVABLE', '8:CMA', '10:MOVABLE', '12:MOVABLE', '14:MOVABLE', '16:MOVABLE', '18:MOVABLE',
      '20:MOVABLE', '22:MOVABLE', '24:MOVABLE',
    ]);
  });

  test('nodes with gaps between them, pageblocks only where present', () => {
    const sys = boot({
      maxOrder: 2,
      pageblockOrder: 2,
      nodes: [{ nid: 3, zones: { ZONE_DMA32: [4, 4] } }, { nid: 1, zones: { ZONE_NORMAL: [20, 8] } }],
    });
    expect(sys.snapshot().pageblocks.map((b) => b.pfn)).toEqual([4, 20, 24]);
    expect(lists(sys, 1, 'ZONE_NORMAL')).toEqual(['MOVABLE o2: 20,24']);
    expect(alloc(sys, ['GFP_DMA32'], 2)).toEqual({ ret: 0, page: 'k1', pfn: 4, nid: 3, zone: 'ZONE_DMA32', migratetype: 'MIGRATE_MOVABLE' });
  });

  test('pfns beyond 2^31', () => {
    const base = 2 ** 33;
    const sys = boot(oneZone(2, 1, 'ZONE_NORMAL', base + 4, 12));
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual([`MOVABLE o2: ${base + 4},${base + 8},${base + 12}`]);
    expect(alloc(sys, ['GFP_KERNEL'], 0)).toMatchObject({ pfn: base + 4 });
    expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual([`MOVABLE o2: ${base + 4},${base + 8},${base + 12}`]);
  });
});

describe('expand', () => {
  test('order 0 from an order-3 block at P: P+4 o2, P+2 o1, P+1 o0 at the list heads', () => {
    const sys = boot(oneZone(3, 1, 'ZONE_NORMAL', 8, 16));
    expect(alloc(sys, MOVABLE, 0)).toMatchObject({ ret: 0, pfn: 8 });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 9', 'MOVABLE o1: 10', 'MOVABLE o2: 12', 'MOVABLE o3: 16']);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 15, nrFree: [1, 1, 1, 1] });
    // order 1 now comes from the order-1 list; the next order 0 from the order-0 list
    expect(alloc(sys, MOVABLE, 1)).toMatchObject({ pfn: 10 });
    expect(alloc(sys, MOVABLE, 0)).toMatchObject({ pfn: 9 });
    // order 1 again splits P+4: P+6 goes to the order-1 head
    expect(alloc(sys, MOVABLE, 1)).toMatchObject({ pfn: 12 });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 14', 'MOVABLE o3: 16']);
  });
});

describe('__free_one_page', () => {
  test('a merge sequence back to one order-3 block', () => {
    const sys = boot(oneZone(3, 1, 'ZONE_NORMAL', 0, 8));
    const pfns = Array.from({ length: 8 }, () => alloc(sys, MOVABLE, 0).pfn);
    expect(pfns).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const free = (k: number) => run(sys, { op: 'free_pages', page: `k${k + 1}` });
    free(1);
    free(3);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 3,1']);
    free(0); // merges with 1 into [0,2) o1; its buddy 2 is allocated
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 3', 'MOVABLE o1: 0']);
    free(2); // 2+3 → o1, + [0,2) → o2 at 0
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o2: 0']);
    free(6);
    free(5);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 5,6', 'MOVABLE o2: 0']);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 6, nrFree: [2, 0, 1, 0] });
    free(7); // 6+7 → o1 at 6, buddy 4 allocated
    free(4); // 4+5 → o1, + [6,8) → o2 at 4, + [0,4) → o3
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0']);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 8, nrFree: [0, 0, 0, 1] });
    expect(sys.snapshot().folios).toEqual([]);
  });

  test('a free block goes to the list head', () => {
    const sys = boot(oneZone(1, 0, 'ZONE_NORMAL', 0, 8));
    for (let i = 0; i < 4; i++) alloc(sys, MOVABLE, 1);
    for (const k of [2, 4, 1]) run(sys, { op: 'free_pages', page: `k${k}` });
    expect(list(sys, 0, 'ZONE_NORMAL', 'MIGRATE_MOVABLE', 1)).toEqual([0, 6, 2]);
  });

  test('no merge across zones or nodes (per page, not by span), nor with a buddy outside the machine', () => {
    const sys = boot({
      maxOrder: 3,
      pageblockOrder: 1,
      nodes: [{ nid: 0, zones: { ZONE_NORMAL: [4, 4], ZONE_MOVABLE: [8, 4] } }, { nid: 1, zones: { ZONE_NORMAL: [12, 4] } }],
    });
    expect(alloc(sys, MOVABLE, 2)).toMatchObject({ pfn: 4 }); // its order-2 buddy, pfn 0, is a hole
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 2)).toMatchObject({ pfn: 8, zone: 'ZONE_MOVABLE' });
    run(sys, { op: 'free_pages', page: 'k1' });
    run(sys, { op: 'free_pages', page: 'k2' }); // buddy 12 is free at order 2 but on node 1
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o2: 4']);
    expect(lists(sys, 0, 'ZONE_MOVABLE')).toEqual(['MOVABLE o2: 8']);
    expect(lists(sys, 1, 'ZONE_NORMAL')).toEqual(['MOVABLE o2: 12']);
  });

  test('CMA merge gate at pageblock order; below it pages merge freely', () => {
    const sys = boot(oneZone(3, 1, 'ZONE_NORMAL', 0, 8, [[2, 2]]));
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 0', 'MOVABLE o2: 4', 'CMA o1: 2']);
    // order 0 from [0,2) and back: merges at order 0, stops at order 1 (= pageblock order) at the CMA buddy
    expect(alloc(sys, MOVABLE, 0)).toMatchObject({ pfn: 0, migratetype: 'MIGRATE_MOVABLE' });
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 0', 'MOVABLE o2: 4', 'CMA o1: 2']);
    // a CMA block freed next to a free MOVABLE buddy stays on the CMA list
    expect(alloc(sys, MOVABLE, 1)).toMatchObject({ pfn: 0 });
    expect(alloc(sys, MOVABLE, 2)).toMatchObject({ pfn: 4 });
    expect(alloc(sys, ['GFP_KERNEL'], 1)).toEqual({ ret: '-ENOMEM' }); // no ALLOC_CMA
    expect(alloc(sys, MOVABLE, 1)).toMatchObject({ page: 'k4', pfn: 2, migratetype: 'MIGRATE_CMA' });
    run(sys, { op: 'free_pages', page: 'k2' });
    run(sys, { op: 'free_pages', page: 'k4' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 0', 'CMA o1: 2']);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ nrFreePages: 4, nrFreeCmaPages: 2, nrFree: [0, 2, 0, 0] });
    // the order-2 block at 4 cannot merge with [0,4) either: that is not one free block
    run(sys, { op: 'free_pages', page: 'k3' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 0', 'MOVABLE o2: 4', 'CMA o1: 2']);
  });

  test('CMA gate above pageblock order: an order-3 MOVABLE block stays apart from its CMA buddy', () => {
    const sys = boot(oneZone(4, 1, 'ZONE_NORMAL', 0, 32, [[16, 8]]));
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 24', 'MOVABLE o4: 0', 'CMA o3: 16']);
    expect(alloc(sys, MOVABLE, 3)).toMatchObject({ pfn: 24 });
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 24', 'MOVABLE o4: 0', 'CMA o3: 16']);
  });

  test('merging mergeable types retypes every pageblock of the buddy (e6cf9e1c4cde)', () => {
    const sys = boot(oneZone(3, 0, 'ZONE_NORMAL', 0, 8));
    expect(alloc(sys, MOVABLE, 2)).toMatchObject({ pfn: 0 });
    retypeFreeBlock(sys, 4, MIGRATE_UNMOVABLE);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['UNMOVABLE o2: 4']);
    run(sys, { op: 'free_pages', page: 'k1' }); // MOVABLE [0,4) + UNMOVABLE buddy [4,8) → MOVABLE o3
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0']);
    expect(sys.snapshot().pageblocks.every((b) => b.migratetype === 'MIGRATE_MOVABLE')).toBe(true);
  });
  test('a buddy is unlinked from the list it is on, even if its pageblock type says otherwise', () => {
    const sys = boot(oneZone(3, 0, 'ZONE_NORMAL', 0, 8));
    expect(alloc(sys, MOVABLE, 2)).toMatchObject({ pfn: 0 });
    // white-box: the free block [4,8) sits on an UNMOVABLE list over MOVABLE pageblocks
    const mm = sys.mm;
    const z = mm.zoneOf[4]!; // zone slot nodePos * 4 + ZONE_NORMAL
    expect(z).toBe(2);
    del_page_from_free_list(mm, 4, z, 2, 1);
    add_to_free_list_tail(mm, 4, z, 2, MIGRATE_UNMOVABLE);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['UNMOVABLE o2: 4']);
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0']);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL').nrFree).toEqual([0, 0, 0, 1]);
  });
});

describe('split_large_buddy', () => {
  test('order > pageblockOrder frees pageblock pieces ascending, each with its own type', () => {
    const sys = boot(oneZone(3, 1, 'ZONE_NORMAL', 0, 16));
    expect(alloc(sys, MOVABLE, 3)).toMatchObject({ pfn: 0 });
    retypeRange(sys, 2, 2, MIGRATE_UNMOVABLE);
    // pieces: 0 (MOVABLE) alone; 2 (UNMOVABLE) merges with 0 and retypes it → 0 o2 UNMOVABLE;
    // 4 alone; 6 merges with 4 → 4 o2 MOVABLE, then with 0 → 0 o3 MOVABLE (buddy retyped)
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8']);
    expect(sys.snapshot().pageblocks.every((b) => b.migratetype === 'MIGRATE_MOVABLE')).toBe(true);
  });

  test('pieces of a CMA folio re-merge; pieces of different gated types do not', () => {
    const sys = boot(oneZone(3, 1, 'ZONE_NORMAL', 0, 16, [[8, 8]]));
    expect(alloc(sys, MOVABLE, 3)).toMatchObject({ pfn: 0, migratetype: 'MIGRATE_MOVABLE' });
    expect(alloc(sys, MOVABLE, 3)).toMatchObject({ pfn: 8, migratetype: 'MIGRATE_CMA' });
    run(sys, { op: 'free_pages', page: 'k2' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['CMA o3: 8']);
    // a MOVABLE folio whose middle pageblock became CMA-typed: the CMA piece stays apart
    retypeRange(sys, 4, 2, 4);
    run(sys, { op: 'free_pages', page: 'k1' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 6', 'MOVABLE o2: 0', 'CMA o1: 4', 'CMA o3: 8']);
  });
});

describe('__rmqueue fallbacks', () => {
  // one order-2 block per pageblock (pageblockOrder 2): 0 UNMOVABLE, 4 RECLAIMABLE, 8 MOVABLE, 12 CMA
  const cfg: MachineConfig = oneZone(2, 2, 'ZONE_NORMAL', 0, 16, [[12, 4]]);
  function typed(): ImplSystem {
    const sys = boot(cfg);
    retypeFreeBlock(sys, 0, MIGRATE_UNMOVABLE);
    retypeFreeBlock(sys, 4, MIGRATE_RECLAIMABLE);
    return sys;
  }
  const order = (sys: ImplSystem, gfp: string[]) =>
    Array.from({ length: 5 }, () => {
      const r = alloc(sys, gfp, 2);
      return r.ret === 0 ? `${r.pfn}:${String(r.migratetype).slice(8)}` : r.ret;
    });

  test('UNMOVABLE → RECLAIMABLE → MOVABLE, never CMA', () => {
    expect(order(typed(), ['GFP_KERNEL'])).toEqual(['0:UNMOVABLE', '4:RECLAIMABLE', '8:MOVABLE', '-ENOMEM', '-ENOMEM']);
  });
  test('MOVABLE → CMA → RECLAIMABLE → UNMOVABLE', () => {
    expect(order(typed(), MOVABLE)).toEqual(['8:MOVABLE', '12:CMA', '4:RECLAIMABLE', '0:UNMOVABLE', '-ENOMEM']);
  });
  test('RECLAIMABLE → UNMOVABLE → MOVABLE', () => {
    expect(order(typed(), ['GFP_KERNEL', '__GFP_RECLAIMABLE'])).toEqual(['4:RECLAIMABLE', '0:UNMOVABLE', '8:MOVABLE', '-ENOMEM', '-ENOMEM']);
  });
  test('type-major: a larger block of the first fallback type before a smaller one of the second', () => {
    const sys = typed();
    expect(alloc(sys, ['GFP_KERNEL'], 2)).toMatchObject({ pfn: 0 }); // the UNMOVABLE block
    expect(alloc(sys, MOVABLE, 0)).toMatchObject({ pfn: 8 }); // MOVABLE now has 9 o0, 10 o1
    expect(alloc(sys, ['GFP_KERNEL'], 0)).toMatchObject({ pfn: 4, migratetype: 'MIGRATE_RECLAIMABLE' });
    // the remainders stay on RECLAIMABLE lists, no pageblock is retyped
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 9', 'MOVABLE o1: 10', 'RECLAIMABLE o0: 5', 'RECLAIMABLE o1: 6', 'CMA o2: 12']);
    expect(sys.snapshot().pageblocks.map((b) => b.migratetype.slice(8))).toEqual(['UNMOVABLE', 'RECLAIMABLE', 'MOVABLE', 'CMA']);
  });
});
