import { expect, test } from 'vitest';
import { longtermPinnable, noFalseNegative, pinnedStays, refcountExact } from '../../../properties/invariants/gup.js';
import { ctx, folio, holders, state, zone } from './fixtures.js';

const zones = [zone('ZONE_NORMAL', [[1, 0], [2, 1], [4, 2]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])];

test('gup/no-false-negative: a pinned small folio must read as maybe_dma_pinned', () => {
  const h = [holders(0, 0, { mapped: 1, pins: 1 })];
  expect(noFalseNegative.check(ctx(state({ zones, folios: [folio(0, 0, 1025, 0, 1)] }), { holders: h }))).toEqual([]);
  // linux-5.6 counted a pin as +1
  expect(noFalseNegative.check(ctx(state({ zones, folios: [folio(0, 0, 2, 0, 1)] }), { holders: h }))).toEqual([
    'folio pfn 0 order 0 has 1 pinned pages but refcount 2, pincount 0 read as not pinned',
  ]);
  // after the signed overflow the unsigned test still sees the pin
  expect(noFalseNegative.check(ctx(state({ zones, folios: [folio(0, 0, -2147483000, 0, 1)] }), { holders: h }))).toEqual([]);
});

test('gup/no-false-negative: 2^32 plain references wrap the count all the way round; not a pin-accounting failure', () => {
  // pin (1024) + mapping (1) + 2 * (2^31 - 1) gets = 2^32 + 1023: the counter reads 1023
  const wrapped = [holders(0, 0, { mapped: 1, pins: 1, gets: 2 * (2 ** 31 - 1) })];
  expect(noFalseNegative.check(ctx(state({ zones, folios: [folio(0, 0, 1023, 0, 1)] }), { holders: wrapped }))).toEqual([]);
});

test('gup/refcount-exact: 1024 per small pin, +1 and _pincount per large pinned page', () => {
  const small = [holders(0, 0, { kernel: 0, mapped: 1, gets: 2, pins: 1 })];
  expect(refcountExact.check(ctx(state({ zones, folios: [folio(0, 0, 1027, 0, 1)] }), { holders: small }))).toEqual([]);
  expect(refcountExact.check(ctx(state({ zones, folios: [folio(0, 0, 1026, 0, 1)] }), { holders: small }))).toEqual([
    'folio pfn 0 order 0: refcount 1026, pincount 0, mapped 1; holders (kernel 0, mapped 1, gets 2, pins 1) imply 1027, 0, 1',
  ]);
  const largeZones = [zone('ZONE_NORMAL', [[4, 2]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])];
  const large = [holders(0, 2, { mapped: 4, pins: 3 })];
  expect(refcountExact.check(ctx(state({ zones: largeZones, folios: [folio(0, 2, 7, 3, 4)] }), { holders: large }))).toEqual([]);
});

test('gup/refcount-exact: an allocated folio nobody holds', () => {
  expect(refcountExact.check(ctx(state({ zones, folios: [folio(0, 0, 1)] }), { holders: [] }))).toEqual([
    'folio pfn 0 order 0 is allocated but nothing holds it',
  ]);
});

test('gup/longterm-pinnable: ZONE_MOVABLE and CMA pageblocks are refused', () => {
  const mz = [zone('ZONE_NORMAL', [[0, 2], [4, 2]]), zone('ZONE_MOVABLE', [[9, 0], [10, 1], [12, 2]])];
  const h = [holders(8, 0, { mapped: 1, pins: 1, longtermPins: 1 })];
  expect(longtermPinnable.check(ctx(state({ zones: mz, folios: [folio(8, 0, 1025, 0, 1)] }), { holders: h }))).toEqual([
    'folio pfn 8 order 0 is long-term pinned in ZONE_MOVABLE (node 0)',
  ]);
  const cma = state({ zones, folios: [folio(0, 0, 1025, 0, 1)], pageblocks: state().pageblocks.map((pb) => (pb.pfn === 0 ? { ...pb, migratetype: 'MIGRATE_CMA' as const } : pb)) });
  expect(longtermPinnable.check(ctx(cma, { holders: [holders(0, 0, { mapped: 1, pins: 1, longtermPins: 1 })] }))).toEqual([
    'folio pfn 0 order 0 is long-term pinned in a MIGRATE_CMA pageblock',
  ]);
  expect(longtermPinnable.check(ctx(state({ zones, folios: [folio(0, 0, 1025, 0, 1)] }), { holders: [holders(0, 0, { mapped: 1, pins: 1, longtermPins: 1 })] }))).toEqual([]);
});

test('gup/pinned-stays: a pinned page whose pte moved, and one whose folio was freed', () => {
  const vma = (pfn: number | null) => ({ handle: 'v1', task: 1, pages: 1, folioOrder: 0, policy: null, ptes: [pfn] });
  const before = state({ zones, folios: [folio(0, 0, 1025, 0, 1)], handles: [{ handle: 'v1', pfns: [] }, { handle: 'u1', pfns: [0] }], vmas: [vma(0)] });
  const moved = state({ folios: [folio(8, 0, 1025, 0, 1)], handles: before.handles, vmas: [vma(8)] });
  expect(pinnedStays.check(ctx(moved, { before }))).toEqual([
    'u1 pins pfn 0, but its folio (pfn 0 order 0) was freed',
    'v1[0] mapped pinned pfn 0, now 8: the pinned page moved',
  ]);
  const unpinned = state({ handles: [{ handle: 'v1', pfns: [] }], vmas: [vma(null)] });
  expect(pinnedStays.check(ctx(unpinned, { before }))).toEqual([]);
});
