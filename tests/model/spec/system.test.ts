import { test, expect } from 'vitest';
import type { MmSystemFactory, Op } from '../../../model/api/index.js';
import { createSpecSystem as factory } from '../../../model/spec/index.js';
import { INT_MAX } from '../../../model/spec/folio.js';
import { lists, oneZone, profile, run, spec, zoneOf } from './helpers.js';

const small = () => spec(oneZone(2, 1, 0, 8)); // ZONE_NORMAL o2 [0, 4]

test('index exports an MmSystemFactory', () => {
  const f: MmSystemFactory = factory;
  const s = f(oneZone(2, 1, 0, 8), profile);
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toMatchObject({ ret: 0, page: 'k1', pfn: 0 });
  expect(s.drainEvents?.()).toEqual([
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' },
  ]);
  expect(s.drainEvents?.()).toEqual([]);
});

test('result objects list their keys in the api declaration order', () => {
  const s = small();
  const [a, g, q, f, p, e] = run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 },
    { op: 'get_page', page: 'k1' },
    { op: 'query', page: 'k1' },
    { op: 'free_pages', page: 'k1' },
    { op: 'put_page', ref: 'g1' },
    { op: 'query', page: 'k1' },
  ]);
  expect(Object.keys(a!)).toEqual(['ret', 'page', 'pfn', 'nid', 'zone', 'migratetype']);
  expect(Object.keys(g!)).toEqual(['ret', 'ref']);
  expect(Object.keys(q!)).toEqual([
    'ret',
    'pfn',
    'nid',
    'zone',
    'migratetype',
    'order',
    'refcount',
    'pincount',
    'maybe_dma_pinned',
    'mapped',
  ]);
  expect(q).toEqual({
    ret: 0,
    pfn: 0,
    nid: 0,
    zone: 'ZONE_NORMAL',
    migratetype: 'MIGRATE_MOVABLE',
    order: 1,
    refcount: 2,
    pincount: 0,
    maybe_dma_pinned: false,
    mapped: 0,
  });
  expect([f, p, e]).toEqual([{ ret: 0 }, { ret: 0 }, { ret: '-EBADF' }]);
});

test('refcount wrap: get_page times 2^31-1 on a fresh folio', () => {
  const s = small();
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 }]);
  s.drainEvents();
  expect(s.apply({ op: 'get_page', page: 'k1', times: INT_MAX })).toEqual({ ret: 0, ref: 'g1' });
  expect(s.drainEvents()).toEqual([{ kind: 'refcount-wrap' }]);
  expect(s.apply({ op: 'query', page: 'g1' })).toMatchObject({ refcount: -2147483648, maybe_dma_pinned: true });
  expect(s.snapshot().folios).toEqual([{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: -2147483648, pincount: 0, mapped: 0 }]);
  // dropping the same amount wraps back
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'dma-pinned-false-positive' }, { kind: 'refcount-wrap' }]);
  expect(s.apply({ op: 'query', page: 'k1' })).toMatchObject({ refcount: 1, maybe_dma_pinned: false });
});

test('free_pages at INT_MIN wraps to INT_MAX and frees nothing', () => {
  const s = small();
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'get_page', page: 'k1', times: INT_MAX },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'refcount-wrap' }]);
  expect(s.apply({ op: 'query', page: 'g1' })).toMatchObject({ refcount: INT_MAX });
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
  expect(s.snapshot().folios).toEqual([]);
});

test('a wrap to exactly 0 on a put frees the folio and kills every handle naming it', () => {
  const s = small();
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'get_page', page: 'k1', times: INT_MAX },
    { op: 'get_page', page: 'g1', times: INT_MAX },
    { op: 'get_page', page: 'k1', times: 2 },
  ]);
  expect(s.apply({ op: 'query', page: 'k1' })).toMatchObject({ refcount: 1 });
  expect(s.snapshot().handles.map((h) => h.handle)).toEqual(['k1', 'g1', 'g2', 'g3']);
  expect(s.apply({ op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  expect(s.snapshot().folios).toEqual([]);
  expect(s.snapshot().handles).toEqual([]);
  expect(s.apply({ op: 'put_page', ref: 'g2' })).toEqual({ ret: '-EBADF' });
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 8 });
});

