import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { foliosOverlapping } from '../../../model/spec/hotplug.js';
import { lists, run, spec, zoneOf } from './helpers.js';

/** node 0: ZONE_NORMAL [0,8) with CMA [4,8), ZONE_MOVABLE [8,16); node 1: ZONE_NORMAL [16,24). */
const config: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] }, cma: [[4, 4]] },
    { nid: 1, zones: { ZONE_NORMAL: [16, 8] } },
  ],
};

test('offline success: the folio migrates to the other node, the range leaves its zone', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 }, // pfn 8, ZONE_MOVABLE
  ]);
  s.drainEvents();
  expect(s.apply({ op: 'offline_pages', startPfn: 8, pages: 4 })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([
    { kind: 'expand', fromOrder: 2, toOrder: 0 },
    { kind: 'remote-node' },
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'migrate', reason: 'offline', fromZone: 'ZONE_MOVABLE', toZone: 'ZONE_NORMAL', remote: true },
  ]);
  const snap = s.snapshot();
  expect(snap.vmas[0]!.ptes).toEqual([16]);
  expect(snap.zones[1]).toMatchObject({
    nid: 0,
    zone: 'ZONE_MOVABLE',
    startPfn: 12,
    spannedPages: 4,
    presentPages: 4,
    managedPages: 4,
    nrFreePages: 4,
    nrFree: [0, 0, 1],
  });
  expect(lists(zoneOf(s, 0, 'ZONE_MOVABLE'), 'MIGRATE_ISOLATE')).toEqual([[], [], []]);
  expect(snap.pageblocks.map((b) => b.pfn)).toEqual([0, 2, 4, 6, 12, 14, 16, 18, 20, 22]);
  expect(snap.offline).toEqual([{ pfn: 8, nrPages: 4 }]);
  expect(snap.memory).toEqual([
    { pfn: 0, nrPages: 8, nid: 0, zone: 'ZONE_NORMAL' },
    { pfn: 12, nrPages: 4, nid: 0, zone: 'ZONE_MOVABLE' },
    { pfn: 16, nrPages: 8, nid: 1, zone: 'ZONE_NORMAL' },
  ]);
  // offlining the rest empties the zone: span 0/0, still listed
  expect(s.apply({ op: 'offline_pages', startPfn: 12, pages: 4 })).toEqual({ ret: 0 });
  expect(s.snapshot().zones[1]).toMatchObject({ startPfn: 0, spannedPages: 0, presentPages: 0, managedPages: 0, nrFreePages: 0 });
  expect(s.snapshot().offline).toEqual([{ pfn: 8, nrPages: 8 }]);
  // offline ranges are not present any more
  expect(s.apply({ op: 'offline_pages', startPfn: 8, pages: 2 })).toEqual({ ret: '-EINVAL' });
});

test('offline -EINVAL: alignment, holes, several zones', () => {
  const s = spec(config);
  const before = s.snapshot();
  expect(
    run(s, [
      { op: 'offline_pages', startPfn: 1, pages: 2 },
      { op: 'offline_pages', startPfn: 0, pages: 3 },
      { op: 'offline_pages', startPfn: 0, pages: 0 },
      { op: 'offline_pages', startPfn: 6, pages: 4 },
      { op: 'offline_pages', startPfn: 24, pages: 2 },
      { op: 'offline_pages', startPfn: 14, pages: 4 },
    ]),
  ).toEqual(Array(6).fill({ ret: '-EINVAL' }));
  expect(s.snapshot()).toEqual(before);
});

