// Hotplug, CMA and mempolicy with exact values: offline success / -EBUSY / -EINTR, online (also
// outside the initial span), cma_alloc windows and -EBUSY, interleave, the cpuset rebind and
// move_pages statuses.
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { alloc, boot, EXAMPLE, lists, run, zoneOf } from './helpers.js';

describe('offline_pages', () => {
  test('-EINVAL: unaligned, empty, not present, or across zones', () => {
    const sys = boot(EXAMPLE);
    expect(run(sys, { op: 'offline_pages', startPfn: 33, pages: 2 })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'offline_pages', startPfn: 32, pages: 0 })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'offline_pages', startPfn: 96, pages: 2 })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'offline_pages', startPfn: 30, pages: 4 })).toEqual({ ret: '-EINVAL' });
  });

  test('success: user folios migrate out, the range leaves the zone, the span shrinks', () => {
    const sys = boot(EXAMPLE);
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // 32, 33
    expect(run(sys, { op: 'offline_pages', startPfn: 32, pages: 8 })).toEqual({ ret: 0 });
    // targets: GFP_USER|__GFP_MOVABLE|__GFP_HIGHMEM, preferred node 0, nodemask {1}: node 1 ZONE_NORMAL
    const snap = sys.snapshot();
    expect(snap.vmas[0]!.ptes).toEqual([64, 65]);
    expect(snap.offline).toEqual([{ pfn: 32, nrPages: 8 }]);
    expect(zoneOf(snap, 0, 'ZONE_MOVABLE')).toMatchObject({ startPfn: 40, spannedPages: 24, presentPages: 24, managedPages: 24, nrFreePages: 24, nrFree: [0, 0, 0, 3] });
    expect(snap.memory).toEqual([
      { pfn: 0, nrPages: 32, nid: 0, zone: 'ZONE_NORMAL' },
      { pfn: 40, nrPages: 24, nid: 0, zone: 'ZONE_MOVABLE' },
      { pfn: 64, nrPages: 32, nid: 1, zone: 'ZONE_NORMAL' },
    ]);
    expect(snap.pageblocks.some((b) => b.pfn >= 32 && b.pfn < 40)).toBe(false);
    // offline the rest: the zone stays listed, empty, with a 0/0 span
    expect(run(sys, { op: 'offline_pages', startPfn: 40, pages: 24 })).toEqual({ ret: 0 });
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_MOVABLE')).toMatchObject({ startPfn: 0, spannedPages: 0, presentPages: 0 });
    expect(sys.snapshot().offline).toEqual([{ pfn: 32, nrPages: 32 }]);
  });

  test('-EBUSY: a CMA pageblock, or a kernel folio outside ZONE_MOVABLE; isolation undone', () => {
    const sys = boot(EXAMPLE);
    const before = sys.snapshot();
    expect(run(sys, { op: 'offline_pages', startPfn: 8, pages: 16 })).toEqual({ ret: '-EBUSY' }); // CMA at 16
    // [8,16) was isolated (split) and put back whole, to the list tail
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,24,8', 'CMA o3: 16']);
    expect(sys.snapshot().pageblocks).toEqual(before.pageblocks);
    alloc(sys, ['GFP_KERNEL'], 0); // pfn 0
    expect(run(sys, { op: 'offline_pages', startPfn: 0, pages: 8 })).toEqual({ ret: '-EBUSY' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 1', 'MOVABLE o1: 2', 'MOVABLE o2: 4', 'MOVABLE o3: 24,8', 'CMA o3: 16']); // pageblock 0 refused first: nothing isolated
  });

  test('-EINTR: a folio that cannot migrate (kernel folio in ZONE_MOVABLE, or a pinned user folio)', () => {
    const sys = boot(EXAMPLE);
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 0)).toMatchObject({ pfn: 32, zone: 'ZONE_MOVABLE' });
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'touch', vma: 'v1', index: 0 }); // 33
    expect(run(sys, { op: 'offline_pages', startPfn: 32, pages: 2 })).toEqual({ ret: '-EINTR' });
    // the user folio migrated anyway (to node 1), the range is MOVABLE again and merged to the tail
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([64]);
    expect(sys.snapshot().pageblocks.find((b) => b.pfn === 32)!.migratetype).toBe('MIGRATE_MOVABLE');
    expect(lists(sys, 0, 'ZONE_MOVABLE')).toEqual(['MOVABLE o0: 33', 'MOVABLE o1: 34', 'MOVABLE o2: 36', 'MOVABLE o3: 40,48,56']);
  });
});

