import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { alloc_contig_range } from '../../../model/spec/cma.js';
import { lists, run, spec, zoneOf } from './helpers.js';

/** node 0: ZONE_NORMAL [0,16) with CMA area 0 = [8,16); node 1: ZONE_NORMAL [16,20) with CMA area 1 = [16,20). */
const config: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[8, 8]] },
    { nid: 1, zones: { ZONE_NORMAL: [16, 4] }, cma: [[16, 4]] },
  ],
};

test('cma_alloc argument checks', () => {
  const s = spec(config);
  expect(
    run(s, [
      { op: 'cma_alloc', area: 2, count: 1 },
      { op: 'cma_alloc', area: 0, count: 0 },
      { op: 'cma_alloc', area: 0, count: 9 },
      { op: 'cma_alloc', area: 1, count: 5 },
      { op: 'cma_release', cma: 'c1' },
    ]),
  ).toEqual([{ ret: '-EINVAL' }, { ret: '-EINVAL' }, { ret: '-EINVAL' }, { ret: '-EINVAL' }, { ret: '-EBADF' }]);
});

test('windows are count-aligned, skip live allocations, and cma_release gives the pages back', () => {
  const s = spec(config);
  const zone = zoneOf(s, 0, 'ZONE_NORMAL');
  expect(s.apply({ op: 'cma_alloc', area: 0, count: 2 })).toEqual({ ret: 0, cma: 'c1', pfn: 8, nid: 0, zone: 'ZONE_NORMAL' });
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[], [10], [12]]);
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 14, nrFreeCmaPages: 6 });
  expect(s.apply({ op: 'cma_alloc', area: 0, count: 2 })).toMatchObject({ ret: 0, cma: 'c2', pfn: 10 });
  expect(s.apply({ op: 'cma_alloc', area: 1, count: 4 })).toEqual({ ret: 0, cma: 'c3', pfn: 16, nid: 1, zone: 'ZONE_NORMAL' });
  expect(s.snapshot().cmaAllocations).toEqual([
    { handle: 'c1', area: 0, pfn: 8, nrPages: 2 },
    { handle: 'c2', area: 0, pfn: 10, nrPages: 2 },
    { handle: 'c3', area: 1, pfn: 16, nrPages: 4 },
  ]);
  expect(s.snapshot().handles).toEqual([
    { handle: 'c1', pfns: [8] },
    { handle: 'c2', pfns: [10] },
    { handle: 'c3', pfns: [16] },
  ]);
  expect(s.snapshot().folios).toEqual([]);
  s.drainEvents();
  expect(s.apply({ op: 'cma_release', cma: 'c1' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'merge', order: 1 }]);
  expect(lists(zone, 'MIGRATE_CMA')).toEqual([[], [8], [12]]);
  expect(s.apply({ op: 'cma_release', cma: 'c1' })).toEqual({ ret: '-EBADF' });
  expect(s.apply({ op: 'cma_alloc', area: 0, count: 2 })).toMatchObject({ cma: 'c4', pfn: 8 });
  expect(s.apply({ op: 'cma_alloc', area: 1, count: 1 })).toEqual({ ret: '-EBUSY' });
});

test('a window smaller than a pageblock: the free block sticking out is split and given back', () => {
  const s = spec(config);
  expect(s.apply({ op: 'cma_alloc', area: 0, count: 1 })).toMatchObject({ ret: 0, pfn: 8 });
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_CMA')).toEqual([[9], [10], [12]]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_ISOLATE')).toEqual([[], [], []]);
  expect(s.snapshot().pageblocks.find((b) => b.pfn === 8)).toEqual({ pfn: 8, migratetype: 'MIGRATE_CMA' });
  expect(s.apply({ op: 'cma_alloc', area: 0, count: 1 })).toMatchObject({ ret: 0, pfn: 9 });
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_CMA')).toEqual([[], [10], [12]]);
});

test('cma_alloc migrates a user folio out of the window', () => {
  const s = spec(config);
  run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 }, // 0
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 }, // 4: no MOVABLE memory left on node 0
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 }, // CMA, pfn 8
  ]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([8]);
  s.drainEvents();
  expect(s.apply({ op: 'cma_alloc', area: 0, count: 2 })).toEqual({ ret: 0, cma: 'c1', pfn: 8, nid: 0, zone: 'ZONE_NORMAL' });
  expect(s.drainEvents()).toEqual([
    { kind: 'expand', fromOrder: 1, toOrder: 0 },
    { kind: 'cma-alloc' },
    { kind: 'merge', order: 1 },
    { kind: 'migrate', reason: 'cma', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: false },
  ]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([10]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_CMA')).toEqual([[11], [], [12]]);
});

test('cma_alloc -EBUSY: a pinned user folio or a kernel folio in every window', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 }, // pfn 0, outside CMA
    { op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_MOVABLE'], order: 0, nid: 1 }, // 16, in area 1
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'cma_alloc', area: 1, count: 4 })).toEqual({ ret: '-EBUSY' });
  expect(s.drainEvents()).toEqual([{ kind: 'isolate-failed', why: 'unmovable' }]);
  // a window that avoids the kernel folio's pageblock succeeds
  expect(s.apply({ op: 'cma_alloc', area: 1, count: 2 })).toMatchObject({ ret: 0, pfn: 18 });

  const p = withPinnedCmaFolio();
  const before = p.snapshot();
  p.drainEvents();
  expect(p.apply({ op: 'cma_alloc', area: 0, count: 8 })).toEqual({ ret: '-EBUSY' });
  expect(p.drainEvents().filter((e) => e.kind === 'migrate-failed')).toEqual([{ kind: 'migrate-failed', reason: 'cma', why: 'refs' }]);
  expect(p.snapshot()).toEqual(before);
});

/** Two kernel order-2 folios, then a user page faulted into CMA pfn 8 and pinned (FOLL_PIN). */
function withPinnedCmaFolio() {
  const p = spec(config);
  run(p, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 },
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 }, // CMA 8
    { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] },
  ]);
  return p;
}

test('alloc_contig_range: 0 when the window is cleared, -EBUSY for a pinned user folio or a kernel folio', () => {
  const p = withPinnedCmaFolio();
  const before = p.snapshot();
  expect(alloc_contig_range(p.machine, 8, 10)).toBe('-EBUSY'); // the migration fails
  expect(p.snapshot()).toEqual(before);
  expect(alloc_contig_range(p.machine, 10, 12)).toBe(0);
  expect(lists(zoneOf(p, 0, 'ZONE_NORMAL'), 'MIGRATE_CMA')).toEqual([[9], [], [12]]);
  expect(alloc_contig_range(p.machine, 0, 2)).toBe('-EBUSY'); // the isolation fails
});

test('alloc_contig_range gives back the part of a free block before the window', () => {
  const s = spec(config);
  expect(alloc_contig_range(s.machine, 9, 10)).toBe(0); // [8,10) after the isolation split: 8 comes back
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_CMA')).toEqual([[8], [10], [12]]);
  expect(s.snapshot().zones[0]).toMatchObject({ nrFreePages: 15, nrFreeCmaPages: 7 });
});
