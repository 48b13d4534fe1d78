import { test, expect } from 'vitest';
import { FOLL_FLAGS, LONGTERM_MAX_PASSES, type GupOpName, type MachineConfig } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import {
  __get_user_pages,
  check_and_migrate_movable_pages,
  folio_is_longterm_pinnable,
  GUP_ENTRY_FLAGS,
  gup_put_folio,
  is_valid_gup_args,
  longtermUnpinnableWhy,
  parseFollFlags,
  releaseGupHandle,
} from '../../../model/spec/gup.js';
import { INT_MAX, type Folio, type Holder } from '../../../model/spec/folio.js';
import { set_pageblock_migratetype } from '../../../model/spec/machine.js';
import { createSpecSystem } from '../../../model/spec/system.js';
import { lists, oneZone, run, spec, zoneOf } from './helpers.js';

/** node 0: ZONE_NORMAL [0,8), ZONE_MOVABLE [8,16); maxOrder 2, pageblock order 1. */
const movable: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] } }],
};
/** node 0: ZONE_DMA32 [0,4), ZONE_NORMAL [4,8) all CMA. */
const cmaNormal: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_DMA32: [0, 4], ZONE_NORMAL: [4, 4] }, cma: [[4, 4]] }],
};

test('is_valid_gup_args and the entry points flags', () => {
  const F = FOLL_FLAGS;
  expect(GUP_ENTRY_FLAGS).toEqual({
    get_user_pages: F.FOLL_TOUCH | F.FOLL_GET,
    get_user_pages_fast: F.FOLL_GET,
    pin_user_pages: F.FOLL_PIN | F.FOLL_TOUCH,
    pin_user_pages_fast: F.FOLL_PIN,
  });
  expect(parseFollFlags(['FOLL_WRITE', 'FOLL_LONGTERM'])).toBe(0x101);
  expect(parseFollFlags(['FOLL_NOPE'])).toBeUndefined();
  expect(is_valid_gup_args(F.FOLL_WRITE, F.FOLL_PIN)).toBe(0x80001);
  expect(is_valid_gup_args(F.FOLL_PIN, 0)).toBeUndefined(); // internal flag from the caller
  expect(is_valid_gup_args(F.FOLL_TOUCH, F.FOLL_GET)).toBeUndefined();
  expect(is_valid_gup_args(F.FOLL_GET, F.FOLL_PIN)).toBeUndefined();
  expect(is_valid_gup_args(F.FOLL_LONGTERM, F.FOLL_GET)).toBeUndefined();
  expect(is_valid_gup_args(F.FOLL_LONGTERM | F.FOLL_PCI_P2PDMA, F.FOLL_PIN)).toBeUndefined();
  expect(is_valid_gup_args(F.FOLL_LONGTERM, F.FOLL_PIN)).toBe(0x80100);
  // FOLL_PCI_P2PDMA is refused only together with FOLL_LONGTERM
  expect(is_valid_gup_args(F.FOLL_PCI_P2PDMA, F.FOLL_PIN)).toBe(0x80400);
  expect(is_valid_gup_args(F.FOLL_PCI_P2PDMA, F.FOLL_GET)).toBe(0x402);
});

