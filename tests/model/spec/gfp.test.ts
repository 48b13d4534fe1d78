import { test, expect } from 'vitest';
import { GFP_BITS, GFP_COMPOSITES, type MachineConfig, type ZoneName } from '../../../model/api/index.js';
import {
  current_gfp_context,
  gfp_migratetype,
  gfp_zone,
  gfp_zonelist,
  gfpMobilityIsBad,
  gfpZoneIsBad,
  parseGfp,
} from '../../../model/spec/gfp.js';
import type { Task } from '../../../model/spec/machine.js';
import { spec } from './helpers.js';

test('composite masks have the values of page_alloc.md §1.2', () => {
  expect(GFP_COMPOSITES.GFP_KERNEL).toBe(0xcc0);
  expect(GFP_COMPOSITES.GFP_USER).toBe(0x100cc0);
  expect(GFP_COMPOSITES.GFP_HIGHUSER).toBe(0x100cc2);
  expect(GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE).toBe(0x100cca);
  expect(GFP_COMPOSITES.GFP_ATOMIC).toBe(0x820);
  expect(GFP_COMPOSITES.__GFP_RECLAIM).toBe(0xc00);
});

test('parseGfp ORs the names and knows the composites', () => {
  expect(parseGfp(['GFP_KERNEL'])).toBe(0xcc0);
  expect(parseGfp(['GFP_USER'])).toBe(0x100cc0);
  expect(parseGfp(['GFP_HIGHUSER'])).toBe(0x100cc2);
  expect(parseGfp(['GFP_HIGHUSER_MOVABLE'])).toBe(0x100cca);
  expect(parseGfp(['GFP_ATOMIC'])).toBe(0x820);
  expect(parseGfp(['GFP_KERNEL', '__GFP_THISNODE'])).toBe(0x200cc0);
  expect(parseGfp(['GFP_KERNEL', '__GFP_MOVABLE'])).toBe(0xcc8);
  expect(parseGfp(['GFP_KERNEL', 'GFP_KERNEL'])).toBe(0xcc0);
  expect(parseGfp([])).toBe(0);
});

test('parseGfp rejects unknown names, including Object.prototype members', () => {
  expect(parseGfp(['GFP_KERNEL', '__GFP_BOGUS'])).toBeUndefined();
  expect(parseGfp(['toString'])).toBeUndefined();
  expect(parseGfp(['__proto__'])).toBeUndefined();
  expect(parseGfp(['gfp_kernel'])).toBeUndefined();
});

const GFP_ZONE_EXPECTED: readonly [number, ZoneName | 'bad'][] = [
  [0x0, 'ZONE_NORMAL'],
  [0x1, 'ZONE_DMA'],
  [0x2, 'ZONE_NORMAL'],
  [0x3, 'bad'],
  [0x4, 'ZONE_DMA32'],
  [0x5, 'bad'],
  [0x6, 'bad'],
  [0x7, 'bad'],
  [0x8, 'ZONE_NORMAL'],
  [0x9, 'ZONE_DMA'],
  [0xa, 'ZONE_MOVABLE'],
  [0xb, 'bad'],
  [0xc, 'ZONE_DMA32'],
  [0xd, 'bad'],
  [0xe, 'bad'],
  [0xf, 'bad'],
];

test.each(GFP_ZONE_EXPECTED)('gfp_zone table: low bits %i → %s', (bits, expected) => {
  if (expected === 'bad') {
    expect(gfpZoneIsBad(bits)).toBe(true);
    expect(() => gfp_zone(bits)).toThrow();
  } else {
    expect(gfpZoneIsBad(bits)).toBe(false);
    expect(gfp_zone(bits)).toBe(expected);
    // Only the low four bits matter.
    expect(gfp_zone(bits | GFP_COMPOSITES.GFP_USER)).toBe(expected);
  }
});

/** Every zone populated, one order-2 block each, so an allocation lands in the highest allowed zone. */
const ALL_ZONES: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_DMA: [0, 4], ZONE_DMA32: [4, 4], ZONE_NORMAL: [8, 4], ZONE_MOVABLE: [12, 4] } }],
};

function zoneModifierNames(bits: number): string[] {
  const names: string[] = [];
  if (bits & 0x1) names.push('__GFP_DMA');
  if (bits & 0x2) names.push('__GFP_HIGHMEM');
  if (bits & 0x4) names.push('__GFP_DMA32');
  if (bits & 0x8) names.push('__GFP_MOVABLE');
  return names;
}

