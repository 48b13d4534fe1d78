// References and handles: _refcount wraparound, folio_maybe_dma_pinned, -EBADF, handle lifetimes.
import { describe, expect, test } from 'vitest';
import { parseHandle } from '../../../model/impl/handles.js';
import { alloc, boot, EXAMPLE, lists, run } from './helpers.js';

const INT_MAX = 2 ** 31 - 1;

describe('_refcount', () => {
  test('get_page adds, wraps as signed 32-bit, and only a put reaching exactly 0 frees', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_KERNEL'], 0);
    expect(run(sys, { op: 'get_page', page: 'k1', times: INT_MAX })).toEqual({ ret: 0, ref: 'g1' });
    expect(run(sys, { op: 'query', page: 'k1' })).toMatchObject({ refcount: -(2 ** 31), maybe_dma_pinned: true });
    expect(run(sys, { op: 'get_page', page: 'g1', times: INT_MAX })).toEqual({ ret: 0, ref: 'g2' });
    expect(run(sys, { op: 'query', page: 'g2' })).toMatchObject({ refcount: -1 });
    expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'query', page: 'g1' })).toMatchObject({ refcount: -2 });
    expect(run(sys, { op: 'put_page', ref: 'g2' })).toEqual({ ret: 0 }); // -2 - INT_MAX wraps to INT_MAX
    expect(sys.snapshot().folios).toEqual([{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: INT_MAX, pincount: 0, mapped: 0 }]);
    expect(run(sys, { op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 }); // exactly 0: freed
    expect(sys.snapshot().folios).toEqual([]);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8,24', 'CMA o3: 16']);
  });

  test('a get that brings _refcount to 0 frees nothing', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_KERNEL'], 1);
    run(sys, { op: 'get_page', page: 'k1', times: INT_MAX }); // 1 + INT_MAX = INT_MIN
    run(sys, { op: 'get_page', page: 'k1', times: INT_MAX }); // -1
    run(sys, { op: 'get_page', page: 'k1', times: 1 }); // 0, still allocated
    expect(run(sys, { op: 'query', page: 'k1' })).toMatchObject({ ret: 0, refcount: 0, order: 1, maybe_dma_pinned: false });
    run(sys, { op: 'put_page', ref: 'g3' }); // -1
    expect(run(sys, { op: 'query', page: 'g1' })).toMatchObject({ refcount: -1 });
  });

  test('maybe_dma_pinned: (unsigned)_refcount >= 1024 on small folios, _pincount on large ones', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_KERNEL'], 0);
    alloc(sys, ['GFP_KERNEL'], 2);
    run(sys, { op: 'get_page', page: 'k1', times: 1022 });
    expect(run(sys, { op: 'query', page: 'k1' })).toMatchObject({ refcount: 1023, maybe_dma_pinned: false });
    run(sys, { op: 'get_page', page: 'k1' });
    expect(run(sys, { op: 'query', page: 'k1' })).toMatchObject({ refcount: 1024, maybe_dma_pinned: true });
    run(sys, { op: 'get_page', page: 'k2', times: 5000 });
    expect(run(sys, { op: 'query', page: 'k2' })).toEqual({
      ret: 0,
      pfn: 4,
      nid: 0,
      zone: 'ZONE_NORMAL',
      migratetype: 'MIGRATE_MOVABLE',
      order: 2,
      refcount: 5001,
      pincount: 0,
      maybe_dma_pinned: false,
      mapped: 0,
    });
  });

  test('_pincount lives in page[1] of a large folio', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_KERNEL'], 3);
    const mm = sys.mm;
    expect(mm.next[1]).toBe(0); // prep_compound_head set it
    mm.next[1] = 2;
    expect(run(sys, { op: 'query', page: 'k1' })).toMatchObject({ pincount: 2, maybe_dma_pinned: true });
    expect(sys.snapshot().folios[0]).toMatchObject({ pincount: 2 });
  });
});

