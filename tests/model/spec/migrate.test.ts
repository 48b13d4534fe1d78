import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { folioMigratable } from '../../../model/spec/migrate.js';
import { run, spec } from './helpers.js';

/** nodes 0, 1, 3 with ZONE_NORMAL of 8 pages; node 2 memoryless; task 1 on node 0 with mems [0, 1, 2]. */
const config: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
    { nid: 1, zones: { ZONE_NORMAL: [8, 8] } },
    { nid: 2, zones: {} },
    { nid: 3, zones: { ZONE_NORMAL: [16, 8] } },
  ],
  tasks: [{ tid: 1, nid: 0, mems: [0, 1, 2] }],
};

test('move_pages: argument errors and per-page statuses', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 4 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  const before = s.snapshot();
  expect(
    run(s, [
      { op: 'move_pages', vma: 'v9', index: 0, node: 1 },
      { op: 'move_pages', vma: 'v1', index: 4, node: 1 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 2 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 7 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 3 },
      { op: 'move_pages', vma: 'v1', index: 1, node: 1 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 0 },
    ]),
  ).toEqual([
    { ret: '-EBADF' },
    { ret: '-EFAULT' },
    { ret: '-ENODEV' },
    { ret: '-ENODEV' },
    { ret: '-EACCES' },
    { ret: 0, status: '-ENOENT' },
    { ret: 0, status: 0 },
  ]);
  expect(s.snapshot()).toEqual(before);

  s.drainEvents();
  expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 1 })).toEqual({ ret: 0, status: 1 });
  expect(s.drainEvents()).toEqual([
    { kind: 'expand', fromOrder: 3, toOrder: 0 },
    { kind: 'merge', order: 1 },
    { kind: 'merge', order: 2 },
    { kind: 'merge', order: 3 },
    { kind: 'migrate', reason: 'move_pages', fromZone: 'ZONE_NORMAL', toZone: 'ZONE_NORMAL', remote: true },
  ]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([8, null, null, null]);
  expect(s.snapshot().folios).toEqual([{ pfn: 8, order: 0, nid: 1, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 1 }]);

  // an extra reference: -EBUSY
  run(s, [{ op: 'get_page', vma: 'v1', index: 0 }]);
  s.drainEvents();
  expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 0 })).toEqual({ ret: 0, status: '-EBUSY' });
  expect(s.drainEvents()).toEqual([{ kind: 'migrate-failed', reason: 'move_pages', why: 'refs' }]);
  run(s, [{ op: 'put_page', ref: 'g2' }]);
  expect(s.apply({ op: 'put_page', ref: 'g1' })).toEqual({ ret: 0 });

  // node 0 full: __GFP_THISNODE finds no target, -ENOMEM
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_THISNODE'], order: 3, nid: 0 }]);
  s.drainEvents();
  expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 0 })).toEqual({ ret: 0, status: '-ENOMEM' });
  expect(s.drainEvents()).toEqual([{ kind: 'migrate-failed', reason: 'move_pages', why: 'nomem' }]);
  expect(s.snapshot().vmas[0]!.ptes).toEqual([8, null, null, null]);
});

test('folioMigratable: only mappings may hold references', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 },
  ]);
  const user = s.machine.folios.get(0)!;
  const kernel = s.machine.folios.get(1)!;
  expect(folioMigratable(user)).toBe(true);
  expect(folioMigratable(kernel)).toBe(false);
  run(s, [{ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }]);
  expect(folioMigratable(user)).toBe(false);
});
