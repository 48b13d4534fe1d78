// Anonymous VMAs (vm_area_struct, reduced): the owning task, the VMA policy and a page table of pfns
// per index (-1: not present). Every page table is a slice [off[v], off[v] + pages[v]) of one shared
// Int32Array arena, bump-allocated and compacted (live VMAs in creation order) when it fills, so an
// mmap allocates no ArrayBuffer.
import { growInt32, growUint8 } from './grow.js';
import type { Mempolicy } from './mempolicy.js';

export const PTE_NONE = -1;

export class VmaTable {
  /** owning task position */
  task = new Int32Array(64);
  pages = new Int32Array(64);
  folioOrder = new Uint8Array(64);
  /** 1 while mapped */
  live = new Uint8Array(64);
  /** start of the VMA's page table in `pte` */
  off = new Int32Array(64);
  /** vma->vm_policy; null: the task policy applies */
  // Stryker disable next-line ArrayDeclaration: slot 0 is never read (VMA numbers start at 1)
  readonly policy: (Mempolicy | null)[] = [null];
  /** the page-table arena */
  pte = new Int32Array(4096);
  private top = 0;
  /** highest v number recorded */
  count = 0;

  /** record VMA number v (from HandleTable.newV; numbers ascend) */
  add(v: number, task: number, pages: number, order: number): void {
    if (v >= this.task.length) {
      this.task = growInt32(this.task, v);
      this.pages = growInt32(this.pages, v);
      this.folioOrder = growUint8(this.folioOrder, v);
      this.live = growUint8(this.live, v);
      this.off = growInt32(this.off, v);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator: compacting on every add or on an exact fit changes no pte (the `<=` variant, skipping when it does not fit, is pinned by vma.test.ts)
    if (this.top + pages > this.pte.length) this.compact(pages);
    this.count = v;
    this.task[v] = task;
    this.pages[v] = pages;
    this.folioOrder[v] = order;
    this.live[v] = 1;
    this.off[v] = this.top;
    this.policy[v] = null;
    this.pte.fill(PTE_NONE, this.top, this.top + pages);
    this.top += pages;
  }

  /** munmap: the page table's slice is reclaimed at the next compaction */
  remove(v: number): void {
    this.live[v] = 0;
    this.policy[v] = null;
  }

  private compact(need: number): void {
    const pte = this.pte;
    let w = 0;
    for (let v = 1; v <= this.count; v++) {
      if (this.live[v] !== 1) continue;
      const o = this.off[v]!;
      const n = this.pages[v]!;
      pte.copyWithin(w, o, o + n);
      this.off[v] = w;
      w += n;
    }
    this.top = w;
    // growth only at or past half full is a capacity choice: growing always or at exactly half changes no pte
    // Stryker disable next-line ConditionalExpression,EqualityOperator: as above (`false` and `<=` are pinned by vma.test.ts)
    if ((w + need) * 2 > pte.length) {
      // Stryker disable next-line ArithmeticOperator: starting from half the length ends at the same size, (w + need) * 2 > pte.length
      let len = pte.length * 2;
      // Stryker disable next-line EqualityOperator: one more doubling at an exact fit is only capacity
      while ((w + need) * 2 > len) len *= 2;
      const next = new Int32Array(len);
      next.set(pte.subarray(0, w));
      this.pte = next;
    }
  }
}