test('argument table per entry point (gup.md §2.1–2.2)', () => {
  const cases: [GupOpName, string[], number | string][] = [
    ['get_user_pages', [], 1],
    ['get_user_pages', ['FOLL_GET'], 1],
    ['get_user_pages', ['FOLL_ANON'], 1],
    ['get_user_pages', ['FOLL_PIN'], '-EINVAL'],
    ['get_user_pages', ['FOLL_LONGTERM'], '-EINVAL'],
    ['get_user_pages', ['FOLL_TOUCH'], '-EINVAL'],
    ['get_user_pages', ['FOLL_BOGUS'], '-EINVAL'],
    ['get_user_pages_fast', [], 1],
    ['get_user_pages_fast', ['FOLL_WRITE', 'FOLL_NOFAULT'], 1],
    ['get_user_pages_fast', ['FOLL_PIN'], '-EINVAL'],
    ['get_user_pages_fast', ['FOLL_LONGTERM'], '-EINVAL'],
    ['get_user_pages_fast', ['FOLL_ANON'], '-EINVAL'],
    ['get_user_pages_fast', ['FOLL_DUMP'], '-EINVAL'],
    ['pin_user_pages', [], 1],
    ['pin_user_pages', ['FOLL_LONGTERM'], 1],
    ['pin_user_pages', ['FOLL_ANON'], 1],
    ['pin_user_pages', ['FOLL_GET'], 0],
    ['pin_user_pages', ['FOLL_PIN'], 0],
    ['pin_user_pages', ['FOLL_LONGTERM', 'FOLL_PCI_P2PDMA'], 0],
    ['pin_user_pages', ['FOLL_BOGUS'], 0],
    ['pin_user_pages_fast', [], 1],
    ['pin_user_pages_fast', ['FOLL_LONGTERM', 'FOLL_WRITE'], 1],
    ['pin_user_pages_fast', ['FOLL_GET'], '-EINVAL'],
    ['pin_user_pages_fast', ['FOLL_PIN'], '-EINVAL'],
    ['pin_user_pages_fast', ['FOLL_ANON'], '-EINVAL'],
    ['pin_user_pages_fast', ['FOLL_LONGTERM', 'FOLL_PCI_P2PDMA'], '-EINVAL'],
  ];
  for (const [op, gup_flags, ret] of cases) {
    const s = spec(movable);
    run(s, [
      { op: 'mmap', task: 1, pages: 2 },
      { op: 'touch', vma: 'v1', index: 0 },
    ]);
    const before = s.snapshot();
    const r = s.apply({ op, vma: 'v1', index: 0, nr: 1, gup_flags });
    expect([op, gup_flags, r.ret]).toEqual([op, gup_flags, ret]);
    if (typeof ret === 'string' || ret === 0) {
      expect(r).toEqual({ ret });
      expect(s.snapshot()).toEqual(before);
    }
  }
});

test('-EBADF, nr 0, -EFAULT outside the VMA and a partial count at the VMA end', () => {
  const s = spec(movable);
  run(s, [{ op: 'mmap', task: 1, pages: 4 }]);
  expect(s.apply({ op: 'get_user_pages', vma: 'v9', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-EBADF' });
  expect(s.apply({ op: 'get_user_pages', vma: 'v1', index: 0, nr: 0, gup_flags: [] })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'get_user_pages', vma: 'v1', index: 0, nr: -1, gup_flags: [] })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'get_user_pages', vma: 'v1', index: 4, nr: 1, gup_flags: [] })).toEqual({ ret: '-EFAULT' });
  expect(s.apply({ op: 'pin_user_pages_fast', vma: 'v1', index: -1, nr: 1, gup_flags: [] })).toEqual({ ret: '-EFAULT' });
  expect(s.snapshot().folios).toEqual([]);
  // pages 2 and 3 are faulted in (ZONE_MOVABLE 8, then 9) and taken; the walk stops at the VMA end
  expect(s.apply({ op: 'get_user_pages', vma: 'v1', index: 2, nr: 5, gup_flags: [] })).toEqual({
    ret: 2,
    ref: 'g1',
    pages: [
      { index: 2, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: false },
      { index: 3, pfn: 9, nid: 0, zone: 'ZONE_MOVABLE', migrated: false },
    ],
  });
  expect(s.snapshot().handles).toEqual([
    { handle: 'v1', pfns: [] },
    { handle: 'g1', pfns: [8, 9] },
  ]);
  expect(s.snapshot().folios.map((f) => [f.pfn, f.refcount, f.mapped])).toEqual([
    [8, 2, 1],
    [9, 2, 1],
  ]);
  // the fast variant: the fast walk takes page 2 and 3, then hands index 4 to the slow path (-EFAULT)
  s.drainEvents();
  expect(s.apply({ op: 'get_user_pages_fast', vma: 'v1', index: 2, nr: 3, gup_flags: [] })).toMatchObject({ ret: 2, ref: 'g2' });
  expect(s.drainEvents()).toEqual([{ kind: 'gup-fast-fallback' }]);
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'query', vma: 'v1', index: 3 })).toMatchObject({ pfn: 9, refcount: 2, mapped: 1 });
});

