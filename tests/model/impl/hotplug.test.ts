// offline_pages / online_pages with exact values, each step also checked against the spec (result
// and whole snapshot): the folio covering the range start, the migration nodemask (every node with
// memory but the source's), shrink_zone_span at high pfns, onlining below the lowest pfn.
import { describe, expect, test } from 'vitest';
import { twin } from './twin.js';
import type { MachineConfig, Op } from '../../../model/api/index.js';
import { PB0_TWO_NODES, zoneOf } from './helpers.js';

/** node 0: ZONE_NORMAL [0,8), ZONE_MOVABLE [8,16); node 1: ZONE_NORMAL [16,24) */
const TWO: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] } },
    { nid: 1, zones: { ZONE_NORMAL: [16, 8] } },
  ],
  tasks: [{ tid: 1, nid: 0 }],
};

describe('offline_pages: do_migrate_range', () => {
  test('a large folio starting before the range is migrated whole (the walk starts at the folio covering the start)', () => {
    const t = twin(TWO);
    t.apply({ op: 'mmap', task: 1, pages: 4, folioOrder: 2 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9, 10, 11]);
    expect(t.apply({ op: 'offline_pages', startPfn: 10, pages: 2 })).toEqual({ ret: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([16, 17, 18, 19]);
    expect(t.snap().offline).toEqual([{ pfn: 10, nrPages: 2 }]);
  });

  test('a pinned large folio covering the range start: -EINTR, nothing offline', () => {
    const t = twin(TWO);
    t.apply({ op: 'mmap', task: 1, pages: 4, folioOrder: 2 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    t.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] });
    expect(t.apply({ op: 'offline_pages', startPfn: 10, pages: 2 })).toEqual({ ret: '-EINTR' });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9, 10, 11]);
    expect(t.snap().offline).toEqual([]);
  });

  test('pageblock order 0: an order-1 folio at the first pfn covering the range start is migrated whole', () => {
    const t = twin(PB0_TWO_NODES);
    t.apply({ op: 'mmap', task: 1, pages: 2, folioOrder: 1 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1]);
    expect(t.apply({ op: 'offline_pages', startPfn: 1, pages: 1 })).toEqual({ ret: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9]);
    expect(t.snap().offline).toEqual([{ pfn: 1, nrPages: 1 }]);
  });

  test('the target nodemask is every other node with memory, also past 32 nodes (a second mask word)', () => {
    // 33 nodes, nid i at [4i, 4i+4); node 32 also has ZONE_MOVABLE [132,136)
    const nodes: MachineConfig['nodes'][number][] = [];
    for (let i = 0; i < 33; i++) nodes.push({ nid: i, zones: { ZONE_NORMAL: [4 * i, 4] } });
    nodes[32] = { nid: 32, zones: { ZONE_NORMAL: [128, 4], ZONE_MOVABLE: [132, 4] } };
    const t = twin({ maxOrder: 1, pageblockOrder: 1, nodes, tasks: [{ tid: 1, nid: 32 }] });
    t.apply({ op: 'mmap', task: 1, pages: 1 });
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([132]);
    expect(t.apply({ op: 'offline_pages', startPfn: 132, pages: 2 })).toEqual({ ret: 0 });
    // not node 32's own ZONE_NORMAL: the nearest other node by (distance, nid) is node 0
    expect(t.snap().vmas[0]!.ptes).toEqual([0]);
  });
});

