import { expect, test } from 'vitest';
import { PROFILES } from '../../../model/profiles.js';
import { longtermPinnable } from '../../../properties/invariants/gup.js';
import { gfpBitNames, noLeak, noMigrateOut } from '../../../properties/invariants/private.js';
import { ctx, folio, holders, state, zone } from './fixtures.js';

// node 0 stands in for a private node here: the fixture's only node
const priv = (flags: string[]) => [{ nid: 0, ops: { flags, callbacks: ['migrate_to', 'folio_migrate'] } }];
const zones = [zone('ZONE_NORMAL', [[1, 0], [2, 1], [4, 2]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])];

test('gfpBitNames spells a mask', () => {
  expect(gfpBitNames(0x200 | 0x200000)).toBe('__GFP_PRIVATE|__GFP_THISNODE');
  expect(gfpBitNames(0)).toBe('0');
});

test('private/no-leak: a folio on a private node needs __GFP_PRIVATE in its placement', () => {
  const s = state({ zones, folios: [folio(0, 0, 1)], privateNodes: priv([]) });
  const leaked = [holders(0, 0, { kernel: 1, placement: { path: 'alloc_pages', gfp: 0xcc0 | 0x200000 } })];
  expect(noLeak.check(ctx(s, { holders: leaked }))).toEqual([
    'folio pfn 0 order 0 on private node 0 was placed by alloc_pages with __GFP_IO|__GFP_FS|__GFP_DIRECT_RECLAIM|__GFP_KSWAPD_RECLAIM|__GFP_THISNODE, without __GFP_PRIVATE',
  ]);
  const gated = [holders(0, 0, { kernel: 1, placement: { path: 'alloc_pages', gfp: 0xcc0 | 0x200 | 0x200000 } })];
  expect(noLeak.check(ctx(s, { holders: gated }))).toEqual([]);
  expect(noLeak.check(ctx(state({ zones, folios: [folio(0, 0, 1)] }), { holders: leaked }))).toEqual([]);
});

test('private/no-migrate-out: a page leaving a private node without NP_OPS_MIGRATION', () => {
  const vma = (pfn: number) => ({ handle: 'v1', task: 1, pages: 1, folioOrder: 0, policy: null, ptes: [pfn] });
  const before = state({ zones, folios: [folio(0, 0, 1, 0, 1)], handles: [{ handle: 'v1', pfns: [] }], vmas: [vma(0)], privateNodes: priv([]) });
  const after = state({ folios: [folio(8, 0, 1, 0, 1)], handles: before.handles, vmas: [vma(8)], privateNodes: priv([]) });
  expect(noMigrateOut.check(ctx(after, { before }))).toEqual(['v1[0] was on private node 0 (pfn 0, no NP_OPS_MIGRATION) and moved to pfn 8']);
  const allowed = { ...before, privateNodes: priv(['NP_OPS_MIGRATION']) };
  expect(noMigrateOut.check(ctx(after, { before: allowed }))).toEqual([]);
});

test('gup/longterm-pinnable on a private node: the flag (v4) or the zone (zone-pin), judged when the pin is taken', () => {
  const s = state({ zones: [zone('ZONE_NORMAL', [[0, 2], [4, 2]]), zone('ZONE_MOVABLE', [[9, 0], [10, 1], [12, 2]])], folios: [folio(8, 0, 1025, 0, 1)], privateNodes: priv([]) });
  const pinned = [holders(8, 0, { mapped: 1, pins: 1, longtermPins: 1 })];
  const v4 = PROFILES['private-nodes-v4'];
  expect(longtermPinnable.check(ctx(s, { profile: v4, holders: pinned, holdersBefore: [] }))).toEqual([
    'folio pfn 8 order 0 was long-term pinned on private node 0, which private-nodes-v4 does not allow',
  ]);
  // a pin taken earlier is not revoked by a later clear_ops
  expect(longtermPinnable.check(ctx(s, { profile: v4, holders: pinned, holdersBefore: pinned }))).toEqual([]);
  const flagged = { ...s, privateNodes: priv(['NP_OPS_LONGTERM_PIN']) };
  expect(longtermPinnable.check(ctx(flagged, { profile: v4, holders: pinned, holdersBefore: [] }))).toEqual([]);
  const zonePin = PROFILES['private-nodes-zone-pin'];
  expect(longtermPinnable.check(ctx(flagged, { profile: zonePin, holders: pinned, holdersBefore: [] }))).toEqual([
    'folio pfn 8 order 0 was long-term pinned on private node 0, which private-nodes-zone-pin does not allow',
  ]);
});
