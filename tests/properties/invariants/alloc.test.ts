import { expect, test } from 'vitest';
import type { AllocPagesOp, AllocPagesResult } from '../../../model/api/index.js';
import { gfpRules, zoneEligible } from '../../../properties/invariants/alloc.js';
import { ctx, state } from './fixtures.js';

test('gfpRules decodes gfp_zone, ALLOC_CMA, THISNODE and HARDWALL independently of the models', () => {
  expect(gfpRules(['GFP_HIGHUSER_MOVABLE'])).toEqual({ highestZone: 'ZONE_MOVABLE', allocCma: true, thisNode: false, hardwall: true });
  expect(gfpRules(['GFP_HIGHUSER_MOVABLE'], true)).toEqual({ highestZone: 'ZONE_NORMAL', allocCma: false, thisNode: false, hardwall: true });
  expect(gfpRules(['GFP_KERNEL', '__GFP_MOVABLE', '__GFP_THISNODE'])).toEqual({ highestZone: 'ZONE_NORMAL', allocCma: true, thisNode: true, hardwall: false });
  expect(gfpRules(['GFP_KERNEL', '__GFP_DMA', '__GFP_DMA32'])).toBeUndefined();
  expect(gfpRules(['GFP_NOPE'])).toBeUndefined();
});

const alloc = (gfp: string[], extra: Partial<AllocPagesOp> = {}): AllocPagesOp => ({ op: 'alloc_pages', gfp, order: 0, ...extra });
const landed = (pfn: number, zone: 'ZONE_NORMAL' | 'ZONE_MOVABLE', nid = 0): AllocPagesResult => ({ ret: 0, page: 'k1', pfn, nid, zone, migratetype: 'MIGRATE_MOVABLE' });

test('alloc/zone-eligible: above gfp_zone, outside the nodemask, across THISNODE', () => {
  expect(zoneEligible.check(ctx(state(), { op: alloc(['GFP_KERNEL']), result: landed(8, 'ZONE_MOVABLE') }))).toEqual(['landed in ZONE_MOVABLE, above gfp_zone = ZONE_NORMAL']);
  expect(zoneEligible.check(ctx(state(), { op: alloc(['GFP_KERNEL'], { nodemask: [1] }), result: landed(0, 'ZONE_NORMAL') }))).toEqual([
    'landed on node 0, outside nodemask [1]',
  ]);
  expect(zoneEligible.check(ctx(state(), { op: alloc(['GFP_KERNEL', '__GFP_THISNODE'], { nid: 1 }), result: landed(0, 'ZONE_NORMAL') }))).toEqual([
    '__GFP_THISNODE from node 1 landed on node 0',
  ]);
  expect(zoneEligible.check(ctx(state(), { op: alloc(['GFP_HIGHUSER_MOVABLE']), result: landed(8, 'ZONE_MOVABLE') }))).toEqual([]);
});

test('alloc/zone-eligible: CMA only with ALLOC_CMA, never ISOLATE', () => {
  const cma = state({ pageblocks: state().pageblocks.map((pb) => (pb.pfn === 0 ? { ...pb, migratetype: 'MIGRATE_CMA' as const } : pb)) });
  expect(zoneEligible.check(ctx(cma, { op: alloc(['GFP_KERNEL']), result: landed(0, 'ZONE_NORMAL') }))).toEqual([
    'a request without ALLOC_CMA got pfn 0 in a CMA pageblock',
  ]);
  expect(zoneEligible.check(ctx(cma, { op: alloc(['GFP_KERNEL', '__GFP_MOVABLE']), result: landed(0, 'ZONE_NORMAL') }))).toEqual([]);
  const iso = state({ pageblocks: state().pageblocks.map((pb) => (pb.pfn === 0 ? { ...pb, migratetype: 'MIGRATE_ISOLATE' as const } : pb)) });
  expect(zoneEligible.check(ctx(iso, { op: alloc(['GFP_KERNEL']), result: landed(0, 'ZONE_NORMAL') }))).toEqual(['pfn 0 lies in an isolated pageblock']);
});