describe('shrink_zone_span and online below the span', () => {
  test('offlining the top of a zone at pfns beyond 2^33 shrinks its span end', () => {
    const base = 2 ** 33;
    const t = twin({ maxOrder: 1, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [base, 8], ZONE_MOVABLE: [base + 8, 8] } }] });
    expect(t.apply({ op: 'offline_pages', startPfn: base + 4, pages: 4 })).toEqual({ ret: 0 });
    expect(zoneOf(t.snap(), 0, 'ZONE_NORMAL')).toMatchObject({ startPfn: base, spannedPages: 4, presentPages: 4 });
    expect(t.apply({ op: 'offline_pages', startPfn: base + 12, pages: 4 })).toEqual({ ret: 0 });
    expect(zoneOf(t.snap(), 0, 'ZONE_MOVABLE')).toMatchObject({ startPfn: base + 8, spannedPages: 4, presentPages: 4 });
  });

  test('online_pages below the lowest pfn shifts every index; folios keep their pfns and mappings', () => {
    const t = twin({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [16, 8] } }], tasks: [{ tid: 1, nid: 0 }] });
    t.apply({ op: 'mmap', task: 1, pages: 2 });
    t.apply({ op: 'touch', vma: 'v1', index: 0, count: 2 });
    expect(t.snap().vmas[0]!.ptes).toEqual([16, 17]);
    expect(t.apply({ op: 'online_pages', nid: 0, startPfn: 4, pages: 4, type: 'online_kernel' })).toEqual({ ret: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([16, 17]);
    expect(t.apply({ op: 'query', vma: 'v1', index: 1 })).toMatchObject({ ret: 0, pfn: 17, refcount: 1, mapped: 1 });
    expect(t.apply({ op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(zoneOf(t.snap(), 0, 'ZONE_NORMAL')).toMatchObject({ startPfn: 4, spannedPages: 20, presentPages: 12, nrFreePages: 12 });
  });
});

describe('isolate-merge: a migration target placed inside the range', () => {
  test('is not visited again, stays in the offline range with its zone, and is not taken as a free block', () => {
    // one zone [0,16); kernel folios fill [0,8); an order-1 user folio at 8; [12,16) free at order 2.
    // Isolating pageblock 6 splits [12,16): [14,16) MOVABLE merges with the ISOLATE [12,14) and
    // retypes it MOVABLE; isolating pageblock 7 splits again and leaves [12,14) on a MOVABLE list.
    const t = twin({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] } }], tasks: [{ tid: 1, nid: 0 }] }, 'isolate-merge');
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ pfn: 0 });
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ pfn: 4 });
    t.apply({ op: 'mmap', task: 1, pages: 2, folioOrder: 1 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9]);
    // the copy lands in [12,14); migrating it again would find no order-1 target: -EINTR
    expect(t.apply({ op: 'offline_pages', startPfn: 8, pages: 8 })).toEqual({ ret: 0 });
    const snap = t.snap();
    expect(snap.vmas[0]!.ptes).toEqual([12, 13]);
    expect(snap.offline).toEqual([{ pfn: 8, nrPages: 8 }]);
    expect(snap.folios.find((f) => f.pfn === 12)).toEqual({ pfn: 12, order: 1, nid: 0, zone: 'ZONE_NORMAL', refcount: 2, pincount: 0, mapped: 2 });
    // the free pages of the range left the lists; NR_FREE_PAGES ends 2 low (the isolate-merge counter bug, as in the spec)
    expect(snap.zones[0]).toMatchObject({ startPfn: 0, spannedPages: 8, presentPages: 8, nrFreePages: -2, nrFree: [0, 0, 0] });
  });

  test('-EINTR: the undo puts back a block that sits on a MOVABLE list inside the isolated range', () => {
    const t = twin({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] } }], tasks: [{ tid: 1, nid: 0 }] }, 'isolate-merge');
    t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 });
    t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 });
    t.apply({ op: 'mmap', task: 1, pages: 1 });
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    t.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] });
    expect(t.snap().zones[0]).toMatchObject({ nrFreePages: 7, nrFree: [1, 1, 1] });
    expect(t.apply({ op: 'offline_pages', startPfn: 8, pages: 8 })).toEqual({ ret: '-EINTR' });
    expect(t.snap().vmas[0]!.ptes).toEqual([8]);
    // same blocks back; NR_FREE_PAGES ends 2 low (the isolate-merge counter bug, as in the spec)
    expect(t.snap().zones[0]).toMatchObject({ nrFreePages: 5, nrFree: [1, 1, 1] });
    expect(t.snap().pageblocks.map((b) => b.migratetype.slice(8))).toEqual(Array(8).fill('MOVABLE'));
  });
});
