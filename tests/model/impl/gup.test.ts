// GUP with exact values: is_valid_gup_args, -EFAULT and partial counts, the 1024 bias and
// `_pincount`, the `<= 0` refusal, the fast-path prefix, FOLL_LONGTERM migration and its -ENOMEM.
import { describe, expect, test } from 'vitest';
import { FOLL_FLAGS } from '../../../model/api/index.js';
import { is_valid_gup_args } from '../../../model/impl/gup.js';
import { boot, EXAMPLE, run, zoneOf } from './helpers.js';
import type { MachineConfig } from '../../../model/api/index.js';

const F = FOLL_FLAGS;
const INT_MAX = 2 ** 31 - 1;

/** EXAMPLE with a user VMA v1 of `pages` pages (folio order `order`) for task 1 */
function withVma(pages: number, order = 0, config: MachineConfig = EXAMPLE) {
  const sys = boot(config);
  expect(run(sys, { op: 'mmap', task: 1, pages, folioOrder: order })).toEqual({ ret: 0, vma: 'v1' });
  return sys;
}

describe('is_valid_gup_args', () => {
  test('the table of mm/gup.c', () => {
    const GET = F.FOLL_GET;
    const PIN = F.FOLL_PIN;
    const TOUCH = F.FOLL_TOUCH;
    expect(is_valid_gup_args(0, TOUCH | GET)).toBe(true);
    expect(is_valid_gup_args(F.FOLL_WRITE | F.FOLL_FORCE, PIN)).toBe(true);
    expect(is_valid_gup_args(F.FOLL_LONGTERM, PIN | TOUCH)).toBe(true);
    expect(is_valid_gup_args(PIN, GET)).toBe(false); // internal flag from the caller
    expect(is_valid_gup_args(TOUCH, PIN)).toBe(false);
    expect(is_valid_gup_args(F.FOLL_FAST_ONLY, GET)).toBe(false);
    expect(is_valid_gup_args(GET, PIN)).toBe(false); // GET with PIN
    expect(is_valid_gup_args(F.FOLL_LONGTERM, GET)).toBe(false); // LONGTERM without PIN
    expect(is_valid_gup_args(F.FOLL_LONGTERM | F.FOLL_PCI_P2PDMA, PIN)).toBe(false);
    expect(is_valid_gup_args(F.FOLL_PCI_P2PDMA, PIN)).toBe(true);
    expect(is_valid_gup_args(-1, PIN)).toBe(false); // an unknown name
  });

  test('entry points: -EINVAL, except pin_user_pages which returns 0 without a handle', () => {
    const sys = withVma(4);
    const gup = (op: string, gup_flags: string[]) => run(sys, { op, vma: 'v1', index: 0, nr: 1, gup_flags } as never);
    expect(gup('get_user_pages', ['FOLL_PIN'])).toEqual({ ret: '-EINVAL' });
    expect(gup('get_user_pages', ['FOLL_LONGTERM'])).toEqual({ ret: '-EINVAL' });
    expect(gup('get_user_pages', ['FOLL_NOPE'])).toEqual({ ret: '-EINVAL' });
    expect(gup('get_user_pages_fast', ['FOLL_TOUCH'])).toEqual({ ret: '-EINVAL' });
    expect(gup('pin_user_pages', ['FOLL_GET'])).toEqual({ ret: 0 });
    expect(gup('pin_user_pages', ['FOLL_LONGTERM', 'FOLL_PCI_P2PDMA'])).toEqual({ ret: 0 });
    expect(gup('pin_user_pages', ['FOLL_PIN'])).toEqual({ ret: 0 });
    expect(gup('pin_user_pages_fast', ['FOLL_GET'])).toEqual({ ret: '-EINVAL' });
    // GUP_FAST_ALLOWED_FLAGS: FOLL_DUMP is fine for the slow entry, not for the fast one
    expect(gup('pin_user_pages_fast', ['FOLL_DUMP'])).toEqual({ ret: '-EINVAL' });
    expect(gup('pin_user_pages', ['FOLL_DUMP'])).toMatchObject({ ret: 1, pin: 'u1' });
    expect(sys.snapshot().handles.map((h) => h.handle)).toEqual(['v1', 'u1']);
  });

  test('order of checks: flags, then the VMA handle, nr, nr = 0, then the index', () => {
    const sys = withVma(4);
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v9', index: 0, nr: 1, gup_flags: ['FOLL_GET'] })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v9', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 9, nr: -1, gup_flags: [] })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 9, nr: 0, gup_flags: [] })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 4, nr: 1, gup_flags: [] })).toEqual({ ret: '-EFAULT' });
    expect(run(sys, { op: 'get_user_pages', vma: 'v1', index: -1, nr: 1, gup_flags: [] })).toEqual({ ret: '-EFAULT' });
  });
});

