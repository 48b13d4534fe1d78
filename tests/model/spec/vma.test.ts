import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import type { Holder } from '../../../model/spec/folio.js';
import { do_munmap, inVma } from '../../../model/spec/vma.js';
import { run, spec } from './helpers.js';

/** node 0: ZONE_NORMAL [0,8), maxOrder 2, pageblock order 1; tasks 1 and 2. */
const config: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8] } }],
  tasks: [
    { tid: 1, nid: 0 },
    { tid: 2, nid: 0 },
  ],
};

test('mmap: argument checks, v handles in order', () => {
  const s = spec(config);
  expect(
    run(s, [
      { op: 'mmap', task: 3, pages: 1 },
      { op: 'mmap', task: 1, pages: 0 },
      { op: 'mmap', task: 1, pages: 2, folioOrder: 3 },
      { op: 'mmap', task: 1, pages: 6, folioOrder: 2 },
      { op: 'mmap', task: 1, pages: 1.5 },
      { op: 'mmap', task: 1, pages: 8, folioOrder: 2 },
      { op: 'mmap', task: 2, pages: 3 },
    ]),
  ).toEqual([
    { ret: '-EINVAL' },
    { ret: '-EINVAL' },
    { ret: '-EINVAL' },
    { ret: '-EINVAL' },
    { ret: '-EINVAL' },
    { ret: 0, vma: 'v1' },
    { ret: 0, vma: 'v2' },
  ]);
  expect(s.snapshot().vmas).toEqual([
    { handle: 'v1', task: 1, pages: 8, folioOrder: 2, policy: null, ptes: [null, null, null, null, null, null, null, null] },
    { handle: 'v2', task: 2, pages: 3, folioOrder: 0, policy: null, ptes: [null, null, null] },
  ]);
  expect(s.snapshot().folios).toEqual([]);
});

test('touch faults whole chunks in ascending index and lists every page it mapped', () => {
  const s = spec(config);
  run(s, [{ op: 'mmap', task: 1, pages: 8, folioOrder: 1 }]);
  expect(s.apply({ op: 'touch', vma: 'v1', index: 3, count: 2 })).toEqual({
    ret: 0,
    pages: [
      { index: 2, pfn: 0, nid: 0, zone: 'ZONE_NORMAL' },
      { index: 3, pfn: 1, nid: 0, zone: 'ZONE_NORMAL' },
      { index: 4, pfn: 2, nid: 0, zone: 'ZONE_NORMAL' },
      { index: 5, pfn: 3, nid: 0, zone: 'ZONE_NORMAL' },
    ],
  });
  // already present: nothing mapped
  expect(s.apply({ op: 'touch', vma: 'v1', index: 2, count: 4 })).toEqual({ ret: 0, pages: [] });
  expect(s.snapshot().vmas[0]!.ptes).toEqual([null, null, 0, 1, 2, 3, null, null]);
  expect(s.snapshot().folios).toEqual([
    { pfn: 0, order: 1, nid: 0, zone: 'ZONE_NORMAL', refcount: 2, pincount: 0, mapped: 2 },
    { pfn: 2, order: 1, nid: 0, zone: 'ZONE_NORMAL', refcount: 2, pincount: 0, mapped: 2 },
  ]);
  expect(
    run(s, [
      { op: 'touch', vma: 'v1', index: 7, count: 2 },
      { op: 'touch', vma: 'v1', index: 0, count: 0 },
      { op: 'touch', vma: 'v1', index: -1 },
      { op: 'touch', vma: 'v1', index: 8 },
      { op: 'touch', vma: 'v9', index: 0 },
    ]),
  ).toEqual([{ ret: '-EFAULT' }, { ret: '-EFAULT' }, { ret: '-EFAULT' }, { ret: '-EFAULT' }, { ret: '-EBADF' }]);
});

test('touch -ENOMEM keeps the chunks already faulted', () => {
  const s = spec(config);
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 },
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 },
    { op: 'mmap', task: 1, pages: 4 },
  ]);
  expect(s.apply({ op: 'touch', vma: 'v1', index: 0, count: 4 })).toEqual({ ret: '-ENOMEM' });
  expect(s.snapshot().vmas[0]!.ptes).toEqual([6, 7, null, null]);
});

test('get_page and query by {vma, index}; munmap drops the mappings', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 4, folioOrder: 1 },
    { op: 'touch', vma: 'v1', index: 0, count: 4 },
  ]);
  expect(s.apply({ op: 'query', vma: 'v1', index: 1 })).toEqual({
    ret: 0,
    pfn: 0,
    nid: 0,
    zone: 'ZONE_NORMAL',
    migratetype: 'MIGRATE_MOVABLE',
    order: 1,
    refcount: 2,
    pincount: 0,
    maybe_dma_pinned: false,
    mapped: 2,
  });
  expect(
    run(s, [
      { op: 'query', vma: 'v1', index: 4 },
      { op: 'query', vma: 'v1' },
      { op: 'query', vma: 'v2', index: 0 },
      { op: 'query' },
      { op: 'get_page', vma: 'v1', index: -1 },
      { op: 'get_page', vma: 'v1', index: 3, times: 0 },
      { op: 'get_page', page: 'v1' },
    ]),
  ).toEqual([{ ret: '-EFAULT' }, { ret: '-EFAULT' }, { ret: '-EBADF' }, { ret: '-EINVAL' }, { ret: '-EFAULT' }, { ret: '-EINVAL' }, { ret: '-EBADF' }]);
  expect(s.apply({ op: 'get_page', vma: 'v1', index: 3, times: 5 })).toEqual({ ret: 0, ref: 'g1' });
  expect(s.snapshot().handles).toEqual([
    { handle: 'v1', pfns: [] },
    { handle: 'g1', pfns: [2] },
  ]);
  expect(s.apply({ op: 'query', page: 'g1' })).toMatchObject({ pfn: 2, refcount: 7, mapped: 2 });
  s.drainEvents();
  expect(s.apply({ op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([]); // folio 0 is freed, but its buddy 2 is still held
  expect(s.snapshot().vmas).toEqual([]);
  expect(s.snapshot().folios).toEqual([{ pfn: 2, order: 1, nid: 0, zone: 'ZONE_NORMAL', refcount: 5, pincount: 0, mapped: 0 }]);
  expect(s.apply({ op: 'munmap', vma: 'v1' })).toEqual({ ret: '-EBADF' });
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toEqual({ ret: '-EBADF' });
  // the put frees the unmapped user folio
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'merge', order: 2 }, { kind: 'freed-unmapped' }]);
  expect(s.snapshot().folios).toEqual([]);
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 8, nrFree: [0, 0, 2] });
});