describe('online_pages', () => {
  test('-EINVAL for a present range or an unknown node; a new zone is listed and allocatable', () => {
    const sys = boot(EXAMPLE);
    expect(run(sys, { op: 'online_pages', nid: 0, startPfn: 30, pages: 4, type: 'online_movable' })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'online_pages', nid: 7, startPfn: 96, pages: 8, type: 'online_movable' })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'online_pages', nid: 1, startPfn: 96, pages: 12, type: 'online_movable' })).toEqual({ ret: 0 });
    const snap = sys.snapshot();
    expect(snap.zones.map((z) => `${z.nid}:${z.zone}`)).toEqual(['0:ZONE_NORMAL', '0:ZONE_MOVABLE', '1:ZONE_NORMAL', '1:ZONE_MOVABLE']);
    expect(zoneOf(snap, 1, 'ZONE_MOVABLE')).toMatchObject({ startPfn: 96, spannedPages: 12, presentPages: 12, nrFreePages: 12, nrFree: [0, 0, 1, 1] });
    // freed as [96,104) o3 and [104,108) o2: the smallest order wins
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 0, { nid: 1 })).toMatchObject({ pfn: 104, zone: 'ZONE_MOVABLE' });
  });

  test('below the initial span (the map grows and rebases) and merging with free neighbours', () => {
    const sys = boot({ maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [64, 8] } }] });
    expect(alloc(sys, ['GFP_KERNEL'], 0)).toMatchObject({ pfn: 64 });
    expect(run(sys, { op: 'online_pages', nid: 0, startPfn: 0, pages: 4, type: 'online_kernel' })).toEqual({ ret: 0 });
    expect(sys.mm.base).toBe(0);
    expect(run(sys, { op: 'online_pages', nid: 0, startPfn: 72, pages: 2, type: 'online_kernel' })).toEqual({ ret: 0 });
    expect(zoneOf(sys.snapshot(), 0, 'ZONE_NORMAL')).toMatchObject({ startPfn: 0, spannedPages: 74, presentPages: 14 });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o0: 65', 'MOVABLE o1: 66,72', 'MOVABLE o2: 68,0']);
    expect(run(sys, { op: 'free_pages', page: 'k1' })).toEqual({ ret: 0 });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o1: 72', 'MOVABLE o2: 64,68,0']);
  });
});

describe('cma_alloc / cma_release', () => {
  test('windows from the area base; busy windows are skipped; user folios migrate out; -EBUSY', () => {
    const sys = boot(EXAMPLE);
    expect(run(sys, { op: 'cma_alloc', area: 1, count: 1 })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 9 })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 3 })).toEqual({ ret: 0, cma: 'c1', pfn: 16, nid: 0, zone: 'ZONE_NORMAL' });
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 3 })).toEqual({ ret: 0, cma: 'c2', pfn: 19, nid: 0, zone: 'ZONE_NORMAL' });
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 3 })).toEqual({ ret: '-EBUSY' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8,24', 'CMA o1: 22']);
    expect(sys.snapshot().cmaAllocations).toEqual([
      { handle: 'c1', area: 0, pfn: 16, nrPages: 3 },
      { handle: 'c2', area: 0, pfn: 19, nrPages: 3 },
    ]);
    expect(run(sys, { op: 'cma_release', cma: 'c1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'cma_release', cma: 'c1' })).toEqual({ ret: '-EBADF' });
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['MOVABLE o3: 0,8,24', 'CMA o0: 18', 'CMA o1: 16,22']);
  });

  test('user folios migrate out of the window (and stay migrated when it fails); kernel folios fail it', () => {
    const sys = boot({ maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[0, 8]] }] });
    for (let i = 0; i < 8; i++) alloc(sys, ['GFP_KERNEL'], 0); // k1..k8: 8..15, non-CMA
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // CMA 0, 1
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 0)).toMatchObject({ page: 'k9', pfn: 2, migratetype: 'MIGRATE_CMA' });
    run(sys, { op: 'free_pages', page: 'k8' }); // 15
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 2)).toMatchObject({ page: 'k10', pfn: 4 });
    expect(alloc(sys, ['GFP_HIGHUSER_MOVABLE'], 0)).toMatchObject({ page: 'k11', pfn: 15 });
    // [0,2): 0 migrates to 3 (the only free CMA page outside the isolated pageblock), 1 finds no
    // target; [2,4) and [4,6), [6,8): kernel folios
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 2 })).toEqual({ ret: '-EBUSY' });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([3, 1]);
    run(sys, { op: 'free_pages', page: 'k10' });
    expect(run(sys, { op: 'cma_alloc', area: 0, count: 2 })).toEqual({ ret: 0, cma: 'c1', pfn: 0, nid: 0, zone: 'ZONE_NORMAL' });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([3, 4]);
    expect(lists(sys, 0, 'ZONE_NORMAL')).toEqual(['CMA o0: 5', 'CMA o1: 6']);
    expect(sys.snapshot().handles.map((h) => h.handle)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'v1', 'k9', 'k11', 'c1']);
  });
});