test.each(GFP_ZONE_EXPECTED)('alloc_pages with zone-modifier bits %i → %s', (bits, expected) => {
  const s = spec(ALL_ZONES);
  const before = s.snapshot();
  const r = s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL', ...zoneModifierNames(bits)], order: 0 });
  if (expected === 'bad') {
    expect(r).toEqual({ ret: '-EINVAL' });
    expect(s.snapshot()).toEqual(before);
    expect(s.drainEvents()).toEqual([]);
  } else {
    expect(r).toMatchObject({ ret: 0, page: 'k1', nid: 0, zone: expected });
  }
});

test('gfp_migratetype', () => {
  expect(gfp_migratetype(0)).toBe('MIGRATE_UNMOVABLE');
  expect(gfp_migratetype(GFP_COMPOSITES.GFP_KERNEL)).toBe('MIGRATE_UNMOVABLE');
  expect(gfp_migratetype(GFP_COMPOSITES.GFP_HIGHUSER)).toBe('MIGRATE_UNMOVABLE');
  expect(gfp_migratetype(GFP_BITS.__GFP_MOVABLE)).toBe('MIGRATE_MOVABLE');
  expect(gfp_migratetype(GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE)).toBe('MIGRATE_MOVABLE');
  expect(gfp_migratetype(GFP_COMPOSITES.GFP_TRANSHUGE)).toBe('MIGRATE_MOVABLE');
  expect(gfp_migratetype(GFP_BITS.__GFP_RECLAIMABLE)).toBe('MIGRATE_RECLAIMABLE');
  expect(gfp_migratetype(GFP_BITS.__GFP_RECLAIMABLE | GFP_BITS.__GFP_MOVABLE)).toBe('MIGRATE_HIGHATOMIC');
  expect(gfpMobilityIsBad(GFP_BITS.__GFP_RECLAIMABLE | GFP_BITS.__GFP_MOVABLE)).toBe(true);
  expect(gfpMobilityIsBad(GFP_BITS.__GFP_MOVABLE)).toBe(false);
});

test('__GFP_MOVABLE|__GFP_RECLAIMABLE is -EINVAL', () => {
  const s = spec(ALL_ZONES);
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_MOVABLE', '__GFP_RECLAIMABLE'], order: 0 })).toEqual({
    ret: '-EINVAL',
  });
});

test('current_gfp_context strips __GFP_MOVABLE only inside a pin scope', () => {
  const task: Task = { tid: 1, nid: 0, mems: new Set([0]), flags: new Set(), mempolicy: null, il_prev: -1 };
  expect(current_gfp_context(task, 0x100cca)).toBe(0x100cca);
  task.flags.add('PF_MEMALLOC_PIN');
  expect(current_gfp_context(task, 0x100cca)).toBe(0x100cc2);
  expect(gfp_zone(current_gfp_context(task, 0x100cca))).toBe('ZONE_NORMAL');
  expect(gfp_migratetype(current_gfp_context(task, 0x100cca))).toBe('MIGRATE_UNMOVABLE');
  expect(current_gfp_context(task, 0xcc0)).toBe(0xcc0);
});

test('gfp_zonelist: __GFP_THISNODE selects NOFALLBACK', () => {
  expect(gfp_zonelist(0xcc0)).toBe('ZONELIST_FALLBACK');
  expect(gfp_zonelist(0xcc0 | GFP_BITS.__GFP_THISNODE)).toBe('ZONELIST_NOFALLBACK');
});

test('argument checks: unknown name, order > maxOrder, bad order values', () => {
  const s = spec(ALL_ZONES);
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL', 'GFP_BOGUS'], order: 0 })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 3 })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: -1 })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0.5 })).toEqual({ ret: '-EINVAL' });
  // order == maxOrder is fine; a failed op did not use up a handle number
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ ret: 0, page: 'k1', pfn: 8 });
});

test('parseGfp: the private-node names exist only when asked for (withPrivate defaults to false)', () => {
  expect(parseGfp(['__GFP_PRIVATE'])).toBeUndefined();
  expect(parseGfp(['GFP_KERNEL', 'GFP_PRIVATE'])).toBeUndefined();
  expect(parseGfp(['__GFP_PRIVATE'], true)).toBe(0x200);
  expect(parseGfp(['GFP_KERNEL', 'GFP_PRIVATE'], true)).toBe(0x200ec0);
});

test('gfp_zone refuses a bad zone-modifier mask and names the whole mask (the kernel VM_BUG_ONs)', () => {
  expect(() => gfp_zone(0x3)).toThrow('spec: gfp_zone on a bad mask 0x3');
  expect(() => gfp_zone(GFP_COMPOSITES.GFP_USER | 0x5)).toThrow('spec: gfp_zone on a bad mask 0x100cc5');
});