test('FOLL_NOFAULT: a page that is not present is -EFAULT; the present prefix is returned', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  expect(s.apply({ op: 'get_user_pages', vma: 'v1', index: 1, nr: 1, gup_flags: ['FOLL_NOFAULT'] })).toEqual({ ret: '-EFAULT' });
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_NOFAULT'] })).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }],
  });
  expect(s.snapshot().vmas[0]!.ptes).toEqual([8, null]);
});

test('pin bias: small folio +1024, large folio +1 and _pincount; exact holders', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'mmap', task: 1, pages: 4, folioOrder: 2 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'touch', vma: 'v2', index: 0, count: 4 },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pin: 'u1' });
  expect(s.apply({ op: 'pin_user_pages_fast', vma: 'v2', index: 1, nr: 2, gup_flags: [] })).toMatchObject({
    ret: 2,
    pin: 'u2',
    pages: [
      { index: 1, pfn: 13 },
      { index: 2, pfn: 14 },
    ],
  });
  expect(s.apply({ op: 'get_user_pages', vma: 'v2', index: 3, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, ref: 'g1' });
  expect(s.drainEvents()).toEqual([
    { kind: 'pin', large: false },
    { kind: 'pin', large: true },
    { kind: 'pin', large: true },
  ]);
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 8, order: 0, refcount: 1025, pincount: 0, maybe_dma_pinned: true, mapped: 1 });
  expect(s.apply({ op: 'query', vma: 'v2', index: 0 })).toMatchObject({ pfn: 12, order: 2, refcount: 7, pincount: 2, maybe_dma_pinned: true, mapped: 4 });
  expect(s.drainEvents()).toEqual([]);
  expect(s.holders()).toEqual([
    { pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 0, placement: { path: 'fault', gfp: 0x100cca } },
    { pfn: 12, order: 2, kernel: 0, mapped: 4, gets: 1, pins: 2, longtermPins: 0, placement: { path: 'fault', gfp: 0x100cca } },
  ]);
  expect(s.snapshot().folios).toEqual([
    { pfn: 8, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1025, pincount: 0, mapped: 1 },
    { pfn: 12, order: 2, nid: 0, zone: 'ZONE_MOVABLE', refcount: 7, pincount: 2, mapped: 4 },
  ]);
  expect(s.apply({ op: 'unpin_user_pages', pin: 'u2' })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'unpin_user_pages', pin: 'u2' })).toEqual({ ret: '-EBADF' });
  expect(s.apply({ op: 'unpin_user_pages', pin: 'g1' })).toEqual({ ret: '-EBADF' });
  expect(s.apply({ op: 'put_page', ref: 'u1' })).toEqual({ ret: '-EBADF' });
  expect(s.apply({ op: 'query', vma: 'v2', index: 0 })).toMatchObject({ refcount: 5, pincount: 0, maybe_dma_pinned: false });
  expect(s.apply({ op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1, maybe_dma_pinned: false });
});

