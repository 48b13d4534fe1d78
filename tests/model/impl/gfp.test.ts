// gfp_zone through GFP_ZONE_TABLE / GFP_ZONE_BAD, gfp_migratetype and the -EINVAL checks of alloc_pages.
import { describe, expect, test } from 'vitest';
import { GFP_COMPOSITES, ZONE_NAMES } from '../../../model/api/index.js';
import {
  current_gfp_context,
  GFP_NOCMA_INTERNAL,
  SCOPE_NOCMA,
  SCOPE_NONE,
  SCOPE_PIN,
  GFP_ZONE_BAD,
  GFP_ZONE_TABLE,
  gfp_migratetype,
  gfp_migratetype_bad,
  gfp_zone,
  gfp_zone_bad,
  parseGfp,
} from '../../../model/impl/gfp.js';
import { alloc, boot, EXAMPLE } from './helpers.js';

describe('GFP_ZONE_TABLE', () => {
  test('packed constants', () => {
    // ZONE_NORMAL at 0x0, 0x2 (HIGHMEM→NORMAL), 0x8; DMA at 0x1, 0x9; DMA32 at 0x4, 0xc; MOVABLE at 0xa
    expect(GFP_ZONE_TABLE).toBe(0x01320122);
    expect(GFP_ZONE_BAD).toBe(0xe8e8);
  });

  test('every zone-modifier combination', () => {
    const table = Array.from({ length: 16 }, (_, bits) => (gfp_zone_bad(bits) ? 'BAD' : ZONE_NAMES[gfp_zone(bits)]));
    expect(table).toEqual([
      'ZONE_NORMAL', // 0x0
      'ZONE_DMA', // 0x1 DMA
      'ZONE_NORMAL', // 0x2 HIGHMEM (no HIGHMEM on 64-bit)
      'BAD', // 0x3
      'ZONE_DMA32', // 0x4 DMA32
      'BAD', // 0x5
      'BAD', // 0x6
      'BAD', // 0x7
      'ZONE_NORMAL', // 0x8 MOVABLE alone stops at NORMAL
      'ZONE_DMA', // 0x9 MOVABLE|DMA
      'ZONE_MOVABLE', // 0xa MOVABLE|HIGHMEM
      'BAD', // 0xb
      'ZONE_DMA32', // 0xc MOVABLE|DMA32
      'BAD', // 0xd
      'BAD', // 0xe
      'BAD', // 0xf
    ]);
  });

  test('composites', () => {
    expect(ZONE_NAMES[gfp_zone(GFP_COMPOSITES.GFP_KERNEL)]).toBe('ZONE_NORMAL');
    expect(ZONE_NAMES[gfp_zone(GFP_COMPOSITES.GFP_HIGHUSER)]).toBe('ZONE_NORMAL');
    expect(ZONE_NAMES[gfp_zone(GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE)]).toBe('ZONE_MOVABLE');
    expect(ZONE_NAMES[gfp_zone(GFP_COMPOSITES.GFP_TRANSHUGE)]).toBe('ZONE_MOVABLE');
    expect(ZONE_NAMES[gfp_zone(GFP_COMPOSITES.GFP_DMA32)]).toBe('ZONE_DMA32');
  });
});

