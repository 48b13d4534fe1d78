// VmaTable: every page table is a slice of one shared arena (4096 entries at first) that is compacted
// when a new VMA does not fit and grown to at least twice the live entries; a VMA larger than the
// arena, or than twice it, still gets a whole page table.
import { describe, expect, test } from 'vitest';
import type { MachineConfig } from '../../../model/api/index.js';
import { boot, run } from './helpers.js';

const BIG: MachineConfig = { maxOrder: 3, pageblockOrder: 2, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 64] } }], tasks: [{ tid: 1, nid: 0 }] };

/** touch (vma, index) and check the pte reads back through query and the snapshot */
function touchAndRead(sys: ReturnType<typeof boot>, vma: string, index: number, pfn: number) {
  expect(run(sys, { op: 'touch', vma, index })).toEqual({ ret: 0, pages: [{ index, pfn, nid: 0, zone: 'ZONE_NORMAL' }] });
  expect(run(sys, { op: 'query', vma, index })).toMatchObject({ ret: 0, pfn, mapped: 1 });
  const v = sys.snapshot().vmas.find((x) => x.handle === vma)!;
  expect(v.ptes[index]).toBe(pfn);
}

describe('the page-table arena', () => {
  test('a first VMA larger than the arena (5000 > 4096) gets all its ptes', () => {
    const sys = boot(BIG);
    expect(run(sys, { op: 'mmap', task: 1, pages: 5000 })).toEqual({ ret: 0, vma: 'v1' });
    touchAndRead(sys, 'v1', 4999, 0);
    touchAndRead(sys, 'v1', 0, 1);
    const ptes = sys.snapshot().vmas[0]!.ptes;
    expect(ptes.length).toBe(5000);
    expect(ptes.filter((p) => p !== null)).toEqual([1, 0]);
  });

  test('a first VMA larger than twice the arena (10000 > 8192) gets all its ptes', () => {
    const sys = boot(BIG);
    expect(run(sys, { op: 'mmap', task: 1, pages: 10000 })).toEqual({ ret: 0, vma: 'v1' });
    touchAndRead(sys, 'v1', 9999, 0);
    touchAndRead(sys, 'v1', 8192, 1);
    expect(sys.snapshot().vmas[0]!.ptes.filter((p) => p !== null)).toEqual([1, 0]);
  });

  test('a VMA that does not fit: the live page tables move to the front, the arena grows, nothing is lost', () => {
    const sys = boot(BIG);
    run(sys, { op: 'mmap', task: 1, pages: 100 }); // v1, unmapped below
    run(sys, { op: 'mmap', task: 1, pages: 100 }); // v2 at arena offset 100
    touchAndRead(sys, 'v2', 5, 0);
    touchAndRead(sys, 'v2', 99, 1);
    expect(run(sys, { op: 'munmap', vma: 'v1' })).toEqual({ ret: 0 });
    expect(run(sys, { op: 'mmap', task: 1, pages: 4000 })).toEqual({ ret: 0, vma: 'v3' }); // 200 + 4000 > 4096
    touchAndRead(sys, 'v3', 3999, 2);
    touchAndRead(sys, 'v3', 0, 3);
    const [v2, v3] = sys.snapshot().vmas;
    expect(v2!.ptes.map((p, i) => [i, p]).filter(([, p]) => p !== null)).toEqual([[5, 0], [99, 1]]);
    expect(v3!.ptes.map((p, i) => [i, p]).filter(([, p]) => p !== null)).toEqual([[0, 3], [3999, 2]]);
  });
});