test('overflow: the grab that crosses INT_MAX succeeds, the next one is refused with -ENOMEM', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX - 1024 }, // 1 + 2^31-1025 = INT_MAX - 1023
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pin: 'u1' });
  expect(s.drainEvents()).toEqual([{ kind: 'refcount-wrap' }, { kind: 'pin', large: false }]);
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: -2147483648, maybe_dma_pinned: true });
  const before = s.snapshot();
  s.drainEvents();
  expect(s.apply({ op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
  expect(s.drainEvents()).toEqual([{ kind: 'grab-refused' }]);
  expect(s.apply({ op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
  expect(s.drainEvents()).toEqual([{ kind: 'gup-fast-fallback' }, { kind: 'grab-refused' }]);
  expect(s.snapshot()).toEqual(before);
});

test('after get_page of 2^31-1 the count is negative and every grab is refused', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  expect(s.apply({ op: 'get_page', vma: 'v1', index: 0, times: INT_MAX })).toEqual({ ret: 0, ref: 'g1' });
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: -2147483648 });
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
  expect(s.apply({ op: 'get_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pin: 'u1' });
});

test('unpin after munmap frees the unmapped folio (freed-unmapped)', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
    { op: 'munmap', vma: 'v1' },
  ]);
  expect(s.snapshot().folios).toEqual([{ pfn: 8, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1024, pincount: 0, mapped: 0 }]);
  expect(s.snapshot().vmas).toEqual([]);
  expect(s.snapshot().handles).toEqual([{ handle: 'u1', pfns: [8] }]);
  s.drainEvents();
  expect(s.apply({ op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'freed-unmapped' },
  ]);
  expect(s.snapshot().folios).toEqual([]);
  expect(lists(zoneOf(s, 0, 'ZONE_MOVABLE'), 'MIGRATE_MOVABLE')).toEqual([[], [], [8, 12]]);
});

test('FOLL_LONGTERM migrates a folio out of ZONE_MOVABLE before pinning it', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true }],
  });
  expect(s.drainEvents()).toEqual([
    { kind: 'pin', large: false },
    { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'migrate', reason: 'longterm', fromZone: 'ZONE_MOVABLE', toZone: 'ZONE_NORMAL', remote: false },
    { kind: 'pin', large: false },
  ]);
  expect(s.holders()).toEqual([{ pfn: 0, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: 0x100cc2 } }]);
  expect(s.snapshot().folios).toEqual([{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1025, pincount: 0, mapped: 1 }]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([0]);
  expect(lists(zoneOf(s, 0, 'ZONE_MOVABLE'), 'MIGRATE_MOVABLE')).toEqual([[], [], [8, 12]]);
  expect(s.machine.tasks[0]!.flags.has('PF_MEMALLOC_PIN')).toBe(false);
});

test('FOLL_LONGTERM migrates a folio out of CMA (the target lands outside CMA)', () => {
  const s = spec(cmaNormal);
  expect(run(s, [{ op: 'mmap', task: 1, pages: 1 }, { op: 'touch', vma: 'v1', index: 0 }])[1]).toEqual({
    ret: 0,
    pages: [{ index: 0, pfn: 4, nid: 0, zone: 'ZONE_NORMAL' }],
  });
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: true }],
  });
  expect(s.drainEvents()).toEqual([
    { kind: 'gup-fast-fallback' },
    { kind: 'pin', large: false },
    { kind: 'longterm-unpinnable', why: 'MIGRATE_CMA' },
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'migrate', reason: 'longterm', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_DMA32', remote: false },
    { kind: 'pin', large: false },
  ]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_CMA')).toEqual([[], [], [4]]);
  expect(s.snapshot().zones[1]).toMatchObject({ zone: 'ZONE_NORMAL', nrFreePages: 4, nrFreeCmaPages: 4 });
});

test('faults inside the pin scope land outside ZONE_MOVABLE and CMA; the scope ends with the call', () => {
  const a = spec(movable);
  run(a, [{ op: 'mmap', task: 1, pages: 2 }]);
  a.drainEvents();
  expect(a.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
    ret: 1,
    pin: 'u1',
    pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: false }],
  });
  expect(a.drainEvents()).toEqual([
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
    { kind: 'fault', order: 0 },
    { kind: 'pin', large: false },
  ]);
  expect(a.apply({ op: 'touch', vma: 'v1', index: 1 })).toEqual({ ret: 0, pages: [{ index: 1, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE' }] });

  const c = spec(cmaNormal);
  run(c, [{ op: 'mmap', task: 1, pages: 2 }]);
  expect(c.apply({ op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({
    ret: 1,
    pages: [{ index: 0, pfn: 0, zone: 'ZONE_DMA32', migrated: false }],
  });
  expect(c.apply({ op: 'touch', vma: 'v1', index: 1 })).toEqual({ ret: 0, pages: [{ index: 1, pfn: 4, nid: 0, zone: 'ZONE_NORMAL' }] });
});

test('FOLL_LONGTERM with an extra get: -ENOMEM and nothing pinned', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'get_page', vma: 'v1', index: 0 },
  ]);
  const before = s.snapshot();
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({ ret: '-ENOMEM' });
  expect(s.drainEvents()).toEqual([
    { kind: 'pin', large: false },
    { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
    { kind: 'migrate-failed', reason: 'longterm', why: 'refs' },
    { kind: 'longterm-failed', ret: '-ENOMEM' },
  ]);
  expect(s.snapshot()).toEqual(before);
  expect(s.holders()).toEqual([{ pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 1, pins: 0, longtermPins: 0, placement: { path: 'fault', gfp: 0x100cca } }]);
  // the next u handle is still u1
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pin: 'u1' });
});

