// page_ref.ts with exact values: folio_is_longterm_pinnable's pageblock and zone rules, and the
// `_pincount` drop of a FOLL_LONGTERM pass that is unpinned before its migration.
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { MIGRATE_CMA, MIGRATE_ISOLATE, MIGRATE_MOVABLE } from '../../../model/impl/mem.js';
import { folio_is_longterm_pinnable } from '../../../model/impl/page_ref.js';
import { alloc, boot, EXAMPLE, run } from './helpers.js';

describe('folio_is_longterm_pinnable', () => {
  test('a MIGRATE_CMA or MIGRATE_ISOLATE pageblock is never pinnable; otherwise ZONE_MOVABLE is not', () => {
    const sys = boot(EXAMPLE);
    expect(alloc(sys, ['GFP_KERNEL'], 0)).toMatchObject({ pfn: 0 });
    const mm = sys.mm;
    expect(mm.base).toBe(0);
    expect(mm.pbType[0]).toBe(MIGRATE_MOVABLE);
    expect(folio_is_longterm_pinnable(mm, 0, null)).toBe(true); // ZONE_NORMAL
    expect(folio_is_longterm_pinnable(mm, 32, null)).toBe(false); // ZONE_MOVABLE
    mm.pbType[0] = MIGRATE_ISOLATE;
    expect(folio_is_longterm_pinnable(mm, 0, null)).toBe(false);
    mm.pbType[0] = MIGRATE_CMA;
    expect(folio_is_longterm_pinnable(mm, 0, null)).toBe(false);
    mm.pbType[0] = MIGRATE_MOVABLE;
    expect(folio_is_longterm_pinnable(mm, 0, null)).toBe(true);
  });
});

describe('unpin_refs', () => {
  // ZONE_NORMAL [0,8) taken by one kernel folio, ZONE_MOVABLE [8,16)
  const FULL_NORMAL: MachineConfig = {
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] } }],
    tasks: [{ tid: 1, nid: 0 }],
  };

  test('a large folio: each unpinned page drops `_refcount` by 1 and `_pincount` by 1 (page[1])', () => {
    const sys = boot(FULL_NORMAL);
    expect(alloc(sys, ['GFP_KERNEL'], 3)).toMatchObject({ page: 'k1', pfn: 0 });
    run(sys, { op: 'mmap', task: 1, pages: 4, folioOrder: 2 });
    expect((run(sys, { op: 'touch', vma: 'v1', index: 0 }).pages as { pfn: number }[]).map((p) => p.pfn)).toEqual([8, 9, 10, 11]);
    const before = sys.snapshot();
    // the pass pins 4 pages (refcount 8, pincount 4), unpins them, then finds no ZONE_NORMAL target
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 4, gup_flags: ['FOLL_LONGTERM'] })).toEqual({ ret: '-ENOMEM' });
    expect(run(sys, { op: 'query', vma: 'v1', index: 2 })).toEqual({
      ret: 0, pfn: 8, nid: 0, zone: 'ZONE_MOVABLE', migratetype: 'MIGRATE_MOVABLE',
      order: 2, refcount: 4, pincount: 0, maybe_dma_pinned: false, mapped: 4,
    });
    expect(sys.mm.next[8 + 1]).toBe(0);
    expect(sys.snapshot()).toEqual(before);
    // with a target: the same unpin, then the migration
    expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 2, gup_flags: ['FOLL_LONGTERM'] })).toMatchObject({
      ret: 2,
      pages: [{ index: 1, pfn: 1, migrated: true }, { index: 2, pfn: 2, migrated: true }],
    });
    expect(sys.snapshot().folios).toEqual([{ pfn: 0, order: 2, nid: 0, zone: 'ZONE_NORMAL', refcount: 6, pincount: 2, mapped: 4 }]);
  });
});
