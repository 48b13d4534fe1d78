// Taking and dropping folio references (model/spec/pageref.ts): prep_new_page's placement event,
// dropHolder's result and forgetFolio's page table clean-up, with exact values.
import { test, expect } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import type { Folio, Holder } from '../../../model/spec/folio.js';
import { dropHolder, forgetFolio, prep_new_page } from '../../../model/spec/pageref.js';
import { PROFILES } from '../../../model/profiles.js';
import { createSpecSystem } from '../../../model/spec/system.js';
import { run, spec, zoneOf } from './helpers.js';

/** node 0: ZONE_NORMAL [0,8), ZONE_MOVABLE [8,16); maxOrder 2, pageblock order 1. */
const movable: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] } }],
};

function folioAt(s: ReturnType<typeof spec>, pfn: number): Folio {
  const folio = s.machine.folios.get(pfn);
  if (folio === undefined) throw new Error(`no folio at ${pfn}`);
  return folio;
}

test('prep_new_page on a private node reports private-placement, migration reasons folded into other', () => {
  const config: MachineConfig = {
    maxOrder: 2,
    pageblockOrder: 1,
    nodes: [
      { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
      { nid: 1, zones: { ZONE_NORMAL: [8, 8] }, private: { flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to', 'folio_migrate'] } },
    ],
  };
  const s = createSpecSystem(config, PROFILES['private-nodes-v4']);
  s.drainEvents();
  const privateZone = zoneOf(s, 1, 'ZONE_NORMAL');
  const paths = ['alloc_pages', 'fault', 'migrate_to', 'mpol-migrate', 'longterm', 'offline', 'cma', 'move_pages'] as const;
  paths.forEach((path, i) => {
    const folio = prep_new_page(s.machine, privateZone, 8 + i, 0, true, [], { path, gfp: 0 });
    expect(s.machine.folios.get(8 + i)).toBe(folio);
    expect(folio).toMatchObject({ pfn: 8 + i, order: 0, zone: privateZone, user: true, placement: { path, gfp: 0 } });
  });
  expect(s.drainEvents()).toEqual(
    ['alloc_pages', 'fault', 'migrate_to', 'mpol-migrate', 'other', 'other', 'other', 'other'].map((path) => ({ kind: 'private-placement', path })),
  );
  prep_new_page(s.machine, zoneOf(s, 0, 'ZONE_NORMAL'), 0, 0, true, [], { path: 'longterm', gfp: 0 });
  expect(s.drainEvents()).toEqual([]);
});

test('dropHolder frees the folio only when _refcount reaches exactly 0, and says so', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'touch', vma: 'v1', index: 0 },
    { op: 'get_page', vma: 'v1', index: 0, times: 2 },
  ]);
  const folio = folioAt(s, 8);
  const [map, get] = folio.holders as [Holder, Holder];
  expect(dropHolder(s.machine, folio, get)).toBe(false);
  expect(folio.holders).toEqual([{ kind: 'map', vma: 'v1', index: 0 }]);
  expect(s.machine.folios.get(8)).toBe(folio);
  expect(dropHolder(s.machine, folio, map)).toBe(true);
  expect(s.machine.folios.has(8)).toBe(false);
  expect(folio.holders).toEqual([]);
});

test('forgetFolio clears only page table entries that still point at the folio, and skips a map holder of a gone VMA', () => {
  const s = spec(movable);
  run(s, [
    { op: 'mmap', task: 1, pages: 2 },
    { op: 'touch', vma: 'v1', index: 0, count: 2 }, // pfn 8, 9
    { op: 'get_page', vma: 'v1', index: 0 }, // g1 names pfn 8
    { op: 'get_page', vma: 'v1', index: 1 }, // g2 names pfn 9
  ]);
  const vma = s.machine.vmas.get('v1')!;
  const mapped = folioAt(s, 8);
  // a stale folio whose map holders name page 0 (now another folio's) and a VMA that no longer exists
  const stale: Folio = {
    ...mapped,
    pfn: 12,
    holders: [
      { kind: 'map', vma: 'v1', index: 1 },
      { kind: 'map', vma: 'v9', index: 0 },
      { kind: 'get', handle: 'g9', times: 1 },
    ],
  };
  forgetFolio(s.machine, stale);
  expect(stale.holders).toEqual([]);
  expect(vma.ptes.map((f) => f?.pfn ?? null)).toEqual([8, 9]);
  expect(s.snapshot().handles.map((h) => h.handle)).toEqual(['v1', 'g1', 'g2']);
  // the folio really mapped at page 0: its entry is cleared, the handles naming it die, the VMA stays
  forgetFolio(s.machine, mapped);
  expect(vma.ptes.map((f) => f?.pfn ?? null)).toEqual([null, 9]);
  expect(s.machine.folios.has(8)).toBe(false);
  expect(s.snapshot().handles.map((h) => h.handle)).toEqual(['v1', 'g2']);
  expect(mapped.holders).toEqual([]);
});
