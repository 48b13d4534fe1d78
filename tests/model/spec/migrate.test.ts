import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { INT_MAX } from '../../../model/spec/folio.js';
import {
  alloc_migration_target,
  folioMigratable,
  kernelContext,
  migrate_folio,
  node_private_migrate_to,
  type MigrationTarget,
} from '../../../model/spec/migrate.js';
import { createSpecSystem } from '../../../model/spec/system.js';
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
      { op: 'move_pages', vma: 'v1', index: -1, node: 1 },
      { op: 'move_pages', vma: 'v1', index: 0.5, node: 1 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 2 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 7 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 3 },
      { op: 'move_pages', vma: 'v1', index: 1, node: 1 },
      { op: 'move_pages', vma: 'v1', index: 0, node: 0 },
    ]),
  ).toEqual([
    { ret: '-EBADF' },
    { ret: '-EFAULT' },
    { ret: '-EFAULT' },
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

/** A user page faulted at pfn 0 and a kernel order-0 folio at pfn 1. */
function userAndKernelFolio() {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 },
  ]);
  return { s, user: s.machine.folios.get(0)!, kernel: s.machine.folios.get(1)! };
}

test('folioMigratable: only mappings may hold references', () => {
  const { s, user, kernel } = userAndKernelFolio();
  expect(folioMigratable(user)).toBe(true);
  expect(folioMigratable(kernel)).toBe(false);
  run(s, [{ op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: [] }]);
  expect(folioMigratable(user)).toBe(false);
});

test('migrate_folio: the refusals in order, each with its outcome and event; no target is chosen before them', () => {
  const { s, user, kernel } = userAndKernelFolio();
  const node1 = s.machine.nodes[1]!;
  const task = s.machine.tasks[0]!;
  let asked = 0;
  const to = (mtc: MigrationTarget | undefined) => () => {
    asked += 1;
    return mtc;
  };
  s.drainEvents();
  const before = s.snapshot();

  // extra references (a kernel folio is not mapped at all): -EBUSY before any target
  expect(migrate_folio(s.machine, kernel, 'cma', to({ task, gfp: 0x100cca, preferred: node1, nodemask: undefined }))).toEqual({ ok: false, why: 'refs' });
  expect(asked).toBe(0);
  // the target callback has no node to offer (an empty policy mask): no memory
  expect(migrate_folio(s.machine, user, 'mbind', to(undefined))).toEqual({ ok: false, why: 'nomem' });
  // a target whose nodemask holds only the memoryless node 2: no memory either
  expect(migrate_folio(s.machine, user, 'offline', to({ task, gfp: 0x100cca, preferred: node1, nodemask: new Set([2]) }))).toEqual({ ok: false, why: 'nomem' });
  expect(asked).toBe(2);
  expect(s.drainEvents()).toEqual([
    { kind: 'migrate-failed', reason: 'cma', why: 'refs' },
    { kind: 'migrate-failed', reason: 'mbind', why: 'nomem' },
    { kind: 'migrate-failed', reason: 'offline', why: 'nomem' },
  ]);
  expect(s.snapshot()).toEqual(before);

  // node_private_migrate_to on a node that is not private: there is no driver, -ENODEV
  expect(node_private_migrate_to(s.machine, user, node1, task)).toBe('-ENODEV');
  expect(s.snapshot()).toEqual(before);
});

test('migrate_folio on a private node without NP_OPS_MIGRATION: refused before the reference check', () => {
  const s = createSpecSystem(
    {
      maxOrder: 1,
      pageblockOrder: 1,
      nodes: [
        { nid: 0, zones: { ZONE_NORMAL: [0, 4] } },
        { nid: 1, zones: { ZONE_NORMAL: [4, 4] }, private: { flags: [], callbacks: [] } },
      ],
    },
    PROFILES['private-nodes-v4'],
  );
  run(s, [{ op: 'alloc_pages', gfp: ['GFP_KERNEL', 'GFP_PRIVATE'], order: 0, nid: 1 }]);
  const kernel = s.machine.folios.get(4)!;
  s.drainEvents();
  let asked = 0;
  const outcome = migrate_folio(s.machine, kernel, 'offline', () => {
    asked += 1;
    return undefined;
  });
  expect(outcome).toEqual({ ok: false, why: 'private' });
  expect(asked).toBe(0);
  expect(s.drainEvents()).toEqual([{ kind: 'private-migrate-refused', reason: 'offline' }]);
});

test('a wrapped reference count: the folio migrates, only its mappings follow, the gets die with the source', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  // 2^31 - 1 + 2^31 - 1 + 2 = 2^32 extra references: _refcount wraps back to the one mapping
  expect(
    run(s, [
      { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX },
      { op: 'get_page', vma: 'v1', index: 0, times: INT_MAX },
      { op: 'get_page', vma: 'v1', index: 0, times: 2 },
    ]).map((r) => r.ret),
  ).toEqual([0, 0, 0]);
  expect(s.snapshot().folios).toEqual([{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 1 }]);
  expect(s.apply({ op: 'move_pages', vma: 'v1', index: 0, node: 1 })).toEqual({ ret: 0, status: 1 });
  expect(s.holders()).toEqual([{ pfn: 8, order: 0, kernel: 0, mapped: 1, gets: 0, pins: 0, longtermPins: 0, placement: { path: 'move_pages', gfp: 0x300cca } }]);
  expect(run(s, [{ op: 'put_page', ref: 'g1' }, { op: 'put_page', ref: 'g3' }])).toEqual([{ ret: '-EBADF' }, { ret: '-EBADF' }]);

  // the target is a user folio (prep_new_page user = true): an offline of node 1's ZONE_NORMAL
  // migrates it again instead of finding an unmovable page
  s.drainEvents();
  expect(s.apply({ op: 'offline_pages', startPfn: 8, pages: 8 })).toEqual({ ret: 0 });
  expect(s.snapshot().vmas[0]!.ptes).toEqual([0]);
});

test('alloc_migration_target: the task context applies (pin scope strips __GFP_MOVABLE) unless withoutTaskContext', () => {
  const s = spec(config);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
  ]);
  const source = s.machine.folios.get(0)!;
  const task = { ...kernelContext(s.machine), flags: new Set(['PF_MEMALLOC_PIN'] as const) };
  const mtc: MigrationTarget = { task, gfp: 0x100cca, preferred: s.machine.nodes[1]!, nodemask: undefined };
  expect(alloc_migration_target(s.machine, source, mtc)).toMatchObject({ pfn: 8, gfp: 0x100cc2 });
  expect(alloc_migration_target(s.machine, source, { ...mtc, withoutTaskContext: true })).toMatchObject({ pfn: 9, gfp: 0x100cca });
  expect(alloc_migration_target(s.machine, source, { ...mtc, withoutTaskContext: false })).toMatchObject({ pfn: 10, gfp: 0x100cc2 });
});

test('kernelContext: tid 0 on the first configured node (0 without nodes), every node allowed, no policy', () => {
  const s = spec({ ...config, nodes: [config.nodes[3]!, config.nodes[0]!] });
  expect(kernelContext(s.machine)).toEqual({ tid: 0, nid: 3, mems: new Set([3, 0]), flags: new Set(), mempolicy: null, il_prev: -1 });
  const empty = spec({ maxOrder: 0, pageblockOrder: 0, nodes: [] });
  expect(kernelContext(empty.machine)).toEqual({ tid: 0, nid: 0, mems: new Set(), flags: new Set(), mempolicy: null, il_prev: -1 });
});