test('a get that brings _refcount to 0 frees nothing (only puts free)', () => {
  const s = small();
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'get_page', page: 'k1', times: INT_MAX },
    { op: 'get_page', page: 'k1', times: INT_MAX },
    { op: 'get_page', page: 'k1', times: 1 },
  ]);
  expect(s.apply({ op: 'query', page: 'k1' })).toMatchObject({ refcount: 0, maybe_dma_pinned: false });
  expect(s.snapshot().folios).toHaveLength(1);
});

test('1024 plain references make a small folio look pinned; a large folio does not', () => {
  const s = small();
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'get_page', page: 'k1', times: 1022 },
  ]);
  expect(s.apply({ op: 'query', page: 'k1' })).toMatchObject({ refcount: 1023, maybe_dma_pinned: false });
  run(s, [{ op: 'get_page', page: 'k1' }]);
  expect(s.apply({ op: 'query', page: 'k1' })).toMatchObject({ refcount: 1024, pincount: 0, maybe_dma_pinned: true });

  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 },
    { op: 'get_page', page: 'k2', times: 1023 },
  ]);
  expect(s.apply({ op: 'query', page: 'k2' })).toMatchObject({ order: 1, refcount: 1024, pincount: 0, maybe_dma_pinned: false });
});

test('free_pages then put_page: the folio is freed when the last put reaches 0', () => {
  const s = small();
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'get_page', page: 'k1' },
  ]);
  expect(s.apply({ op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'query', page: 'g1' })).toMatchObject({ pfn: 0, refcount: 1 });
  expect(s.apply({ op: 'query', page: 'k1' })).toEqual({ ret: '-EBADF' });
  expect(s.snapshot().folios).toHaveLength(1);
  expect(s.snapshot().handles).toEqual([{ handle: 'g1', pfns: [0] }]);
  s.drainEvents();
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
  ]);
  expect(s.snapshot().folios).toEqual([]);
  expect(s.snapshot().handles).toEqual([]);
  expect(lists(zone, 'MIGRATE_MOVABLE')).toEqual([[], [], [0, 4]]);
});

test('dead and wrong-kind handles are -EBADF and change nothing', () => {
  const s = small();
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'get_page', page: 'k1' },
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'free_pages', page: 'k2' },
  ]);
  const before = s.snapshot();
  s.drainEvents();
  expect(
    run(s, [
      { op: 'free_pages', page: 'k2' }, // already freed
      { op: 'free_pages', page: 'g1' }, // not a k-handle
      { op: 'free_pages', page: 'k9' }, // never created
      { op: 'put_page', ref: 'k1' }, // not a g-handle
      { op: 'put_page', ref: 'g7' },
      { op: 'get_page', page: 'k2' },
      { op: 'query', page: 'k2' },
      { op: 'query', page: 'x1' },
    ]),
  ).toEqual(Array(8).fill({ ret: '-EBADF' }));
  expect(s.snapshot()).toEqual(before);
  expect(s.drainEvents()).toEqual([]);
  // numbering continues after failed ops
  expect(s.apply({ op: 'get_page', page: 'g1' })).toEqual({ ret: 0, ref: 'g2' });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toMatchObject({ page: 'k3' });
});

test('get_page times outside 1..2^31-1 is -EINVAL (checked before the handle)', () => {
  const s = small();
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 }]);
  const before = s.snapshot();
  expect(s.apply({ op: 'get_page', page: 'k1', times: 0 })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'get_page', page: 'k1', times: 2 ** 31 })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'get_page', page: 'k1', times: 1.5 })).toEqual({ ret: '-EINVAL' });
  expect(s.apply({ op: 'get_page', page: 'k9', times: 0 })).toEqual({ ret: '-EINVAL' });
  expect(s.snapshot()).toEqual(before);
});

test('put_page drops exactly what its get_page took', () => {
  const s = small();
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'get_page', page: 'k1', times: 5 },
    { op: 'get_page', page: 'g1', times: 7 },
  ]);
  expect(s.apply({ op: 'query', page: 'k1' })).toMatchObject({ refcount: 13 });
  run(s, [{ op: 'put_page', ref: 'g1' }]);
  expect(s.apply({ op: 'query', page: 'g2' })).toMatchObject({ refcount: 8 });
  expect(s.snapshot().handles).toEqual([
    { handle: 'k1', pfns: [0] },
    { handle: 'g2', pfns: [0] },
  ]);
});

test('-ENOMEM creates nothing', () => {
  const s = spec(oneZone(2, 1, 0, 4));
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 }]);
  const before = s.snapshot();
  s.drainEvents();
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toEqual({ ret: '-ENOMEM' });
  expect(s.snapshot()).toEqual(before);
  expect(s.drainEvents()).toEqual([]);
});