test('a not-present page is -ENOENT', () => {
  const s = spec(config);
  run(s, [{ op: 'mmap', task: 1, pages: 2 }]);
  expect(s.apply({ op: 'get_page', vma: 'v1', index: 1 })).toEqual({ ret: '-ENOENT' });
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toEqual({ ret: '-ENOENT' });
});

test('a query that sees maybe_dma_pinned without pins reports a false positive', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'get_page', vma: 'v1', index: 0, times: 1023 },
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1024, maybe_dma_pinned: true });
  expect(s.drainEvents()).toEqual([{ kind: 'dma-pinned-false-positive' }]);
  run(s, [{ op: 'put_page', ref: 'g1' }, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }]);
  s.drainEvents();
  expect(s.apply({ op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1025, maybe_dma_pinned: true });
  expect(s.drainEvents()).toEqual([]);
});

test('mmap: the folio order must be an integer in 0..maxOrder even when the pages divide evenly', () => {
  const s = spec(config);
  expect(
    run(s, [
      { op: 'mmap', task: 1, pages: 8, folioOrder: 3 },
      { op: 'mmap', task: 1, pages: 2, folioOrder: -1 },
      { op: 'mmap', task: 1, pages: 4, folioOrder: 2 },
    ]),
  ).toEqual([{ ret: '-EINVAL' }, { ret: '-EINVAL' }, { ret: 0, vma: 'v1' }]);
});

test('a page index must be an integer inside the VMA', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 4 },
    { op: 'touch', vma: 'v1', index: 0, count: 4 },
  ]);
  const vma = s.machine.vmas.get('v1')!;
  expect([inVma(vma, 0), inVma(vma, 3), inVma(vma, 1.5), inVma(vma, 4), inVma(vma, -1), inVma(vma, undefined)]).toEqual([
    true,
    true,
    false,
    false,
    false,
    false,
  ]);
  expect(
    run(s, [
      { op: 'query', vma: 'v1', index: 1.5 },
      { op: 'get_page', vma: 'v1', index: 1.5 },
      { op: 'touch', vma: 'v1', index: 1.5 },
    ]),
  ).toEqual([{ ret: '-EFAULT' }, { ret: '-EFAULT' }, { ret: '-EFAULT' }]);
});

test('a fault maps each page of the new folio with exactly one map holder', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 4, folioOrder: 1 },
    { op: 'touch', vma: 'v1', index: 3 },
  ]);
  expect(s.machine.folios.get(0)!.holders).toEqual([
    { kind: 'map', vma: 'v1', index: 2 },
    { kind: 'map', vma: 'v1', index: 3 },
  ]);
});

test('a page handle names a folio only when it is a k-handle, a get_page handle or a GUP g-handle', () => {
  const s = spec(config);
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0, count: 2 },
    { op: 'get_user_pages', vma: 'v1', index: 1, nr: 1, gup_flags: [] },
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
  ]);
  expect(
    [{ page: 'k1' }, { page: 'g1' }, { page: 'u1' }, { page: 'v1' }, { page: 'k2' }].map((t) => s.apply({ op: 'query', ...t })),
  ).toMatchObject([{ pfn: 0 }, { pfn: 2 }, { ret: '-EBADF' }, { ret: '-EBADF' }, { ret: '-EBADF' }]);
});

test('munmap drops exactly the VMA\'s own map holder of each page, whatever the holder order', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 2, folioOrder: 1 },
    { op: 'mmap', task: 1, pages: 2, folioOrder: 1 },
    { op: 'touch', vma: 'v1', index: 0, count: 2 },
    { op: 'get_page', vma: 'v1', index: 0 },
  ]);
  // hand-built: v2 maps the same folio, and the holders come in another order
  const folio = s.machine.folios.get(0)!;
  const v2 = s.machine.vmas.get('v2')!;
  v2.ptes[0] = folio;
  v2.ptes[1] = folio;
  const others: Holder[] = [
    { kind: 'get', handle: 'g1', times: 1 },
    { kind: 'map', vma: 'v2', index: 1 },
    { kind: 'map', vma: 'v2', index: 0 },
  ];
  folio.holders.splice(0, folio.holders.length, ...others, { kind: 'map', vma: 'v1', index: 1 }, { kind: 'map', vma: 'v1', index: 0 });
  expect(s.apply({ op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
  expect(folio.holders).toEqual(others);
  expect(s.machine.folios.get(0)).toBe(folio);
  expect(v2.ptes).toEqual([folio, folio]);
});

test('the spec refuses to unmap a pte whose folio lacks its map holder', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 1 },
  ]);
  s.machine.folios.get(0)!.holders.length = 0;
  expect(() => do_munmap(s.machine, s.machine.vmas.get('v1')!)).toThrow(/spec: pte 1 of v1 has no map holder/);
});