test('pin_user_pages_fast(FOLL_LONGTERM) returns the pinnable prefix when the slow path fails', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] }, // moves page 0 to pfn 0
    { op: 'unpin_user_pages', pin: 'u1' },
    { op: 'touch', vma: 'v1', index: 1 }, // pfn 8, ZONE_MOVABLE
    { op: 'get_page', vma: 'v1', index: 1 },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
    ret: 1,
    pin: 'u2',
    pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: false }],
  });
  expect(s.drainEvents()).toEqual([
    { kind: 'pin', large: false },
    { kind: 'gup-fast-fallback' },
    { kind: 'pin', large: false },
    { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
    { kind: 'migrate-failed', reason: 'longterm', why: 'refs' },
    { kind: 'longterm-failed', ret: '-ENOMEM' },
  ]);
  expect(s.holders()).toEqual([
    { pfn: 0, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: 0x100cc2 } },
    { pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 1, pins: 0, longtermPins: 0, placement: { path: 'fault', gfp: 0x100cca } },
  ]);
});

test('FOLL_LONGTERM on a large folio: migrated whole, pages pinned with _pincount', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 4, folioOrder: 1 },
    { op: 'touch', vma: 'v1', index: 0, count: 4 },
  ]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([8, 9, 10, 11]);
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 1, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
    ret: 2,
    pin: 'u1',
    pages: [
      { index: 1, pfn: 1, nid: 0, zone: 'ZONE_NORMAL', migrated: true },
      { index: 2, pfn: 2, nid: 0, zone: 'ZONE_NORMAL', migrated: true },
    ],
  });
  expect(s.snapshot().vmas[0]!.ptes).toEqual([0, 1, 2, 3]);
  expect(s.snapshot().folios.map((f) => [f.pfn, f.order, f.refcount, f.pincount, f.mapped])).toEqual([
    [0, 1, 3, 1, 2],
    [2, 1, 3, 1, 2],
  ]);
});

/** The folio at pfn `pfn` (it must exist). */
function folioAt(s: ReturnType<typeof spec>, pfn: number): Folio {
  const folio = s.machine.folios.get(pfn);
  if (folio === undefined) throw new Error(`no folio at ${pfn}`);
  return folio;
}