test('offline -EBUSY: a CMA pageblock, or a kernel folio outside ZONE_MOVABLE; nothing changes', () => {
  const s = spec(config);
  const before = s.snapshot();
  s.drainEvents();
  expect(s.apply({ op: 'offline_pages', startPfn: 0, pages: 8 })).toEqual({ ret: '-EBUSY' });
  expect(s.drainEvents()).toEqual([
    { kind: 'merge-gate-stop' },
    { kind: 'isolate-failed', why: 'cma' },
    { kind: 'merge', order: 2 },
  ]);
  expect(s.snapshot()).toEqual(before);

  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0, nid: 1 }]); // pfn 16
  const withKernel = s.snapshot();
  s.drainEvents();
  expect(s.apply({ op: 'offline_pages', startPfn: 16, pages: 8 })).toEqual({ ret: '-EBUSY' });
  expect(s.drainEvents()).toEqual([{ kind: 'isolate-failed', why: 'unmovable' }]);
  expect(s.snapshot()).toEqual(withKernel);
  // the pageblocks after it are fine
  expect(s.apply({ op: 'offline_pages', startPfn: 18, pages: 6 })).toEqual({ ret: 0 });
});

test('offline -EINTR: a kernel folio or a pinned folio in ZONE_MOVABLE; pageblocks back to MOVABLE', () => {
  const s = spec(config);
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 }]); // kernel folio at 8
  const before = s.snapshot();
  s.drainEvents();
  expect(s.apply({ op: 'offline_pages', startPfn: 8, pages: 4 })).toEqual({ ret: '-EINTR' });
  expect(s.drainEvents()).toEqual([{ kind: 'migrate-failed', reason: 'offline', why: 'refs' }]);
  expect(s.snapshot()).toEqual(before);

  const p = spec(config);
  run(p, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0, count: 2 }, // 8, 9
    { op: 'pin_user_pages', vma: 'v1', index: 1, nr: 1, gup_flags: [] },
  ]);
  p.drainEvents();
  expect(p.apply({ op: 'offline_pages', startPfn: 8, pages: 8 })).toEqual({ ret: '-EINTR' });
  // page 0 migrated to node 1 and stays there; page 1 is pinned in place
  expect(p.snapshot().vmas[0]!.ptes).toEqual([16, 9]);
  expect(p.snapshot().pageblocks.filter((b) => b.pfn >= 8 && b.pfn < 16)).toEqual([
    { pfn: 8, migratetype: 'MIGRATE_MOVABLE' },
    { pfn: 10, migratetype: 'MIGRATE_MOVABLE' },
    { pfn: 12, migratetype: 'MIGRATE_MOVABLE' },
    { pfn: 14, migratetype: 'MIGRATE_MOVABLE' },
  ]);
  expect(lists(zoneOf(p, 0, 'ZONE_MOVABLE'), 'MIGRATE_MOVABLE')).toEqual([[8], [10], [12]]);
  expect(p.snapshot().zones[1]).toMatchObject({ nrFreePages: 7, presentPages: 8 });
  // unpinned, the range goes offline
  run(p, [{ op: 'unpin_user_pages', pin: 'u1' }]);
  expect(p.apply({ op: 'offline_pages', startPfn: 8, pages: 8 })).toEqual({ ret: 0 });
  expect(p.snapshot().vmas[0]!.ptes).toEqual([16, 17]);
});

