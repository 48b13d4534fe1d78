import { test, expect } from 'vitest';
import type { MachineConfig, OpResult } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { __alloc_pages, prepare_alloc_pages } from '../../../model/spec/alloc.js';
import { findNode } from '../../../model/spec/machine.js';
import { createSpecSystem } from '../../../model/spec/system.js';
import { allocPfn, oneZone, spec, zoneOf } from './helpers.js';

/** maxOrder 3, pageblockOrder 1: ZONE_NORMAL [0,16) with CMA [8,16), ZONE_MOVABLE [16,24). */
const CMA_MACHINE: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16], ZONE_MOVABLE: [16, 8] }, cma: [[8, 8]] }],
};

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Allocate order-0 pages until -ENOMEM; returns the results. */
function exhaust(gfp: string[], setup?: (s: ReturnType<typeof spec>) => void): OpResult[] {
  const s = spec(CMA_MACHINE);
  setup?.(s);
  const out: OpResult[] = [];
  for (;;) {
    const r = s.apply({ op: 'alloc_pages', gfp, order: 0 });
    out.push(r);
    if (typeof r.ret === 'string') return out;
  }
}

const pfns = (rs: OpResult[]) => rs.map((r) => ('pfn' in r ? r.pfn : r.ret));

test('prepare_alloc_pages: ALLOC_CMA iff the migratetype is MOVABLE', () => {
  const s = spec(CMA_MACHINE);
  const node = findNode(s.machine, 0)!;
  expect(prepare_alloc_pages(0x100cca, node, undefined)).toMatchObject({
    highest_zoneidx: 3,
    migratetype: 'MIGRATE_MOVABLE',
    alloc_cma: true,
  });
  expect(prepare_alloc_pages(0xcc8, node, undefined)).toMatchObject({ highest_zoneidx: 2, alloc_cma: true });
  expect(prepare_alloc_pages(0xcc0, node, undefined)).toMatchObject({ migratetype: 'MIGRATE_UNMOVABLE', alloc_cma: false });
  expect(prepare_alloc_pages(0xcd0, node, undefined)).toMatchObject({ migratetype: 'MIGRATE_RECLAIMABLE', alloc_cma: false });
});

test('GFP_KERNEL never gets a CMA pfn', () => {
  const rs = exhaust(['GFP_KERNEL']);
  expect(pfns(rs)).toEqual([...range(0, 8), '-ENOMEM']);
  // the pages come from MOVABLE pageblocks via fallback; the result reports the pageblock type
  expect(rs[0]).toEqual({ ret: 0, page: 'k1', pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migratetype: 'MIGRATE_MOVABLE' });
});

test('GFP_HIGHUSER (not movable) never gets a CMA pfn or ZONE_MOVABLE', () => {
  expect(pfns(exhaust(['GFP_HIGHUSER']))).toEqual([...range(0, 8), '-ENOMEM']);
});

test('GFP_HIGHUSER_MOVABLE: ZONE_MOVABLE, then ZONE_NORMAL non-CMA, then CMA', () => {
  const rs = exhaust(['GFP_HIGHUSER_MOVABLE']);
  expect(pfns(rs)).toEqual([...range(16, 24), ...range(0, 8), ...range(8, 16), '-ENOMEM']);
  expect(rs[16]).toEqual({ ret: 0, page: 'k17', pfn: 8, nid: 0, zone: 'ZONE_NORMAL', migratetype: 'MIGRATE_CMA' });
});

test('cma-alloc is reported exactly when a CMA list served', () => {
  const s = spec(CMA_MACHINE);
  for (let i = 0; i < 16; i++) s.apply({ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 });
  expect(s.drainEvents().filter((e) => e.kind === 'cma-alloc')).toEqual([]);
  s.apply({ op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 });
  expect(s.drainEvents()).toEqual([{ kind: 'expand', fromOrder: 3, toOrder: 0 }, { kind: 'cma-alloc' }]);
});

test('GFP_KERNEL|__GFP_MOVABLE stops at ZONE_NORMAL but may use CMA there', () => {
  expect(pfns(exhaust(['GFP_KERNEL', '__GFP_MOVABLE']))).toEqual([...range(0, 8), ...range(8, 16), '-ENOMEM']);
});

test('inside a pin scope GFP_HIGHUSER_MOVABLE gets neither ZONE_MOVABLE nor CMA', () => {
  const rs = exhaust(['GFP_HIGHUSER_MOVABLE'], (s) => s.machine.tasks[0]?.flags.add('PF_MEMALLOC_PIN'));
  expect(pfns(rs)).toEqual([...range(0, 8), '-ENOMEM']);
});

test('a larger order takes a larger block: order 3 from CMA only for movable requests', () => {
  const s = spec(CMA_MACHINE);
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 3 })).toMatchObject({ ret: 0, pfn: 0 });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 3 })).toEqual({ ret: '-ENOMEM' });
  expect(s.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_MOVABLE'], order: 3 })).toMatchObject({
    ret: 0,
    pfn: 8,
    migratetype: 'MIGRATE_CMA',
  });
});

test('private-gate: reported once per walk, and only for a gated zone that __rmqueue would have served', () => {
  // private node 2 with two zones: its FALLBACK list is MOVABLE(2) [16,24), NORMAL(2) [8,16), then node 0 [0,8)
  const s = createSpecSystem(
    {
      maxOrder: 3,
      pageblockOrder: 1,
      nodes: [
        { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
        {
          nid: 2,
          zones: { ZONE_NORMAL: [8, 8], ZONE_MOVABLE: [16, 8] },
          private: { flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to', 'folio_migrate'] },
        },
      ],
    },
    PROFILES['private-nodes-v4'],
  );
  const gates = () => s.drainEvents().filter((e) => e.kind === 'private-gate').length;
  // both private zones gated and suitable: one report
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0, { nid: 2 })).toBe(0);
  expect(gates()).toBe(1);
  // the first gated zone empty, the second suitable: one report
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', 'GFP_PRIVATE'], 3, { nid: 2 })).toBe(16);
  expect(gates()).toBe(0);
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0, { nid: 2 })).toBe(1);
  expect(gates()).toBe(1);
  // both gated zones empty: nothing to report
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE', 'GFP_PRIVATE'], 3, { nid: 2 })).toBe(8);
  expect(gates()).toBe(0);
  expect(allocPfn(s, ['GFP_HIGHUSER_MOVABLE'], 0, { nid: 2 })).toBe(2);
  expect(gates()).toBe(0);
});

test('__alloc_pages without the task context keeps ALLOC_CMA inside a linux-5.10 pin scope (memalloc_nocma)', () => {
  // all memory is CMA: only a request with ALLOC_CMA gets a page
  const s = createSpecSystem(oneZone(3, 1, 0, 8, [[0, 8]]), PROFILES['linux-5.10']);
  const task = s.machine.tasks[0]!;
  task.flags.add('PF_MEMALLOC_PIN');
  const node = findNode(s.machine, 0)!;
  expect(__alloc_pages(s.machine, task, 0x100cca, 0, node, undefined)).toBeUndefined();
  const page = __alloc_pages(s.machine, task, 0x100cca, 0, node, undefined, false);
  expect(page).toEqual({ zone: zoneOf(s, 0, 'ZONE_NORMAL'), pfn: 0, gfp: 0x100cca });
});