describe('slow path', () => {
  test('faults what is missing, stops at the VMA end, -EFAULT under FOLL_NOFAULT or partial', () => {
    const sys = withVma(4);
    // GFP_HIGHUSER_MOVABLE on node 0: ZONE_MOVABLE [32,64) first
    expect(run(sys, { op: 'touch', vma: 'v1', index: 1 })).toEqual({ ret: 0, pages: [{ index: 1, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE' }] });
    expect(run(sys, { op: 'get_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_NOFAULT'] })).toEqual({ ret: '-EFAULT' });
    expect(run(sys, { op: 'get_user_pages', vma: 'v1', index: 1, nr: 2, gup_flags: ['FOLL_NOFAULT'] })).toEqual({
      ret: 1,
      ref: 'g1',
      pages: [{ index: 1, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }],
    });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 2, nr: 100, gup_flags: ['FOLL_WRITE'] })).toEqual({
      ret: 2,
      pin: 'u1',
      pages: [
        { index: 2, pfn: 33, nid: 0, zone: 'ZONE_MOVABLE', migrated: false },
        { index: 3, pfn: 34, nid: 0, zone: 'ZONE_MOVABLE', migrated: false },
      ],
    });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([null, 32, 33, 34]);
    expect(sys.snapshot().handles).toEqual([
      { handle: 'v1', pfns: [] },
      { handle: 'g1', pfns: [32] },
      { handle: 'u1', pfns: [33, 34] },
    ]);
  });

  test('a fault that finds no memory: -ENOMEM, or the pages done', () => {
    const sys = boot({ maxOrder: 1, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 2] } }] });
    run(sys, { op: 'mmap', task: 1, pages: 4 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 4, gup_flags: [] })).toMatchObject({ ret: 2, pin: 'u1' });
    expect(run(sys, { op: 'get_user_pages', vma: 'v1', index: 2, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 2, count: 2 })).toEqual({ ret: '-ENOMEM' });
  });
});

