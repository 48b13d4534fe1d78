import { test, expect } from 'vitest';
import type { Folio } from '../../../model/spec/folio.js';
import {
  emptyHandleTable,
  handleNamesFolio,
  handlePfns,
  lookupHandle,
  setLive,
  type HandleRecord,
} from '../../../model/spec/handles.js';
import { oneZone, run, spec } from './helpers.js';

/** k1 at pfn 0, k2 at pfn 1, k3 at pfn 2, v1 (no page touched), c1 at pfn 8 (CMA [8,16)). */
function machineWithHandles() {
  const s = spec(oneZone(3, 1, 0, 16, [[8, 8]]));
  const results = run(s, [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 },
    { op: 'mmap', task: 1, pages: 1 },
    { op: 'cma_alloc', area: 0, count: 1 },
  ]);
  expect(results.map((r) => r.ret)).toEqual([0, 0, 0, 0, 0]);
  const folio = (pfn: number): Folio => {
    const f = s.machine.folios.get(pfn);
    if (f === undefined) throw new Error(`no folio at ${pfn}`);
    return f;
  };
  const live = (name: string): HandleRecord => {
    const r = s.machine.handles.live.get(name);
    if (r === undefined) throw new Error(`no handle ${name}`);
    return r;
  };
  return { f0: folio(0), f1: folio(1), f2: folio(2), k1: live('k1'), v1: live('v1'), c1: live('c1') };
}

test('lookupHandle: any live kind without a filter; a kind filter hides the other kinds', () => {
  const { k1 } = machineWithHandles();
  const table = emptyHandleTable();
  setLive(table, k1);
  expect(lookupHandle(table, 'k1')).toBe(k1);
  expect(lookupHandle(table, 'k1', ['alloc_pages', 'get_page'])).toBe(k1);
  expect(lookupHandle(table, 'k1', ['get_page'])).toBeUndefined();
  expect(lookupHandle(table, 'k2')).toBeUndefined();
  expect(lookupHandle(table, undefined)).toBeUndefined();
  expect(lookupHandle(table, undefined, ['alloc_pages'])).toBeUndefined();
});

test('handleNamesFolio: k and get_page g name their folio; a GUP call names every folio it took; v and c none', () => {
  const { f0, f1, f2, k1, v1, c1 } = machineWithHandles();
  expect(handleNamesFolio(k1, f0)).toBe(true);
  expect(handleNamesFolio(k1, f1)).toBe(false);
  const get: HandleRecord = { handle: 'g1', kind: 'get_page', folio: f1 };
  expect(handleNamesFolio(get, f1)).toBe(true);
  expect(handleNamesFolio(get, f0)).toBe(false);

  const kinds = ['get_user_pages', 'get_user_pages_fast', 'pin_user_pages', 'pin_user_pages_fast'] as const;
  for (const kind of kinds) {
    // two pages of two different folios: each of them is named, a third folio is not
    const gup: HandleRecord = {
      handle: 'x1',
      kind,
      pages: [
        { index: 0, pfn: 1, folio: f1 },
        { index: 1, pfn: 0, folio: f0 },
      ],
    };
    expect([kind, handleNamesFolio(gup, f0), handleNamesFolio(gup, f1), handleNamesFolio(gup, f2)]).toEqual([kind, true, true, false]);
    expect(handlePfns(gup)).toEqual([1, 0]);
  }

  expect(v1.kind).toBe('mmap');
  expect(c1.kind).toBe('cma_alloc');
  for (const f of [f0, f1, f2]) {
    expect(handleNamesFolio(v1, f)).toBe(false);
    expect(handleNamesFolio(c1, f)).toBe(false);
  }
  expect(handlePfns(k1)).toEqual([0]);
  expect(handlePfns(v1)).toEqual([]);
  expect(handlePfns(c1)).toEqual([8]);
});