test('-EFAULT outside the VMA is decided before any walk: the fast variants emit nothing', () => {
  const s = spec(movable);
  run(s, [{ op: 'mmap', task: 1, pages: 4 }]);
  s.drainEvents();
  for (const index of [-1, 4]) {
    expect(s.apply({ op: 'pin_user_pages_fast', vma: 'v1', index, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({ ret: '-EFAULT' });
    expect(s.apply({ op: 'get_user_pages_fast', vma: 'v1', index, nr: 1, gup_flags: [] })).toEqual({ ret: '-EFAULT' });
  }
  expect(s.drainEvents()).toEqual([]);
  // __get_user_pages itself refuses a start outside the VMA (find_vma fails)
  const vma = s.machine.vmas.get('v1')!;
  expect(__get_user_pages(s.machine, vma, 4, 1, FOLL_FLAGS.FOLL_GET, 'g1')).toEqual({ taken: [], err: '-EFAULT' });
  expect(s.snapshot().folios).toEqual([]);
});

test('try_grab_folio and gup_fast refuse a _refcount of exactly 0 (wrapped), not only a negative one', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX },
    { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX },
    { op: 'get_page', vma: 'v1', index: 0, times: 1 }, // 1 + 2 * (2^31 - 1) + 1 = 2^32: wraps to 0
  ]);
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 8, refcount: 0, mapped: 1 });
  const before = s.snapshot();
  s.drainEvents();
  expect(s.apply({ op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
  expect(s.drainEvents()).toEqual([{ kind: 'grab-refused' }]);
  expect(s.apply({ op: 'get_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
  expect(s.drainEvents()).toEqual([{ kind: 'gup-fast-fallback' }, { kind: 'grab-refused' }]);
  expect(s.snapshot()).toEqual(before);
});

test('gup_fast_fallback: a slow path that takes pages and then fails adds them to the fast prefix', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 3 },
    { op: 'touch', vma: 'v1', index: 0 }, // pfn 8
    { op: 'touch', vma: 'v1', index: 2 }, // pfn 9
    { op: 'get_page', vma: 'v1', index: 2, times: INT_MAX }, // page 2: _refcount < 0, every grab refused
  ]);
  s.drainEvents();
  // fast: page 0, stops at page 1 (not present); slow from page 1: faults and takes it, page 2 is refused
  expect(s.apply({ op: 'get_user_pages_fast', vma: 'v1', index: 0, nr: 3, gup_flags: [] })).toEqual({
    ret: 2,
    ref: 'g2',
    pages: [
      { index: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migrated: false },
      { index: 1, pfn: 10, nid: 0, zone: 'ZONE_MOVABLE', migrated: false },
    ],
  });
  expect(s.drainEvents()).toEqual([
    { kind: 'gup-fast-fallback' },
    { kind: 'expand', fromOrder: 1, toOrder: 0 },
    { kind: 'fault', order: 0 },
    { kind: 'grab-refused' },
  ]);
  expect(s.snapshot().handles).toEqual([
    { handle: 'v1', pfns: [] },
    { handle: 'g1', pfns: [9] },
    { handle: 'g2', pfns: [8, 10] },
  ]);
});

test('gup_put_folio drops nothing for a folio that is not the live one at its pfn, or a holder it does not have', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
  ]);
  const folio = folioAt(s, 8);
  const pin = folio.holders.find((h) => h.kind === 'pin')!;
  const before = s.snapshot();
  // a stale copy of the folio (same pfn, another object), holding the same pin
  const stale: Folio = { ...folio, holders: [...folio.holders] };
  expect(gup_put_folio(s.machine, stale, pin)).toBe(false);
  expect(stale.holders).toEqual(folio.holders);
  // a folio at a pfn with no folio
  const gone: Folio = { ...folio, pfn: 12, holders: [pin] };
  expect(gup_put_folio(s.machine, gone, pin)).toBe(false);
  expect(gone.holders).toEqual([pin]);
  // the live folio, a pin it does not have
  const other: Holder = { kind: 'pin', handle: 'u9', index: 0, longterm: false };
  expect(gup_put_folio(s.machine, folio, other)).toBe(false);
  expect(folio.holders).toEqual([{ kind: 'map', vma: 'v1', index: 0 }, pin]);
  expect(s.snapshot()).toEqual(before);
  // the live folio and its pin: dropped, the folio stays (its mapping holds it)
  expect(gup_put_folio(s.machine, folio, pin)).toBe(false);
  expect(folio.holders).toEqual([{ kind: 'map', vma: 'v1', index: 0 }]);
});

test('unpin reports freed-unmapped only for the release that frees the unmapped folio', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
    { op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
    { op: 'munmap', vma: 'v1' },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([]);
  expect(s.snapshot().folios).toEqual([{ pfn: 8, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1, pincount: 0, mapped: 0 }]);
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'freed-unmapped' },
  ]);
  expect(s.snapshot().folios).toEqual([]);
});

