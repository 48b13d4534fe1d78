// Pageblock isolation with exact values, each step also checked against the spec (result and whole
// snapshot): has_unmovable_pages looks at the folio covering the pageblock, else at every folio head
// inside it.
import { describe, expect, test } from 'vitest';
import { twin } from './twin.js';
import type { MachineConfig, Op } from '../../../model/api/index.js';

/** node 0: ZONE_NORMAL [0,8); node 1: ZONE_NORMAL [8,16) */
const TWO: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
    { nid: 1, zones: { ZONE_NORMAL: [8, 8] } },
  ],
  tasks: [{ tid: 1, nid: 0 }],
};

describe('has_unmovable_pages', () => {
  test('a kernel folio behind a user folio in the same pageblock: -EBUSY', () => {
    const t = twin(TWO);
    t.apply({ op: 'mmap', task: 1, pages: 1 });
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0]);
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 })).toMatchObject({ ret: 0, pfn: 1 });
    expect(t.apply({ op: 'offline_pages', startPfn: 0, pages: 2 })).toEqual({ ret: '-EBUSY' });
    expect(t.snap().vmas[0]!.ptes).toEqual([0]);
    expect(t.snap().offline).toEqual([]);
  });

  test('a kernel folio larger than a pageblock makes every pageblock it covers unmovable', () => {
    const t = twin(TWO);
    expect(t.apply({ op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 2 })).toMatchObject({ ret: 0, pfn: 0 });
    expect(t.apply({ op: 'offline_pages', startPfn: 2, pages: 2 })).toEqual({ ret: '-EBUSY' });
    expect(t.apply({ op: 'offline_pages', startPfn: 4, pages: 2 })).toEqual({ ret: 0 });
  });

  test('a user folio larger than a pageblock is movable: it migrates and the pageblock goes offline', () => {
    const t = twin(TWO);
    t.apply({ op: 'mmap', task: 1, pages: 4, folioOrder: 2 } as Op);
    t.apply({ op: 'touch', vma: 'v1', index: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1, 2, 3]);
    expect(t.apply({ op: 'offline_pages', startPfn: 2, pages: 2 })).toEqual({ ret: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9, 10, 11]);
    expect(t.snap().offline).toEqual([{ pfn: 2, nrPages: 2 }]);
  });

  test('a pageblock with only free pages and user folios is isolated; the counters follow', () => {
    const t = twin(TWO);
    t.apply({ op: 'mmap', task: 1, pages: 3 });
    t.apply({ op: 'touch', vma: 'v1', index: 0, count: 3 });
    expect(t.snap().vmas[0]!.ptes).toEqual([0, 1, 2]);
    expect(t.apply({ op: 'offline_pages', startPfn: 0, pages: 8 })).toEqual({ ret: 0 });
    expect(t.snap().vmas[0]!.ptes).toEqual([8, 9, 10]);
    expect(t.snap().zones[1]).toMatchObject({ nrFreePages: 5, nrFree: [1, 0, 1] });
  });
});
