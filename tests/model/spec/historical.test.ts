// The historical profiles (docs/MODEL.md "Historical profiles"): each is linux-6.12 with one switch
// of Profile.historicalRules on. Every test runs the same ops under the historical profile and under
// linux-6.12 and pins both outcomes exactly.
import { test, expect } from 'vitest';
import { GFP_BITS, GFP_COMPOSITES, type MachineConfig, type Op, type ProfileName } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { current_alloc_flags_cma, current_gfp_context } from '../../../model/spec/gfp.js';
import { mergeGateStops } from '../../../model/spec/free.js';
import { createSpecSystem, type SpecSystem } from '../../../model/spec/system.js';

function sys(name: ProfileName, config: MachineConfig, ops: readonly Op[] = []): SpecSystem {
  const s = createSpecSystem(config, PROFILES[name]);
  for (const op of ops) s.apply(op);
  s.drainEvents();
  return s;
}

const HIGHUSER_MOVABLE = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE; // 0x100cca
const GFP_USER = GFP_COMPOSITES.GFP_USER; // 0xcc0
const TARGET_5_10 = GFP_USER | GFP_BITS.__GFP_MOVABLE | GFP_BITS.__GFP_HIGHMEM; // 0xcca

/** node 0: ZONE_NORMAL [0,8), ZONE_MOVABLE [8,16); maxOrder 2, pageblock order 1. */
const movable: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] } }],
};
/** node 0: ZONE_DMA32 [0,4), ZONE_NORMAL [4,8) all CMA, ZONE_MOVABLE [8,12); maxOrder 2, pageblock order 1. */
const cmaMovable: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_DMA32: [0, 4], ZONE_NORMAL: [4, 4], ZONE_MOVABLE: [8, 4] }, cma: [[4, 4]] }],
};
/**
 * A user page in CMA (pfn 4) with ZONE_MOVABLE free again: fill ZONE_MOVABLE (k1 at 8, order 2) so
 * the fault falls back to ZONE_NORMAL's CMA, then free k1.
 */
const faultIntoCma: Op[] = [
  { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 2 },
  { op: 'mmap', task: 1, pages: 1 },
  { op: 'touch', vma: 'v1', index: 0 },
  { op: 'free_pages', page: 'k1' },
];

test('every profile: historical iff exactly one switch is on; linux-6.12 and the private profiles have none', () => {
  for (const p of Object.values(PROFILES)) {
    const on = Object.values(p.historicalRules).filter((v) => v === true).length;
    expect([p.name, on]).toEqual([p.name, p.historical ? 1 : 0]);
  }
  expect(PROFILES['linux-5.6'].historicalRules.pinCountsLikeGet).toBe(true);
  expect(PROFILES['linux-5.7'].historicalRules.fastSkipsLongtermCheck).toBe(true);
  expect(PROFILES['linux-5.10'].historicalRules.longtermCmaOnly).toBe(true);
  expect(PROFILES['tatashin-v3'].historicalRules.targetMayBeMovable).toBe(true);
  expect(PROFILES['isolate-merge'].historicalRules.mergeGateFreeingOnly).toBe(true);
});

// ---------------------------------------------------------------------------------------------
// linux-5.6: FOLL_PIN counts like FOLL_GET (eddb1c228f79; fixed by 3faa52c03f44)

