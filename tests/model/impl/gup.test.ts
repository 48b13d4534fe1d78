// GUP with exact values: is_valid_gup_args, -EFAULT and partial counts, the 1024 bias and
// `_pincount`, the `<= 0` refusal, the fast-path prefix, FOLL_LONGTERM migration and its -ENOMEM,
// the flag-list cache, calls of more pages than the scratch arrays hold, and the unpin grouping.
import { describe, expect, test } from 'vitest';
import { FOLL_FLAGS } from '../../../model/api/index.js';
import { is_valid_gup_args } from '../../../model/impl/gup.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { PROFILES } from '../../../model/profiles.js';
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

describe('the FOLL_ flag-list cache gives the flags of the list asked for', () => {
  // get_user_pages with FOLL_NOFAULT on a page that is not present: -EFAULT; an unknown name: -EINVAL
  const nofault = (sys: ReturnType<typeof withVma>, gup_flags: string[]) =>
    run(sys, { op: 'get_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags });

  test('a list is not confused with a longer list it is a prefix of', () => {
    const sys = withVma(1);
    for (let i = 0; i < 64; i++) {
      expect(nofault(sys, ['FOLL_NOFAULT', `FOLL_PREFIX_${'X'.repeat(i)}`])).toEqual({ ret: '-EINVAL' });
      expect(nofault(sys, ['FOLL_NOFAULT'])).toEqual({ ret: '-EFAULT' });
    }
  });

  test('a repeated list gets its own flags back from either way of its set', () => {
    const sys = withVma(1);
    for (let i = 0; i < 32; i++) {
      const valid = ['FOLL_NOFAULT', ...Array.from({ length: i + 1 }, () => 'FOLL_HWPOISON')];
      const invalid = [...Array.from({ length: i + 1 }, () => 'FOLL_HWPOISON'), 'FOLL_REPEAT_UNKNOWN'];
      for (let r = 0; r < 2; r++) {
        expect(nofault(sys, valid)).toEqual({ ret: '-EFAULT' });
        expect(nofault(sys, invalid)).toEqual({ ret: '-EINVAL' });
      }
    }
    expect(sys.snapshot().handles.map((h) => h.handle)).toEqual(['v1']);
  });

  test('the cache keeps a copy: a caller that edits its array afterwards gets the flags of the edited names', () => {
    const sys = withVma(1);
    const names = ['FOLL_NOFAULT', 'FOLL_ANON', 'FOLL_ANON', 'FOLL_ANON', 'FOLL_ANON'];
    expect(nofault(sys, names)).toEqual({ ret: '-EFAULT' });
    for (let i = 0; i < 64; i++) {
      names[1] = `FOLL_EDITED_${'X'.repeat(i)}`; // names of every length: every cache set
      expect(nofault(sys, names)).toEqual({ ret: '-EINVAL' });
    }
  });

  test('is_valid_gup_args refuses any negative caller value (parseFoll marks an unknown name that way)', () => {
    expect(is_valid_gup_args(-(2 ** 31), F.FOLL_PIN)).toBe(false);
    expect(is_valid_gup_args(-(2 ** 31), F.FOLL_GET | F.FOLL_TOUCH)).toBe(false);
  });
});

describe('try_grab_folio refuses `_refcount == 0` on both paths', () => {
  test('a mapped folio whose gets wrapped `_refcount` to exactly 0: fast and slow GUP are -ENOMEM', () => {
    const sys = withVma(1);
    run(sys, { op: 'touch', vma: 'v1', index: 0 }); // 1
    run(sys, { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX }); // INT_MIN
    run(sys, { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX }); // -1
    run(sys, { op: 'get_page', vma: 'v1', index: 0, times: 1 }); // 0, still mapped
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ pfn: 32, refcount: 0, mapped: 1 });
    for (const op of ['get_user_pages', 'get_user_pages_fast', 'pin_user_pages', 'pin_user_pages_fast']) {
      expect(run(sys, { op, vma: 'v1', index: 0, nr: 1, gup_flags: [] } as never)).toEqual({ ret: '-ENOMEM' });
    }
    expect(run(sys, { op: 'query', vma: 'v1', index: 0 })).toMatchObject({ refcount: 0 });
  });
});