test('a GUP release that frees a folio still mapped (wrapped count) is no freed-unmapped; the mapping goes', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }, // g1: 2
    { op: 'get_page', vma: 'v1', index: 0, times: 1 }, // g2: 3
    { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX }, // g3
    { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX }, // g4: 3 + 2^32 - 2 wraps to 1
  ]);
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 8, refcount: 1, mapped: 1 });
  s.drainEvents();
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 }); // _refcount 0: freed
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
  ]);
  expect(s.snapshot().folios).toEqual([]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([null]);
  expect(s.snapshot().handles).toEqual([{ handle: 'v1', pfns: [] }]);
  expect(lists(zoneOf(s, 0, 'ZONE_MOVABLE'), 'MIGRATE_MOVABLE')).toEqual([[], [], [8, 12]]);
});

test('releaseGupHandle drops the holder of each recorded page (handle and index), not any holder of the handle', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 2, folioOrder: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: [] },
  ]);
  const record = s.machine.handles.live.get('u1');
  if (record === undefined || record.kind !== 'pin_user_pages') throw new Error('no u1');
  releaseGupHandle(s.machine, { ...record, pages: [record.pages[1]!] });
  expect(folioAt(s, 8).holders.filter((h) => h.kind === 'pin')).toEqual([{ kind: 'pin', handle: 'u1', index: 0, longterm: false }]);
  expect(s.snapshot().handles).toEqual([{ handle: 'v1', pfns: [] }]); // u1 is gone
});

test('FOLL_LONGTERM: two pages of one unpinnable folio collect it once; only migrated pages report migrated', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 4, folioOrder: 1 },
    { op: 'touch', vma: 'v1', index: 0, count: 4 },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({ ret: 2 });
  expect(s.drainEvents()).toEqual([
    { kind: 'pin', large: true },
    { kind: 'pin', large: true },
    { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
    { kind: 'expand', fromOrder: 2, toOrder: 1 },
    { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
    { kind: 'migrate', reason: 'longterm', fromZone: 'ZONE_MOVABLE', toZone: 'ZONE_NORMAL', remote: false },
    { kind: 'pin', large: true },
    { kind: 'pin', large: true },
  ]);

  const t = spec(movable);
  run(t, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] }, // page 0 to pfn 0
    { op: 'unpin_user_pages', pin: 'u1' },
    { op: 'touch', vma: 'v1', index: 1 }, // pfn 8, ZONE_MOVABLE
  ]);
  expect(t.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
    ret: 2,
    pin: 'u2',
    pages: [
      { index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: false },
      { index: 1, pfn: 1, nid: 0, zone: 'ZONE_NORMAL', migrated: true },
    ],
  });
});

test('the pin scope nests: a task already in one keeps PF_MEMALLOC_PIN after a FOLL_LONGTERM call', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  const task = s.machine.tasks[0]!;
  task.flags.add('PF_MEMALLOC_PIN');
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({
    ret: 1,
    pages: [{ index: 0, pfn: 0, zone: 'ZONE_NORMAL', migrated: true }],
  });
  expect(task.flags.has('PF_MEMALLOC_PIN')).toBe(true);
  task.flags.delete('PF_MEMALLOC_PIN');
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({ ret: 1 });
  expect(task.flags.has('PF_MEMALLOC_PIN')).toBe(false);
});