const TWO_NODES: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 16] } },
    { nid: 1, zones: { ZONE_NORMAL: [16, 16] } },
    { nid: 2, zones: {} },
  ],
  tasks: [{ tid: 1, nid: 0 }],
};

describe('mempolicy', () => {
  test('mpol_new checks and the masked nodes', () => {
    const sys = boot(TWO_NODES);
    const set = (mode: string, nodes?: number[]) => run(sys, { op: 'set_mempolicy', task: 1, mode, ...(nodes ? { nodes } : {}) });
    expect(set('MPOL_WEIRD')).toEqual({ ret: '-EINVAL' });
    expect(set('MPOL_DEFAULT', [0])).toEqual({ ret: '-EINVAL' });
    expect(set('MPOL_LOCAL', [0])).toEqual({ ret: '-EINVAL' });
    expect(set('MPOL_BIND')).toEqual({ ret: '-EINVAL' });
    expect(set('MPOL_BIND', [2])).toEqual({ ret: '-EINVAL' }); // node 2 has no memory
    expect(set('MPOL_BIND', [1024])).toEqual({ ret: '-EINVAL' });
    expect(set('MPOL_PREFERRED')).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false });
    expect(set('MPOL_PREFERRED', [1, 0])).toEqual({ ret: 0 }); // mpol_new_preferred keeps the first node
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_PREFERRED', nodes: [0], cpusetMems: [0, 1, 2], private: false });
    expect(set('MPOL_INTERLEAVE', [5, 1, 2, 0, 1])).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toEqual({ mode: 'MPOL_INTERLEAVE', nodes: [0, 1], cpusetMems: [0, 1, 2], private: false });
    expect(set('MPOL_DEFAULT')).toEqual({ ret: 0 });
    expect(sys.snapshot().tasks[0]!.policy).toBeNull();
  });

  test('interleave: a per-task cursor over the mask, for VMA policies too; set_mempolicy resets it', () => {
    const sys = boot(TWO_NODES);
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_INTERLEAVE', nodes: [0, 1] });
    run(sys, { op: 'mmap', task: 1, pages: 3 });
    const r = run(sys, { op: 'touch', vma: 'v1', index: 0, count: 3 });
    expect((r.pages as { nid: number }[]).map((p) => p.nid)).toEqual([0, 1, 0]);
    expect(sys.snapshot().tasks[0]!.ilPrev).toBe(0);
    run(sys, { op: 'mmap', task: 1, pages: 1 });
    run(sys, { op: 'mbind', vma: 'v2', mode: 'MPOL_INTERLEAVE', nodes: [0, 1] });
    expect(run(sys, { op: 'touch', vma: 'v2', index: 0 })).toMatchObject({ pages: [{ nid: 1 }] });
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1] });
    expect(sys.snapshot().tasks[0]!.ilPrev).toBe(-1);
  });

  test('set_cpuset_mems rebinds with nodes_remap; mbind MOVE migrates, STRICT reports what stays', () => {
    const sys = boot(TWO_NODES);
    run(sys, { op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [1] });
    run(sys, { op: 'mmap', task: 1, pages: 2 });
    run(sys, { op: 'mbind', vma: 'v1', mode: 'MPOL_PREFERRED', nodes: [0] });
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [] })).toEqual({ ret: '-EINVAL' });
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [9] })).toEqual({ ret: '-EINVAL' });
    // old cpuset [0,1,2] → new [2,1]: position 1 (node 1) → new[1 % 2] = 2; node 0 → 1
    expect(run(sys, { op: 'set_cpuset_mems', task: 1, nodes: [2, 1] })).toEqual({ ret: 0 });
    const snap = sys.snapshot();
    expect(snap.tasks[0]).toEqual({ tid: 1, nid: 0, mems: [1, 2], policy: { mode: 'MPOL_BIND', nodes: [2], cpusetMems: [1, 2], private: false }, ilPrev: -1 });
    // mpol_rebind_preferred: the node stays, only the cpuset it is relative to changes
    expect(snap.vmas[0]!.policy).toEqual({ mode: 'MPOL_PREFERRED', nodes: [0], cpusetMems: [1, 2], private: false });

    const s2 = boot(TWO_NODES);
    run(s2, { op: 'mmap', task: 1, pages: 2 });
    run(s2, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // node 0: 0, 1
    run(s2, { op: 'get_page', vma: 'v1', index: 1 });
    expect(run(s2, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_BOGUS'] })).toEqual({ ret: '-EINVAL' });
    expect(run(s2, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_STRICT'] })).toEqual({ ret: '-EIO' });
    expect(run(s2, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_MOVE', 'MPOL_MF_STRICT'] })).toEqual({ ret: '-EIO' });
    expect(s2.snapshot().vmas[0]!.ptes).toEqual([16, 1]); // page 1 has a get: it stays
    run(s2, { op: 'put_page', ref: 'g1' });
    expect(run(s2, { op: 'mbind', vma: 'v1', mode: 'MPOL_BIND', nodes: [1], flags: ['MPOL_MF_MOVE_ALL', 'MPOL_MF_STRICT'] })).toEqual({ ret: 0 });
    expect(s2.snapshot().vmas[0]!.ptes).toEqual([16, 17]);
  });

  test('move_pages statuses', () => {
    const sys = boot({ ...TWO_NODES, tasks: [{ tid: 1, nid: 0, mems: [0, 1] }, { tid: 2, nid: 0, mems: [0] }] });
    run(sys, { op: 'mmap', task: 1, pages: 3 });
    run(sys, { op: 'touch', vma: 'v1', index: 0, count: 2 }); // 0, 1
    const mv = (index: number, node: number, vma = 'v1') => run(sys, { op: 'move_pages', vma, index, node });
    expect(mv(3, 1)).toEqual({ ret: '-EFAULT' });
    expect(mv(0, 2)).toEqual({ ret: '-ENODEV' });
    expect(mv(0, 7)).toEqual({ ret: '-ENODEV' });
    expect(mv(2, 1)).toEqual({ ret: 0, status: '-ENOENT' });
    expect(mv(0, 0)).toEqual({ ret: 0, status: 0 });
    expect(mv(0, 1)).toEqual({ ret: 0, status: 1 });
    run(sys, { op: 'get_page', vma: 'v1', index: 1 });
    expect(mv(1, 1)).toEqual({ ret: 0, status: '-EBUSY' });
    expect(sys.snapshot().vmas[0]!.ptes).toEqual([16, 1, null]);
    run(sys, { op: 'mmap', task: 2, pages: 1 });
    run(sys, { op: 'touch', vma: 'v2', index: 0 });
    expect(mv(0, 1, 'v2')).toEqual({ ret: '-EACCES' });
    for (let i = 0; i < 15; i++) alloc(sys, ['GFP_KERNEL'], 0, { nid: 1, nodemask: [1] });
    run(sys, { op: 'put_page', ref: 'g1' });
    expect(mv(1, 1)).toEqual({ ret: 0, status: '-ENOMEM' });
  });
});