describe('many pages in one call', () => {
  test('300 pages: the scratch arrays grow; FOLL_LONGTERM collects, migrates and marks all 300', () => {
    const config: MachineConfig = { maxOrder: 3, pageblockOrder: 2, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 512], ZONE_MOVABLE: [512, 512] } }], tasks: [{ tid: 1, nid: 0 }] };
    const sys = withVma(300, 0, config);
    const touched = run(sys, { op: 'touch', vma: 'v1', index: 0, count: 300 });
    expect((touched.pages as { pfn: number }[]).map((p) => p.pfn)).toEqual(Array.from({ length: 300 }, (_, i) => 512 + i));
    const got = run(sys, { op: 'get_user_pages', vma: 'v1', index: 0, nr: 300, gup_flags: [] });
    expect(got.ret).toBe(300);
    expect((got.pages as { index: number; pfn: number }[]).map((p) => p.pfn - p.index)).toEqual(Array(300).fill(512));
    expect(run(sys, { op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });
    const r = run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 300, gup_flags: ['FOLL_LONGTERM'] });
    expect(r.ret).toBe(300);
    const pages = r.pages as { index: number; pfn: number; zone: string; migrated: boolean }[];
    expect(pages.map((p) => [p.index, p.pfn, p.zone, p.migrated])).toEqual(Array.from({ length: 300 }, (_, i) => [i, i, 'ZONE_NORMAL', true]));
    const snap = sys.snapshot();
    expect(snap.vmas[0]!.ptes).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(snap.folios.map((f) => [f.pfn, f.refcount, f.mapped])).toEqual(Array.from({ length: 300 }, (_, i) => [i, 1025, 1]));
  });
});

describe('FOLL_LONGTERM collection and marks', () => {
  // node 0 is all ZONE_MOVABLE from pfn 0 (base 0), node 1 ZONE_NORMAL
  const LOW_MOVABLE: MachineConfig = {
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [{ nid: 0, zones: { ZONE_MOVABLE: [0, 16] } }, { nid: 1, zones: { ZONE_NORMAL: [16, 16] } }],
    tasks: [{ tid: 1, nid: 0 }],
  };

  test('the folio at head index 1 is collected like any other; only migrated pages are marked', () => {
    const sys = withVma(2, 0, LOW_MOVABLE);
    expect((run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }).pages as { pfn: number }[]).map((p) => p.pfn)).toEqual([0, 1]);
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 1, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 1, pfn: 16, nid: 1, zone: 'ZONE_NORMAL', migrated: true }],
    });
    // slow path over a pinnable page (index 1) and an unpinnable one (index 0): only index 0 moves
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
      ret: 2,
      pin: 'u2',
      pages: [
        { index: 0, pfn: 17, nid: 1, zone: 'ZONE_NORMAL', migrated: true },
        { index: 1, pfn: 16, nid: 1, zone: 'ZONE_NORMAL', migrated: false },
      ],
    });
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount])).toEqual([[16, 2049], [17, 1025]]);
  });

  test('tatashin-v3: the pin scope is back for the walk after the migration (faults stay out of ZONE_MOVABLE)', () => {
    // NORMAL [0,4) full of kernel pages; ZONE_MOVABLE [4,8)
    const sys = new ImplSystem(
      { maxOrder: 1, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 4], ZONE_MOVABLE: [4, 4] } }], tasks: [{ tid: 1, nid: 0 }] },
      PROFILES['tatashin-v3'],
    );
    run(sys, { op: 'mmap', task: 1, pages: 3 });
    expect(run(sys, { op: 'touch', vma: 'v1', index: 0 })).toMatchObject({ pages: [{ pfn: 4 }] });
    for (let i = 0; i < 2; i++) expect(run(sys, { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 1 })).toMatchObject({ ret: 0 });
    // pass 1: page 0 taken, page 1's fault finds no ZONE_NORMAL page; page 0 migrates (target mask
    // allocated outside the scope, into ZONE_MOVABLE); the walk again: page 1's fault still fails
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 3, gup_flags: ['FOLL_LONGTERM'] })).toEqual({
      ret: 1,
      pin: 'u1',
      pages: [{ index: 0, pfn: 5, nid: 0, zone: 'ZONE_MOVABLE', migrated: true }],
    });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([5, null, null]);
  });
});

describe('unpin_user_pages / put_page on a GUP handle', () => {
  test('consecutive pages of one folio are grouped, the next folio is released too', () => {
    const sys = withVma(4, 1); // folios [0,1] and [2,3]
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 4 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 3, gup_flags: [] })).toMatchObject({ ret: 3, pin: 'u1' });
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount, f.pincount])).toEqual([[32, 4, 2], [34, 3, 1]]);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount, f.pincount])).toEqual([[32, 2, 0], [34, 2, 0]]);
  });

  test('a small pin frees only when `_refcount` is exactly a multiple of the bias in (0, k * 1024]', () => {
    const sys = withVma(2);
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 });
    run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: [] }); // u1: 1025 each
    // page 0: 1025 + INT_MAX + (2^31 - 2048) ≡ -1024
    run(sys, { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX });
    run(sys, { op: 'get_page', vma: 'v1', index: 0, times: 2 ** 31 - 2048 });
    // page 1: 1025 + INT_MAX + (2^31 - 524) ≡ 500
    run(sys, { op: 'get_page', vma: 'v1', index: 1, times: INT_MAX });
    run(sys, { op: 'get_page', vma: 'v1', index: 1, times: 2 ** 31 - 524 });
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount])).toEqual([[32, -1024], [33, 500]]);
    expect(run(sys, { op: 'unpin_user_pages', pin: 'u1' })).toEqual({ ret: 0 });
    expect(sys.snapshot().folios.map((f) => [f.pfn, f.refcount])).toEqual([[32, -2048], [33, -524]]);
  });
});
