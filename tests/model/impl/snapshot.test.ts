// takeSnapshot's folio walk and free-list reading: a walk over the page array that steps over free
// blocks and over offline holes, reports stranded folios with the zone they were offlined from, and
// stays bounded on a free list that a historical bug linked into a cycle.
import { describe, expect, test } from 'vitest';
import type { MachineConfig, Op } from '../../../model/api/index.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { createSpecSystem } from '../../../model/spec/system.js';
import { PB0_TWO_NODES, zoneOf } from './helpers.js';

type ProfileName = keyof typeof PROFILES;

/** impl and spec after the same ops; every op result must agree */
function both(profile: ProfileName, config: MachineConfig, ops: readonly Op[]) {
  const impl = new ImplSystem(config, PROFILES[profile]);
  const spec = createSpecSystem(config, PROFILES[profile]);
  const results = ops.map((op) => {
    const r = impl.apply(op);
    expect(r).toEqual(spec.apply(op));
    return r;
  });
  return { impl, spec, results };
}

const folio = (pfn: number, zone: string, mapped: number) => ({ pfn, order: 0, nid: 0, zone, refcount: 1, pincount: 0, mapped });

describe('folio walk', () => {
  // pageblocks of 2 pages; 4 anon pages at 0..3
  const M: MachineConfig = { maxOrder: 2, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] } }], tasks: [{ tid: 1, nid: 0 }] };
  const FAULT_AND_OFFLINE: Op[] = [
    { op: 'mmap', task: 1, pages: 4 },
    { op: 'touch', vma: 'v1', index: 0, count: 4 },
    { op: 'offline_pages', startPfn: 2, pages: 6 },
  ];

  test('isolate-merge: a migration target placed inside the offlined range keeps the zone it was offlined from', () => {
    const { impl, spec } = both('isolate-merge', M, FAULT_AND_OFFLINE);
    const snap = impl.snapshot();
    expect(snap.offline).toEqual([{ pfn: 2, nrPages: 6 }]);
    expect(snap.folios).toEqual([folio(0, 'ZONE_NORMAL', 1), folio(1, 'ZONE_NORMAL', 1), folio(4, 'ZONE_NORMAL', 1), folio(5, 'ZONE_NORMAL', 1)]);
    expect(snap.vmas[0]!.ptes).toEqual([0, 1, 4, 5]);
    expect(snap).toEqual(spec.snapshot());
  });

  test('a folio in a zone reports that zone, whatever a stranded record at its pfn says', () => {
    // onlining the range as ZONE_MOVABLE frees pfns 4 and 5 again; k1 then takes pfn 4
    const { impl, spec, results } = both('isolate-merge', M, [
      ...FAULT_AND_OFFLINE,
      { op: 'online_pages', nid: 0, startPfn: 4, pages: 2, type: 'online_movable' },
      { op: 'alloc_pages', gfp: ['GFP_HIGHUSER_MOVABLE'], order: 0 },
    ]);
    expect(results.at(-1)).toEqual({ ret: 0, page: 'k1', pfn: 4, nid: 0, zone: 'ZONE_MOVABLE', migratetype: 'MIGRATE_MOVABLE' });
    expect(impl.mm.stranded?.get(4)).toBe(2); // still the ZONE_NORMAL slot of node 0
    const at4 = (folios: readonly { pfn: number }[]) => folios.find((f) => f.pfn === 4);
    expect(at4(impl.snapshot().folios)).toEqual(folio(4, 'ZONE_MOVABLE', 0));
    expect(at4(impl.snapshot().folios)).toEqual(at4(spec.snapshot().folios));
  });

  test('cma_alloc pages are not folios: the walk goes on page by page inside a zone', () => {
    // pageblocks of 2 pages, CMA [8, 12); c2 keeps pfn 11 and k1 sits at 12: a walk that skipped a
    // whole pageblock from the non-folio page 11 would miss k1
    const C: MachineConfig = { maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] }, cma: [[8, 4]] }], tasks: [{ tid: 1, nid: 0 }] };
    const { impl, spec, results } = both('linux-6.12', C, [
      { op: 'cma_alloc', area: 0, count: 3 },
      { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
      { op: 'cma_alloc', area: 0, count: 1 },
      { op: 'cma_release', cma: 'c1' },
    ]);
    expect(results.map((r) => (r as { pfn?: number }).pfn)).toEqual([8, 12, 11, undefined]);
    expect(results[3]).toEqual({ ret: 0 });
    const snap = impl.snapshot();
    expect(snap.folios).toEqual([folio(12, 'ZONE_NORMAL', 0)]);
    expect(snap).toEqual(spec.snapshot());
  });
});

describe('free lists', () => {
  test('a free list that isolate-merge linked into a cycle still snapshots, at most span >> order entries', () => {
    const sys = new ImplSystem(PB0_TWO_NODES, PROFILES['isolate-merge']);
    for (const op of [
      { op: 'offline_pages', startPfn: 6, pages: 1 },
      { op: 'offline_pages', startPfn: 3, pages: 1 },
      { op: 'online_pages', nid: 0, startPfn: 6, pages: 1, type: 'online_movable' },
      { op: 'offline_pages', startPfn: 6, pages: 2 },
    ] as Op[]) {
      expect(sys.apply(op)).toEqual({ ret: 0 });
    }
    const movableO0 = zoneOf(sys.snapshot(), 0, 'ZONE_MOVABLE').freeLists[1]![0]!;
    expect(sys.mm.span).toBe(16);
    // the MOVABLE order-0 list cycles 2 → 6 → 2 ...; the walk stops after span >> 0 = 16 entries
    expect(movableO0).toEqual([2, 6, 2, 6, 2, 6, 2, 6, 2, 6, 2, 6, 2, 6, 2, 6]);
  });
});