describe('handles', () => {
  test('-EBADF for handles that are not live, of the wrong kind, or not canonical; nothing changes', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_KERNEL'], 0);
    run(sys, { op: 'get_page', page: 'k1' });
    const before = sys.snapshot();
    for (const page of ['k2', 'k0', 'k01', 'k', 'g1', 'x1', '', 'k1x', 'k99999999999']) {
      expect(run(sys, { op: 'free_pages', page })).toEqual({ ret: '-EBADF' });
    }
    for (const ref of ['g2', 'k1', 'g01', 'g']) expect(run(sys, { op: 'put_page', ref })).toEqual({ ret: '-EBADF' });
    for (const page of ['k2', 'g2', 'x', '']) {
      expect(run(sys, { op: 'get_page', page })).toEqual({ ret: '-EBADF' });
      expect(run(sys, { op: 'query', page })).toEqual({ ret: '-EBADF' });
    }
    expect(sys.snapshot()).toEqual(before);
  });

  test('get_page checks times before the handle', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_KERNEL'], 0);
    for (const times of [0, -1, 1.5, 2 ** 31, NaN]) {
      expect(run(sys, { op: 'get_page', page: 'k1', times })).toEqual({ ret: '-EINVAL' });
      expect(run(sys, { op: 'get_page', page: 'k9', times })).toEqual({ ret: '-EINVAL' });
    }
    expect(run(sys, { op: 'get_page', page: 'k9', times: 1 })).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'get_page', page: 'k1', times: 3 })).toEqual({ ret: 0, ref: 'g1' });
  });

  test('free_pages and put_page kill their handle; freeing the folio kills every handle on it', () => {
    const sys = boot(EXAMPLE);
    alloc(sys, ['GFP_KERNEL'], 0); // k1 at 0
    alloc(sys, ['GFP_KERNEL'], 0); // k2 at 1
    run(sys, { op: 'get_page', page: 'k2' }); // g1
    run(sys, { op: 'get_page', page: 'k1' }); // g2
    run(sys, { op: 'get_page', page: 'g2' }); // g3
    expect(sys.snapshot().handles).toEqual([
      { handle: 'k1', pfns: [0] },
      { handle: 'k2', pfns: [1] },
      { handle: 'g1', pfns: [1] },
      { handle: 'g2', pfns: [0] },
      { handle: 'g3', pfns: [0] },
    ]);
    run(sys, { op: 'free_pages', page: 'k1' }); // folio 0 lives on (g2, g3)
    expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: '-EBADF' });
    run(sys, { op: 'put_page', ref: 'g2' });
    run(sys, { op: 'put_page', ref: 'g1' });
    expect(sys.snapshot().handles.map((h) => h.handle)).toEqual(['k2', 'g3']);
    run(sys, { op: 'put_page', ref: 'g3' }); // folio 0 freed
    expect(run(sys, { op: 'query', page: 'g3' })).toEqual({ ret: '-EBADF' });
    // k2's folio freed through its last get: k2 dies with it
    run(sys, { op: 'get_page', page: 'k2', times: 2 }); // g4
    expect(run(sys, { op: 'get_page', page: 'g4', times: INT_MAX })).toEqual({ ret: 0, ref: 'g5' });
    expect(run(sys, { op: 'get_page', page: 'g4', times: INT_MAX })).toEqual({ ret: 0, ref: 'g6' });
    // 1 + 2 + 2*INT_MAX ≡ 1 (mod 2^32): dropping k2's 1 reaches 0
    expect(run(sys, { op: 'free_pages', page: 'k2' })).toEqual({ ret: 0 });
    expect(sys.snapshot().handles).toEqual([]);
    for (const h of ['g4', 'g5', 'g6']) expect(run(sys, { op: 'put_page', ref: h })).toEqual({ ret: '-EBADF' });
    // a new folio at the same pfn is not named by the dead handles
    expect(alloc(sys, ['GFP_KERNEL'], 0)).toMatchObject({ page: 'k3', pfn: 0 });
    expect(run(sys, { op: 'query', page: 'g3' })).toEqual({ ret: '-EBADF' });
    expect(sys.snapshot().handles).toEqual([{ handle: 'k3', pfns: [0] }]);
  });

  test('many handles: growth and pruning keep creation order', () => {
    const sys = boot({ maxOrder: 10, pageblockOrder: 9, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 4096] } }] });
    for (let i = 1; i <= 3000; i++) {
      alloc(sys, ['GFP_KERNEL'], 0);
      run(sys, { op: 'get_page', page: `k${i}` });
      if (i % 3 !== 0) run(sys, { op: 'free_pages', page: `k${i}` });
      if (i % 2 === 0) run(sys, { op: 'put_page', ref: `g${i}` });
    }
    const hs = sys.snapshot().handles.map((h) => h.handle);
    const want: string[] = [];
    for (let i = 1; i <= 3000; i++) {
      if (i % 3 === 0) want.push(`k${i}`);
      if (i % 2 !== 0) want.push(`g${i}`);
    }
    expect(hs).toEqual(want);
    expect(sys.snapshot().folios.length).toBe(2000);
  });

  test('parseHandle', () => {
    expect(parseHandle('k1', 107)).toBe(1);
    expect(parseHandle('k2147483647', 107)).toBe(2147483647);
    expect(parseHandle('k2147483648', 107)).toBe(0);
    expect(parseHandle('g12', 107)).toBe(0);
    expect(parseHandle('k-1', 107)).toBe(0);
  });
});