test('linux-5.6: a pin of a small folio adds 1, not 1024; unpin takes it back', () => {
  const ops: Op[] = [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
  ];
  const query: Op = { op: 'query', vma: 'v1', index: 0 };
  const old = sys('linux-5.6', movable, ops);
  const now = sys('linux-6.12', movable, ops);
  const base = { ret: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migratetype: 'MIGRATE_MOVABLE', order: 0, pincount: 0, mapped: 1 };
  expect(old.apply(query)).toEqual({ ...base, refcount: 2, maybe_dma_pinned: false });
  expect(now.apply(query)).toEqual({ ...base, refcount: 1025, maybe_dma_pinned: true });
  // exact holders are the same: one pin
  expect(old.holders()).toEqual(now.holders());
  expect(old.holders()[0]).toMatchObject({ pfn: 8, mapped: 1, pins: 1, longtermPins: 0 });
  expect(old.snapshot().folios).toEqual([{ pfn: 8, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 2, pincount: 0, mapped: 1 }]);
  for (const s of [old, now]) {
    expect(s.apply({ op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
    expect(s.apply(query)).toEqual({ ...base, refcount: 1, maybe_dma_pinned: false });
  }
});

test('linux-5.6: a pin of a large folio leaves _pincount at 0 (a false negative); 6.12 counts it', () => {
  const ops: Op[] = [
    { op: 'mmap', task: 1, pages: 2, folioOrder: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 2, gup_flags: [] },
  ];
  const query: Op = { op: 'query', vma: 'v1', index: 0 };
  const old = sys('linux-5.6', movable, ops);
  const now = sys('linux-6.12', movable, ops);
  const base = { ret: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migratetype: 'MIGRATE_MOVABLE', order: 1, refcount: 4, mapped: 2 };
  expect(old.apply(query)).toEqual({ ...base, pincount: 0, maybe_dma_pinned: false });
  expect(now.apply(query)).toEqual({ ...base, pincount: 2, maybe_dma_pinned: true });
  expect(old.holders()[0]).toMatchObject({ pfn: 8, order: 1, mapped: 2, pins: 2 });
});

test('linux-5.6: FOLL_LONGTERM is 6.12\'s (the ZONE_MOVABLE page migrates), the pinned copy counts +1', () => {
  const ops: Op[] = [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] },
  ];
  const old = sys('linux-5.6', movable, ops);
  expect(old.snapshot().folios).toEqual([{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 2, pincount: 0, mapped: 1 }]);
  expect(sys('linux-6.12', movable, ops).snapshot().folios).toEqual([
    { pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1025, pincount: 0, mapped: 1 },
  ]);
});

// ---------------------------------------------------------------------------------------------
// linux-5.7: GUP-fast skips folio_is_longterm_pinnable (B2)

test('linux-5.7: pin_user_pages_fast(LONGTERM) pins a ZONE_MOVABLE page in place; 6.12 migrates it', () => {
  const ops: Op[] = [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ];
  const pin: Op = { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const old = sys('linux-5.7', movable, ops);
  const now = sys('linux-6.12', movable, ops);
  expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }] });
  expect(old.drainEvents()).toEqual([{ kind: 'pin', large: false }]);
  expect(old.holders()).toEqual([
    { pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'fault', gfp: HIGHUSER_MOVABLE } },
  ]);
  expect(now.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true }] });
  expect(now.holders()).toEqual([
    { pfn: 0, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: GFP_USER | GFP_BITS.__GFP_HIGHMEM } },
  ]);
});

test('linux-5.7: the fast path also pins a CMA page in place; the slow path is 6.12 and migrates', () => {
  const fast: Op = { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const slow: Op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  expect(sys('linux-5.7', cmaMovable, faultIntoCma).apply(fast)).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 4, nid: 0, zone: 'ZONE_NORMAL', migrated: false }],
  });
  const expectSlow = { ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: true }] };
  expect(sys('linux-5.7', cmaMovable, faultIntoCma).apply(slow)).toEqual(expectSlow);
  expect(sys('linux-6.12', cmaMovable, faultIntoCma).apply(fast)).toEqual(expectSlow);
  // linux-5.7 slow path on a ZONE_MOVABLE page: migrated as in 6.12
  const ops: Op[] = [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ];
  expect(sys('linux-5.7', movable, ops).apply(slow)).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true }],
  });
});

// ---------------------------------------------------------------------------------------------
// linux-5.10: FOLL_LONGTERM handles CMA only, memalloc_nocma scope, failed migration pins in place