describe('pins on folios', () => {
  test('small folio: +1024 per pin (GUP_PIN_COUNTING_BIAS); get +1; each put releases exactly its own', () => {
    const sys = withVma(1);
    run(sys, { op: 'touch', vma: 'v1', index: 0 });
    run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }); // u1
    run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 1, gup_flags: [] }); // u2
    run(sys, { op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }); // g1
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toEqual({
      ret: 0, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE', migratetype: 'MIGRATE_MOVABLE',
      order: 0, refcount: 1 + 2048 + 1, pincount: 0, maybe_dma_pinned: true, mapped: 1,
    });
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: '-EBADF' });
    expect(run(sys, { op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1025, maybe_dma_pinned: true });
    // munmap drops the mapping; the pin keeps the folio, unmapped, until the last unpin frees it
    run(sys, { op: 'munmap', vma: 'v1' });
    expect(sys.snapshot().folios).toEqual([{ pfn: 32, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1024, pincount: 0, mapped: 0 }]);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u2' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios).toEqual([]);
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_MOVABLE').nrFreePages).toBe(32);
  });

  test('large folio: `_refcount` +1 and `_pincount` +1 per pinned page; maybe_dma_pinned follows `_pincount`', () => {
    const sys = withVma(8, 2);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 2, gup_flags: [] })).toMatchObject({ ret: 2, pin: 'u1' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 3 })).toMatchObject({ pfn: 32, order: 2, refcount: 6, pincount: 2, mapped: 4, maybe_dma_pinned: true });
    expect(sys.mm.next[32 - sys.mm.base + 1]).toBe(2); // `_pincount` in page[1]
    run(sys, { op: 'get_page', vma: 'v1', index: 0, times: 1100 }); // g1: plain references never look pinned on a large folio
    run(sys, { op: 'unpin_user_pages', pin: 'u1' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 1104, pincount: 0, maybe_dma_pinned: false });
  });

  test('try_grab_folio refuses `_refcount <= 0`: the add that crosses INT_MAX succeeds, the next grab is -ENOMEM', () => {
    const sys = withVma(2);
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 });
    run(sys, { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX - 1024 }); // 1 + INT_MAX - 1024
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1 });
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: -(2 ** 31), maybe_dma_pinned: true });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
    expect(run(sys, { op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] })).toEqual({ ret: '-ENOMEM' });
    // the walk stops at the refused page and keeps what it took before it
    expect(run(sys, { op: 'get_user_pages', vma: 'v1', index: 1, nr: 1, gup_flags: [] })).toMatchObject({ ret: 1, ref: 'g2' });
  });

  test('fast path: the present prefix, the rest through the slow path; a slow failure keeps the prefix', () => {
    const sys = withVma(4);
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // 32, 33
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 4, gup_flags: [] })).toMatchObject({
      ret: 4,
      pages: [{ pfn: 32 }, { pfn: 33 }, { pfn: 34 }, { pfn: 35 }],
    });
    run(sys, { op: 'get_page', vma: 'v1', index: 1, times: INT_MAX }); // page 1: 1 + 1024 + INT_MAX < 0
    const before = run(sys, { op: 'query', vma: 'v1', index: 1 }).refcount;
    expect(run(sys, { op: 'get_user_pages_fast', vma: 'v1', index: 0, nr: 3, gup_flags: [] })).toEqual({
      ret: 1,
      ref: 'g2',
      pages: [{ index: 0, pfn: 32, nid: 0, zone: 'ZONE_MOVABLE', migrated: false }],
    });
    expect(run(sys, { op: 'query', vma: 'v1', index: 1 }).refcount).toBe(before);
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 }).refcount).toBe(1 + 1024 + 1);
  });
});