test('check_and_migrate_movable_pages: -EAGAIN after migrating; a folio the unpin freed is skipped', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0, count: 2 }, // pfn 8, 9
  ]);
  const vma = s.machine.vmas.get('v1')!;
  const flags = FOLL_FLAGS.FOLL_PIN | FOLL_FLAGS.FOLL_LONGTERM;
  const walk = __get_user_pages(s.machine, vma, 0, 1, flags, 'u1');
  expect(walk.taken.map((t) => [t.index, t.folio.pfn])).toEqual([[0, 8]]);
  const migrated = new Set<number>();
  expect(check_and_migrate_movable_pages(s.machine, vma, walk.taken, migrated)).toBe('-EAGAIN');
  expect([...migrated]).toEqual([0]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([0, 9]);

  // page 1's folio held only by this pass's pin (its mapping gone): the unpin frees it, nothing migrates
  const folio = folioAt(s, 9);
  const pin: Holder = { kind: 'pin', handle: 'u1', index: 1, longterm: true };
  folio.holders.splice(0, folio.holders.length, pin);
  vma.ptes[1] = null;
  s.drainEvents();
  expect(check_and_migrate_movable_pages(s.machine, vma, [{ index: 1, folio, holder: pin }], migrated)).toBe('-EAGAIN');
  expect([...migrated]).toEqual([0]);
  expect(s.drainEvents()).toEqual([
    { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
  ]);
  expect(s.snapshot().folios.map((f) => f.pfn)).toEqual([0]);
});

test('MIGRATE_ISOLATE is not long-term pinnable; targets that keep landing in one end -EAGAIN after LONGTERM_MAX_PASSES', () => {
  const s = spec(oneZone(2, 1, 0, 16));
  expect(run(s, [{ op: 'mmap', task: 1, pages: 1 }, { op: 'touch', vma: 'v1', index: 0 }])[1]).toMatchObject({ pages: [{ pfn: 0 }] });
  const folio = folioAt(s, 0);
  expect(longtermUnpinnableWhy(s.machine, folio)).toBeUndefined();
  set_pageblock_migratetype(s.machine, 0, 'MIGRATE_ISOLATE');
  expect(longtermUnpinnableWhy(s.machine, folio)).toBe('MIGRATE_ISOLATE');
  expect(folio_is_longterm_pinnable(s.machine, folio)).toBe(false);
  // every pageblock reads MIGRATE_ISOLATE while the free lists stay as they are: each target is unpinnable again
  for (const block of s.machine.pageblocks.values()) block.migratetype = 'MIGRATE_ISOLATE';
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({ ret: '-EAGAIN' });
  const events = s.drainEvents();
  expect(events.filter((e) => e.kind === 'migrate')).toHaveLength(LONGTERM_MAX_PASSES);
  expect(events.filter((e) => e.kind === 'longterm-unpinnable')).toEqual(
    Array.from({ length: LONGTERM_MAX_PASSES }, () => ({ kind: 'longterm-unpinnable', why: 'MIGRATE_ISOLATE' })),
  );
  expect(events.at(-1)).toEqual({ kind: 'longterm-failed', ret: '-EAGAIN' });
  expect(s.holders()).toEqual([
    { pfn: 4, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 0, longtermPins: 0, placement: { path: 'longterm', gfp: 0x100cc0 } },
  ]);
  expect(s.snapshot().handles).toEqual([{ handle: 'v1', pfns: [] }]);
  expect(s.machine.tasks[0]!.flags.has('PF_MEMALLOC_PIN')).toBe(false);
  // nothing was pinned, so the next pin is u1
  for (const block of s.machine.pageblocks.values()) block.migratetype = 'MIGRATE_MOVABLE';
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({ ret: 1, pin: 'u1' });
});

test('private-pin is reported only for FOLL_LONGTERM pins', () => {
  const config: MachineConfig = {
    maxOrder: 2,
    pageblockOrder: 1,
    nodes: [
      { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
      { nid: 1, zones: { ZONE_NORMAL: [8, 8] }, private: { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY', 'NP_OPS_LONGTERM_PIN'], callbacks: ['migrate_to', 'folio_migrate'] } },
    ],
  };
  const s = createSpecSystem(config, PROFILES['private-nodes-v4']);
  run(s, [
    { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1] },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, pages: [{ pfn: 8, nid: 1 }] });
  expect(s.apply({ op: 'get_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1 });
  expect(s.drainEvents()).toEqual([{ kind: 'pin', large: false }]);
  expect(s.apply({ op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({ ret: 1, pages: [{ pfn: 8, nid: 1 }] });
  expect(s.drainEvents()).toEqual([{ kind: 'pin', large: false }, { kind: 'private-pin' }]);
});