test('linux-5.10: the pin scope keeps __GFP_MOVABLE and clears only ALLOC_CMA', () => {
  const task = { tid: 1, nid: 0, mems: new Set([0]), flags: new Set<'PF_MEMALLOC_PIN'>(['PF_MEMALLOC_PIN']), mempolicy: null, il_prev: -1 };
  expect(current_gfp_context(task, HIGHUSER_MOVABLE, true)).toBe(HIGHUSER_MOVABLE);
  expect(current_gfp_context(task, HIGHUSER_MOVABLE)).toBe(0x100cc2);
  expect(current_alloc_flags_cma(task, true, true)).toBe(false);
  expect(current_alloc_flags_cma(task, true)).toBe(true);
  task.flags.clear();
  expect(current_alloc_flags_cma(task, true, true)).toBe(true);
  expect(current_alloc_flags_cma(task, false, true)).toBe(false);
});

test('linux-5.10: FOLL_LONGTERM pins a ZONE_MOVABLE page in place, fast and slow; 6.12 migrates', () => {
  const ops: Op[] = [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ];
  for (const op of ['pin_user_pages', 'pin_user_pages_fast'] as const) {
    const pin: Op = { op, vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
    const old = sys('linux-5.10', movable, ops);
    expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }] });
    expect(old.drainEvents()).toEqual([{ kind: 'pin', large: false }]);
    expect(sys('linux-6.12', movable, ops).apply(pin)).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true }],
    });
  }
});

test('linux-5.10: a CMA page migrates with GFP_USER|__GFP_MOVABLE|__GFP_HIGHMEM, the target lands in ZONE_MOVABLE', () => {
  const pin: Op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const old = sys('linux-5.10', cmaMovable, faultIntoCma);
  expect(old.holders()[0]).toMatchObject({ pfn: 4, placement: { path: 'fault', gfp: HIGHUSER_MOVABLE } });
  expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: true }] });
  expect(old.holders()).toEqual([
    { pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: TARGET_5_10 } },
  ]);
  expect(old.drainEvents()).toEqual([
    { kind: 'pin', large: false },
    { kind: 'longterm-unpinnable', why: 'MIGRATE_CMA' },
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'migrate', reason: 'longterm', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_MOVABLE', remote: false },
    { kind: 'pin', large: false },
  ]);
  const now = sys('linux-6.12', cmaMovable, faultIntoCma);
  expect(now.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: true }] });
  expect(now.holders()).toEqual([
    { pfn: 0, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: GFP_USER } },
  ]);
});

test('linux-5.10: a failed CMA migration (an extra get) pins in place and returns the count; 6.12 -ENOMEM', () => {
  const ops: Op[] = [...faultIntoCma, { op: 'get_page', vma: 'v1', index: 0 }];
  const pin: Op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const query: Op = { op: 'query', vma: 'v1', index: 0 };
  const old = sys('linux-5.10', cmaMovable, ops);
  expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 4, nid: 0, zone: 'ZONE_NORMAL', migrated: false }] });
  expect(old.drainEvents()).toEqual([
    { kind: 'pin', large: false },
    { kind: 'longterm-unpinnable', why: 'MIGRATE_CMA' },
    { kind: 'migrate-failed', reason: 'longterm', why: 'refs' },
    { kind: 'pin', large: false },
  ]);
  const base = { ret: 0, pfn: 4, nid: 0, zone: 'ZONE_NORMAL', migratetype: 'MIGRATE_CMA', order: 0, pincount: 0, mapped: 1 };
  expect(old.apply(query)).toEqual({ ...base, refcount: 1026, maybe_dma_pinned: true });
  expect(old.holders()).toEqual([
    { pfn: 4, order: 0, kernel: 0, mapped: 1, gets: 1, pins: 1, longtermPins: 1, placement: { path: 'fault', gfp: HIGHUSER_MOVABLE } },
  ]);
  const now = sys('linux-6.12', cmaMovable, ops);
  expect(now.apply(pin)).toEqual({ ret: '-ENOMEM' });
  expect(now.drainEvents().at(-1)).toEqual({ kind: 'longterm-failed', ret: '-ENOMEM' });
  expect(now.apply(query)).toEqual({ ...base, refcount: 2, maybe_dma_pinned: false });
});