test('online_movable merges with a free neighbour; online_kernel; argument checks', () => {
  const s = spec(config);
  expect(s.apply({ op: 'offline_pages', startPfn: 10, pages: 2 })).toEqual({ ret: 0 });
  expect(s.snapshot().zones[1]).toMatchObject({ startPfn: 8, spannedPages: 8, presentPages: 6 });
  expect(lists(zoneOf(s, 0, 'ZONE_MOVABLE'), 'MIGRATE_MOVABLE')).toEqual([[], [8], [12]]);
  expect(
    run(s, [
      { op: 'online_pages', nid: 0, startPfn: 8, pages: 4, type: 'online_movable' }, // 8 is present
      { op: 'online_pages', nid: 0, startPfn: 10, pages: 1, type: 'online_movable' },
      { op: 'online_pages', nid: 5, startPfn: 10, pages: 2, type: 'online_movable' },
      { op: 'online_pages', nid: 0, startPfn: 10, pages: 2, type: 'online' as 'online_kernel' },
      { op: 'online_pages', nid: 0, startPfn: -2, pages: 2, type: 'online_movable' }, // aligned, but below pfn 0
      { op: 'online_pages', nid: 0, startPfn: 10.5, pages: 2, type: 'online_movable' },
      { op: 'online_pages', nid: 0, startPfn: 10, pages: 2.5, type: 'online_movable' },
      { op: 'online_pages', nid: 0, startPfn: NaN, pages: 2, type: 'online_movable' },
      { op: 'online_pages', nid: 0, startPfn: 10, pages: Infinity, type: 'online_movable' },
    ]),
  ).toEqual(Array(9).fill({ ret: '-EINVAL' }));
  s.drainEvents();
  expect(s.apply({ op: 'online_pages', nid: 0, startPfn: 10, pages: 2, type: 'online_movable' })).toEqual({ ret: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'merge', order: 2 }]);
  expect(lists(zoneOf(s, 0, 'ZONE_MOVABLE'), 'MIGRATE_MOVABLE')).toEqual([[], [], [12, 8]]);
  expect(s.snapshot().zones[1]).toMatchObject({ startPfn: 8, spannedPages: 8, presentPages: 8, managedPages: 8, nrFreePages: 8 });
  expect(s.snapshot().offline).toEqual([]);

  // online_kernel onto a node without ZONE_NORMAL creates the zone; zones stay in (node, zone) order
  expect(s.apply({ op: 'online_pages', nid: 1, startPfn: 32, pages: 4, type: 'online_movable' })).toEqual({ ret: 0 });
  expect(s.apply({ op: 'online_pages', nid: 0, startPfn: 24, pages: 6, type: 'online_kernel' })).toEqual({ ret: 0 });
  const snap = s.snapshot();
  expect(snap.zones.map((z) => [z.nid, z.zone, z.startPfn, z.spannedPages, z.presentPages])).toEqual([
    [0, 'ZONE_NORMAL', 0, 30, 14],
    [0, 'ZONE_MOVABLE', 8, 8, 8],
    [1, 'ZONE_NORMAL', 16, 8, 8],
    [1, 'ZONE_MOVABLE', 32, 4, 4],
  ]);
  expect(lists(zoneOf(s, 0, 'ZONE_NORMAL'), 'MIGRATE_MOVABLE')).toEqual([[], [28], [0, 24]]);
  expect(snap.memory).toEqual([
    { pfn: 0, nrPages: 8, nid: 0, zone: 'ZONE_NORMAL' },
    { pfn: 8, nrPages: 8, nid: 0, zone: 'ZONE_MOVABLE' },
    { pfn: 16, nrPages: 8, nid: 1, zone: 'ZONE_NORMAL' },
    { pfn: 24, nrPages: 6, nid: 0, zone: 'ZONE_NORMAL' },
    { pfn: 32, nrPages: 4, nid: 1, zone: 'ZONE_MOVABLE' },
  ]);
  // the new zone is in node 1's zonelist: a movable allocation on node 1 lands there first
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0, nid: 1 })).toMatchObject({ pfn: 32, zone: 'ZONE_MOVABLE' });
});

test('offline migrates the folios in ascending pfn order (do_migrate_range walks the pfns), not in allocation order', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 }, // 8
    { op: 'touch', vma: 'v2', index: 0 }, // 9
    { op: 'munmap', vma: 'v1' },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v3', index: 0 }, // 8 again, allocated after 9
  ]);
  expect([...s.machine.folios.keys()]).toEqual([9, 8]);
  expect(foliosOverlapping(s.machine, 8, 12).map((f) => f.pfn)).toEqual([8, 9]);
  expect(foliosOverlapping(s.machine, 9, 10).map((f) => f.pfn)).toEqual([9]);
  expect(s.apply({ op: 'offline_pages', startPfn: 8, pages: 4 })).toEqual({ ret: 0 });
  // pfn 8 (v3) moved first, to node 1's first free page
  expect(s.snapshot().vmas.map((v) => [v.handle, v.ptes])).toEqual([
    ['v2', [17]],
    ['v3', [16]],
  ]);
});
