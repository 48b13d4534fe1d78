import { expect, test } from 'vitest';
import { alignedDisjoint, coalesced, conservation, counters, listType } from '../../../properties/invariants/buddy.js';
import { ctx, folio, state, zone } from './fixtures.js';

test('a fully free, coalesced machine satisfies every buddy invariant', () => {
  for (const inv of [alignedDisjoint, coalesced, listType, counters, conservation]) expect(inv.check(ctx(state()))).toEqual([]);
});

test('buddy/aligned-disjoint: a misaligned block and an overlap', () => {
  const s = state({ zones: [zone('ZONE_NORMAL', [[0, 2], [2, 1], [5, 1]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])] });
  expect(alignedDisjoint.check(ctx(s))).toEqual(['block pfn 2 order 1: overlaps block pfn 0 order 2', 'block pfn 5 order 1: not naturally aligned']);
});

test('buddy/aligned-disjoint: a block on one zone\'s lists but in another zone', () => {
  const s = state({ zones: [zone('ZONE_NORMAL', [[0, 2], [8, 2]]), zone('ZONE_MOVABLE', [[12, 2]])] });
  expect(alignedDisjoint.check(ctx(s))).toEqual(['block pfn 8 order 2: on node 0 ZONE_NORMAL lists but not inside that zone']);
});

test('buddy/coalesced: two free buddies of the same type must have merged', () => {
  const s = state({ zones: [zone('ZONE_NORMAL', [[0, 1], [2, 1], [4, 2]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])] });
  expect(coalesced.check(ctx(s))).toEqual(['block pfn 0 order 1 (MIGRATE_MOVABLE) and its buddy 2 (MIGRATE_MOVABLE) are both free']);
});

test('buddy/coalesced: at pageblock order a CMA buddy may stay apart', () => {
  const z = zone('ZONE_NORMAL', [[0, 1], [4, 2]]);
  const lists = z.freeLists.map((l) => l.map((x) => [...x]));
  lists[4]![1]!.push(2);
  const s = state({
    zones: [{ ...z, freeLists: lists, nrFreePages: 8, nrFreeCmaPages: 2, nrFree: [0, 2, 1] }, zone('ZONE_MOVABLE', [[8, 2], [12, 2]])],
    pageblocks: state().pageblocks.map((pb) => (pb.pfn === 2 ? { ...pb, migratetype: 'MIGRATE_CMA' as const } : pb)),
  });
  expect(coalesced.check(ctx(s))).toEqual([]);
  expect(counters.check(ctx(s))).toEqual([]);
  expect(listType.check(ctx(s))).toEqual([]);
});

test('buddy/list-type: a MOVABLE-list block over a CMA pageblock', () => {
  const s = state({ pageblocks: state().pageblocks.map((pb) => (pb.pfn === 6 ? { ...pb, migratetype: 'MIGRATE_CMA' as const } : pb)) });
  expect(listType.check(ctx(s))).toEqual(['block pfn 4 order 2 is on the MIGRATE_MOVABLE list but covers a MIGRATE_CMA pageblock']);
});

test('buddy/counters: NR_FREE_PAGES and nr_free disagree with the lists', () => {
  const n = zone('ZONE_NORMAL', [[0, 2], [4, 2]]);
  const s = state({ zones: [{ ...n, nrFreePages: 9, nrFree: [0, 0, 1] }, zone('ZONE_MOVABLE', [[8, 2], [12, 2]])] });
  expect(counters.check(ctx(s))).toEqual(['node 0 ZONE_NORMAL: NR_FREE_PAGES 9, lists hold 8', 'node 0 ZONE_NORMAL: nr_free [0,0,1], lists hold [0,0,2]']);
});

test('buddy/conservation: a page both free and allocated, and a page lost', () => {
  expect(conservation.check(ctx(state({ folios: [folio(4, 0, 1)] })))).toEqual(['folio pfn 4 order 0 overlaps free block pfn 4 order 2']);
  const lost = state({ zones: [zone('ZONE_NORMAL', [[0, 2]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])] });
  expect(conservation.check(ctx(lost))).toEqual(['free + allocated + offline = 12, present + offline = 16 pages']);
});

test('buddy/conservation: offline pages are neither free nor present', () => {
  const s = state({
    zones: [zone('ZONE_NORMAL', [[0, 2]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])],
    memory: [
      { pfn: 0, nrPages: 4, nid: 0, zone: 'ZONE_NORMAL' },
      { pfn: 8, nrPages: 8, nid: 0, zone: 'ZONE_MOVABLE' },
    ],
    offline: [{ pfn: 4, nrPages: 4 }],
  });
  expect(conservation.check(ctx(s))).toEqual([]);
  expect(conservation.check(ctx({ ...s, memory: state().memory }))).toEqual([
    'free + allocated + offline = 16, present + offline = 20 pages',
    'offline [4, 8) is also present',
  ]);
});