test('linux-5.10: a pin-scope fault may land in ZONE_MOVABLE; 6.12 keeps it out', () => {
  const ops: Op[] = [{ op: 'mmap', task: 1, pages: 1 }];
  const pin: Op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const old = sys('linux-5.10', cmaMovable, ops);
  expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }] });
  expect(old.holders()).toEqual([
    { pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'fault', gfp: HIGHUSER_MOVABLE } },
  ]);
  const now = sys('linux-6.12', cmaMovable, ops);
  expect(now.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: false }] });
  expect(now.holders()).toEqual([
    { pfn: 0, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'fault', gfp: 0x100cc2 } },
  ]);
});

test('linux-5.10: a pin-scope fault never lands in CMA (no ALLOC_CMA), a plain fault does', () => {
  // ZONE_MOVABLE full: the movable request reaches ZONE_NORMAL, whose free memory is all CMA
  const ops: Op[] = [
    { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 2 },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'mmap', task: 1, pages: 1 },
  ];
  const pin: Op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const touch: Op = { op: 'touch', vma: 'v2', index: 0 };
  const old = sys('linux-5.10', cmaMovable, ops);
  expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: false }] });
  expect(old.drainEvents()).toEqual([
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'fault', order: 0 },
    { kind: 'pin', large: false },
  ]);
  expect(old.holders()[0]).toMatchObject({ pfn: 0, placement: { path: 'fault', gfp: HIGHUSER_MOVABLE } });
  expect(old.apply(touch)).toEqual({ ret: 0, pages: [{ index: 0, pfn: 4, nid: 0, zone: 'ZONE_NORMAL' }] });
  expect(old.drainEvents()).toContainEqual({ kind: 'cma-alloc' });
  // 6.12: the same placements, reached with the stripped (unmovable) mask
  const now = sys('linux-6.12', cmaMovable, ops);
  expect(now.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: false }] });
  expect(now.drainEvents()).toEqual([
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
    { kind: 'fault', order: 0 },
    { kind: 'pin', large: false },
  ]);
  expect(now.holders()[0]).toMatchObject({ pfn: 0, placement: { path: 'fault', gfp: 0x100cc2 } });
});

// ---------------------------------------------------------------------------------------------
// tatashin-v3: the long-term target keeps __GFP_MOVABLE outside the pin scope (B3, c991ffef7bce)

test('tatashin-v3: a CMA page\'s long-term copy lands in ZONE_MOVABLE and stays pinned there; 6.12 in ZONE_DMA32', () => {
  const pin: Op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const old = sys('tatashin-v3', cmaMovable, faultIntoCma);
  expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: true }] });
  expect(old.holders()).toEqual([
    { pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: TARGET_5_10 } },
  ]);
  // one collection only: the second pass pins without a longterm-unpinnable for ZONE_MOVABLE
  expect(old.drainEvents().filter((e) => e.kind === 'longterm-unpinnable')).toEqual([{ kind: 'longterm-unpinnable', why: 'MIGRATE_CMA' }]);
  expect(old.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 8, zone: 'ZONE_MOVABLE', refcount: 1025 });
  expect(sys('linux-6.12', cmaMovable, faultIntoCma).apply(pin)).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: true }],
  });
});

test('tatashin-v3: collection is 6.12\'s (ZONE_MOVABLE is collected), but the copy may land in ZONE_MOVABLE again', () => {
  const ops: Op[] = [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ];
  const pin: Op = { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const old = sys('tatashin-v3', movable, ops);
  expect(old.apply(pin)).toEqual({ ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 9, nid: 0, zone: 'ZONE_MOVABLE', migrated: true }] });
  expect(old.drainEvents()).toEqual([
    { kind: 'gup-fast-fallback' },
    { kind: 'pin', large: false },
    { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
    { kind: 'migrate', reason: 'longterm', fromZone: 'ZONE_MOVABLE', toZone: 'ZONE_MOVABLE', remote: false },
    { kind: 'pin', large: false },
  ]);
  expect(sys('linux-6.12', movable, ops).apply(pin)).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true }],
  });
});

test('tatashin-v3: a failed migration is still -ENOMEM (only the target and the re-collection differ)', () => {
  const ops: Op[] = [...faultIntoCma, { op: 'get_page', vma: 'v1', index: 0 }];
  const pin: Op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  expect(sys('tatashin-v3', cmaMovable, ops).apply(pin)).toEqual({ ret: '-ENOMEM' });
});