test('snapshots are copies', () => {
  const s = small();
  const snap = s.snapshot();
  (snap.zones[0]!.freeLists[1]![2] as number[]).push(99);
  (snap.zones[0]!.nrFree as number[])[0] = 42;
  expect(s.snapshot().zones[0]!.freeLists[1]![2]).toEqual([0, 4]);
  expect(s.snapshot().zones[0]!.nrFree).toEqual([0, 0, 2]);
});

test('a fresh system has no events; no tasks (or an empty list) means tid 1 on the first node', () => {
  const config = {
    maxOrder: 1,
    pageblockOrder: 1,
    nodes: [
      { nid: 4, zones: { ZONE_NORMAL: [2, 2] as const } },
      { nid: 0, zones: { ZONE_NORMAL: [0, 2] as const } },
    ],
  };
  for (const s of [spec(config), spec({ ...config, tasks: [] })]) {
    expect(s.drainEvents()).toEqual([]);
    expect(s.machine.tasks.map((t) => [t.tid, t.nid, [...t.mems]])).toEqual([[1, 4, [4, 0]]]);
    expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_USER'], order: 0, task: 1 })).toMatchObject({ pfn: 2, nid: 4 });
  }
});

test('put_page frees a user folio that is still mapped (refcount wrapped to 0): no freed-unmapped', () => {
  const s = small();
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX },
    { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX },
    { op: 'get_page', vma: 'v1', index: 0, times: 1 }, // 1 + 2 * (2^31 - 1) + 1 = 2^32: _refcount 0, still mapped
    { op: 'get_page', vma: 'v1', index: 0, times: 1 },
  ]);
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1, mapped: 1 });
  s.drainEvents();
  expect(s.apply({ op: 'put_page', ref: 'g4' })).toEqual({ ret: 0 });
  // the free's merges only: the folio's mapped count was 1, so it is not reported
  expect(s.drainEvents()).toEqual([
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
  ]);
  expect(s.snapshot().folios).toEqual([]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([null]);
});

test('a k handle whose folio lost its holder is refused as corrupt state', () => {
  const s = small();
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 }]);
  s.machine.folios.get(0)!.holders.length = 0;
  expect(() => s.apply({ op: 'free_pages', page: 'k1' })).toThrow('spec: handle k1 holds nothing');
});

test('free_pages, put_page and cma_release take only their own handle kinds: the others are -EBADF', () => {
  const s = spec(oneZone(2, 1, 0, 8, [[4, 4]]));
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 }, // k1
    { op: 'mmap', task: 1, pages: 1 }, // v1
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }, // u1
    { op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }, // g1
    { op: 'cma_alloc', area: 0, count: 1 }, // c1
  ]);
  expect(s.snapshot().handles.map((h) => h.handle)).toEqual(['k1', 'v1', 'u1', 'g1', 'c1']);
  const before = s.snapshot();
  s.drainEvents();
  expect(
    run(s, [
      { op: 'free_pages', page: 'u1' },
      { op: 'free_pages', page: 'v1' },
      { op: 'free_pages', page: 'c1' },
      { op: 'put_page', ref: 'u1' },
      { op: 'put_page', ref: 'v1' },
      { op: 'put_page', ref: 'c1' },
      { op: 'put_page' } as unknown as Op,
      { op: 'cma_release', cma: 'k1' },
      { op: 'cma_release', cma: 'g1' },
      { op: 'cma_release', cma: 'v1' },
    ]),
  ).toEqual(Array(10).fill({ ret: '-EBADF' }));
  expect(s.snapshot()).toEqual(before);
  expect(s.drainEvents()).toEqual([]);
  expect(run(s, [{ op: 'put_page', ref: 'g1' }, { op: 'cma_release', cma: 'c1' }, { op: 'free_pages', page: 'k1' }])).toEqual([
    { ret: 0 },
    { ret: 0 },
    { ret: 0 },
  ]);
});

test('apply refuses an op it does not know (the dispatch is exhaustive, no catch-all)', () => {
  const s = small();
  expect(() => s.apply({ op: 'bogus' } as unknown as Op)).toThrow(/no pattern matches value/);
  expect(() => s.apply({ op: 'read_sysfs_x', attr: 'x' } as unknown as Op)).toThrow(/no pattern matches value/);
});