describe('gfp helpers', () => {
  test('parseGfp ORs names, -1 for an unknown name, and repeats by value', () => {
    expect(parseGfp([])).toBe(0);
    expect(parseGfp(['GFP_KERNEL'])).toBe(0xcc0);
    expect(parseGfp(['GFP_KERNEL'])).toBe(0xcc0);
    const names = ['GFP_USER', '__GFP_MOVABLE'];
    expect(parseGfp(names)).toBe(0x100cc8);
    names[1] = '__GFP_THISNODE'; // a mutated list is looked up again, not served from the cache
    expect(parseGfp(names)).toBe(0x300cc0);
    expect(parseGfp(['GFP_KERNEL', 'GFP_BOGUS'])).toBe(-1);
    expect(parseGfp(['toString'])).toBe(-1);
  });

  test('parseGfp: a cached longer list is never served for its prefix (the cache compares lengths)', () => {
    // the empty list (slot 0) again, now cached
    expect(parseGfp([])).toBe(0);
    expect(parseGfp([])).toBe(0);
    // both lists hash to the same cache slot
    expect(parseGfp(['GFP_DMA32', 'GFP_HIGHUSER_MOVABLE'])).toBe(0x100cce);
    expect(parseGfp(['GFP_DMA32'])).toBe(0x4);
    expect(parseGfp(['GFP_DMA32', 'GFP_HIGHUSER_MOVABLE'])).toBe(0x100cce);
    expect(parseGfp(['GFP_DMA', 'GFP_KERNEL_ACCOUNT'])).toBe(0x400cc1);
    expect(parseGfp(['GFP_DMA'])).toBe(0x1);
  });

  test('gfp_migratetype', () => {
    expect(gfp_migratetype(GFP_COMPOSITES.GFP_KERNEL)).toBe(0);
    expect(gfp_migratetype(GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE)).toBe(1);
    expect(gfp_migratetype(0x10)).toBe(2);
    expect(gfp_migratetype_bad(0x18)).toBe(true);
    expect(gfp_migratetype_bad(0x08)).toBe(false);
  });

  test('current_gfp_context strips __GFP_MOVABLE in a pin scope', () => {
    const m = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE;
    expect(current_gfp_context(m, SCOPE_NONE)).toBe(m);
    expect(current_gfp_context(m, SCOPE_PIN)).toBe(m & ~0x08);
    expect(ZONE_NAMES[gfp_zone(current_gfp_context(m, SCOPE_PIN))]).toBe('ZONE_NORMAL');
  });

  test('linux-5.10 nocma scope keeps __GFP_MOVABLE and adds only the internal no-CMA bit', () => {
    const m = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE;
    expect(current_gfp_context(m, SCOPE_NOCMA)).toBe(m | GFP_NOCMA_INTERNAL);
    expect(ZONE_NAMES[gfp_zone(current_gfp_context(m, SCOPE_NOCMA))]).toBe('ZONE_MOVABLE');
    expect(gfp_migratetype(current_gfp_context(m, SCOPE_NOCMA))).toBe(1);
  });
});

describe('alloc_pages argument checks', () => {
  test('-EINVAL for unknown names, bad zone modifiers, MOVABLE|RECLAIMABLE, bad orders, tasks, nodes', () => {
    const sys = boot(EXAMPLE);
    const before = sys.snapshot();
    expect(alloc(sys, ['GFP_NOPE'], 0)).toEqual({ ret: '-EINVAL' });
    for (const bad of [
      ['__GFP_DMA', '__GFP_HIGHMEM'],
      ['__GFP_DMA', '__GFP_DMA32'],
      ['GFP_DMA32', '__GFP_HIGHMEM'],
      ['GFP_HIGHUSER_MOVABLE', '__GFP_DMA'],
      ['GFP_HIGHUSER_MOVABLE', '__GFP_DMA32'],
      ['__GFP_MOVABLE', '__GFP_DMA', '__GFP_DMA32'],
    ]) {
      expect(alloc(sys, bad, 0)).toEqual({ ret: '-EINVAL' });
    }
    expect(alloc(sys, ['__GFP_MOVABLE', '__GFP_RECLAIMABLE'], 0)).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_KERNEL'], 4)).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_KERNEL'], -1)).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_KERNEL'], 0.5)).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_KERNEL'], 0, { task: 7 })).toEqual({ ret: '-EINVAL' });
    expect(alloc(sys, ['GFP_KERNEL'], 0, { nid: 3 })).toEqual({ ret: '-EINVAL' });
    expect(sys.snapshot()).toEqual(before);
    // no handle was consumed by the failures
    expect(alloc(sys, ['GFP_KERNEL'], 0).page).toBe('k1');
  });

  test('DMA and DMA32 requests on a machine without those zones fail with -ENOMEM', () => {
    const sys = boot(EXAMPLE);
    expect(alloc(sys, ['GFP_DMA'], 0)).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_DMA32'], 0)).toEqual({ ret: '-ENOMEM' });
    expect(alloc(sys, ['GFP_DMA32', '__GFP_MOVABLE'], 0)).toEqual({ ret: '-ENOMEM' });
  });
});