describe('FOLL_LONGTERM', () => {
  test('migrates out of ZONE_MOVABLE (GFP_USER | __GFP_HIGHMEM → ZONE_NORMAL), then pins', () => {
    const sys = withVma(4);
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 4 }); // 32..35 in ZONE_MOVABLE
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
      ret: 2,
      pin: 'u1',
      pages: [
        { index: 1, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true },
        { index: 2, pfn: 1, nid: 0, zone: 'ZONE_NORMAL', migrated: true },
      ],
    });
    const snap = sys.snapshot();
    expect(snap.vmas[0]!.ptes).toEqual([32, 0, 1, 35]);
    expect(snap.folios.map((f) => [f.pfn, f.refcount, f.mapped])).toEqual([[0, 1025, 1], [1, 1025, 1], [32, 1, 1], [35, 1, 1]]);
    // already pinnable: no second migration
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 1, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({
      ret: 1,
      pages: [{ pfn: 0, migrated: false }],
    });
  });

  test('faults inside the pin scope land outside ZONE_MOVABLE and CMA', () => {
    const sys = withVma(2);
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({
      ret: 2,
      pages: [{ pfn: 0, zone: 'ZONE_NORMAL', migrated: false }, { pfn: 1, zone: 'ZONE_NORMAL', migrated: false }],
    });
  });

  const CMA_MACHINE: MachineConfig = {
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [{ nid: 0, zones: { ZONE_DMA32: [0, 16], ZONE_NORMAL: [16, 16] }, cma: [[16, 8]] }],
  };

  test('migrates out of a CMA pageblock (GFP_USER: no ALLOC_CMA) to the exact target', () => {
    const sys = withVma(9, 0, CMA_MACHINE);
    const touched = run(sys, { op: 'touch', vma: 'v1', index: 0, count: 9 });
    expect((touched.pages as { pfn: number }[]).map((p) => p.pfn)).toEqual([24, 25, 26, 27, 28, 29, 30, 31, 16]);
    expect(run(sys, { op: 'query', vma: 'v1', index: 8 })).toMatchObject({ pfn: 16, migratetype: 'MIGRATE_CMA' });
    expect(run(sys, { op: 'pin_user_pages_fast', vma: 'v1', index: 7, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
      ret: 2,
      pin: 'u1',
      pages: [
        { index: 7, pfn: 31, nid: 0, zone: 'ZONE_NORMAL', migrated: false },
        { index: 8, pfn: 0, nid: 0, zone: 'ZONE_DMA32', migrated: true },
      ],
    });
    expect(sys.snapshot().zones[1]).toMatchObject({ zone: 'ZONE_NORMAL', nrFreeCmaPages: 8 });
  });

  test('no target: -ENOMEM with nothing pinned; a folio with other references: -ENOMEM', () => {
    const sys = withVma(9, 0, { maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[0, 8]] }] });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 9 }); // 8..15, then CMA 0
    const before = sys.snapshot();
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 7, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toEqual({ ret: '-ENOMEM' });
    expect(sys.snapshot()).toEqual(before);

    const sys2 = withVma(1);
    run(sys2, { op: 'touch', vma: 'v1', index: 0 });
    run(sys2, { op: 'get_page', vma: 'v1', index: 0 }); // an extra reference: the migration fails (refs)
    expect(run(sys2, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({ ret: '-ENOMEM' });
    expect(run(sys2, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 32, refcount: 2 });
  });
});

describe('storage', () => {
  test('the GUP page pool and the page-table arena compact and grow, keeping every live handle and pte', () => {
    const sys = boot({ maxOrder: 4, pageblockOrder: 2, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 4096] } }] });
    const live = new Map<string, number[]>(); // u handle → pfns
    const vmas: { h: string; ptes: (number | null)[] }[] = [];
    for (let round = 0; round < 300; round++) {
      const m = run(sys, { op: 'mmap', task: 1, pages: 8 + (round % 5) * 8 });
      const v = { h: m.vma as string, ptes: Array.from({ length: 8 + (round % 5) * 8 }, () => null as number | null) };
      vmas.push(v);
      const r = run(sys, { op: 'pin_user_pages', vma: v.h, index: 1, nr: 6, gup_flags: [] });
      const pages = r.pages as { index: number; pfn: number }[];
      for (const p of pages) v.ptes[p.index] = p.pfn;
      live.set(r.pin as string, pages.map((p) => p.pfn));
      if (round % 3 === 0) {
        const [h] = live.keys();
        expect(run(sys, { op: 'unpin_user_pages', pin: h! })).toEqual({ ret: 0 });
        live.delete(h!);
      }
      if (round % 2 === 0) {
        const gone = vmas.splice(round % vmas.length, 1)[0]!;
        expect(run(sys, { op: 'munmap', vma: gone.h })).toEqual({ ret: 0 });
      }
    }
    const snap = sys.snapshot();
    expect(snap.handles.filter((h) => h.handle.startsWith('u'))).toEqual([...live].map(([handle, pfns]) => ({ handle, pfns })));
    expect(snap.vmas.map((v) => ({ h: v.handle, ptes: v.ptes }))).toEqual(vmas.map((v) => ({ h: v.h, ptes: v.ptes })));
    expect(sys.vmas.pte.length).toBeLessThan(16384);
  });
});