// ---------------------------------------------------------------------------------------------
// isolate-merge: only an ISOLATE freeing block stops merging at pageblock order (3c605096d315)

test('mergeGateStops per profile', () => {
  const m = (name: ProfileName) => ({ profile: PROFILES[name] }) as Parameters<typeof mergeGateStops>[0];
  const cases: [string, string, boolean, boolean][] = [
    // freeing, buddy, 6.12 stops, isolate-merge stops
    ['MIGRATE_MOVABLE', 'MIGRATE_CMA', true, false],
    ['MIGRATE_CMA', 'MIGRATE_MOVABLE', true, false],
    ['MIGRATE_MOVABLE', 'MIGRATE_ISOLATE', true, false],
    ['MIGRATE_ISOLATE', 'MIGRATE_MOVABLE', true, true],
    ['MIGRATE_ISOLATE', 'MIGRATE_ISOLATE', false, true],
    ['MIGRATE_MOVABLE', 'MIGRATE_UNMOVABLE', false, false],
    ['MIGRATE_HIGHATOMIC', 'MIGRATE_MOVABLE', true, false],
  ];
  for (const [mt, buddy, now, old] of cases) {
    const args = [mt, buddy] as [Parameters<typeof mergeGateStops>[1], Parameters<typeof mergeGateStops>[2]];
    expect([mt, buddy, mergeGateStops(m('linux-6.12'), ...args), mergeGateStops(m('isolate-merge'), ...args)]).toEqual([mt, buddy, now, old]);
  }
});

test('isolate-merge: a MOVABLE block freed next to a free CMA buddy merges; NR_FREE_CMA_PAGES unchanged', () => {
  // ZONE_NORMAL [0,4): pageblock [0,2) CMA, [2,4) MOVABLE; maxOrder 2, pageblock order 1
  const config: MachineConfig = { maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 4] }, cma: [[0, 2]] }] };
  const ops: Op[] = [{ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 1 }];
  const free: Op = { op: 'free_pages', page: 'k1' };
  const old = sys('isolate-merge', config, ops);
  const now = sys('linux-6.12', config, ops);
  expect(old.snapshot()).toEqual(now.snapshot()); // k1 at 2 in both
  expect(old.apply(free)).toEqual({ ret: 0 });
  expect(now.apply(free)).toEqual({ ret: 0 });
  expect(old.drainEvents()).toEqual([{ kind: 'merge-retype' }, { kind: 'merge', order: 2 }]);
  expect(now.drainEvents()).toEqual([{ kind: 'merge-gate-stop' }]);
  const zoneFields = (s: SpecSystem) => {
    const z = s.snapshot().zones[0]!;
    return { nrFreePages: z.nrFreePages, nrFreeCmaPages: z.nrFreeCmaPages, nrFree: z.nrFree, freeLists: z.freeLists };
  };
  // one order-2 block on free_list[MOVABLE]; the CMA pageblock retyped; counters not moved
  expect(zoneFields(old)).toEqual({
    nrFreePages: 4,
    nrFreeCmaPages: 2,
    nrFree: [0, 0, 1],
    freeLists: [[[], [], []], [[], [], [0]], [[], [], []], [[], [], []], [[], [], []], [[], [], []]],
  });
  expect(old.snapshot().pageblocks).toEqual([
    { pfn: 0, migratetype: 'MIGRATE_MOVABLE' },
    { pfn: 2, migratetype: 'MIGRATE_MOVABLE' },
  ]);
  expect(zoneFields(now)).toEqual({
    nrFreePages: 4,
    nrFreeCmaPages: 2,
    nrFree: [0, 2, 0],
    freeLists: [[[], [], []], [[], [2], []], [[], [], []], [[], [], []], [[], [0], []], [[], [], []]],
  });
  expect(now.snapshot().pageblocks).toEqual([
    { pfn: 0, migratetype: 'MIGRATE_CMA' },
    { pfn: 2, migratetype: 'MIGRATE_MOVABLE' },
  ]);
});
