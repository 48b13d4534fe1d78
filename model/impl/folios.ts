// Folio ids: every allocated folio has one, kept in its head page's `next`. Handles name folios by
// id, so freeing a folio kills every handle on it in O(1) (its entry goes DEAD) with no per-folio
// handle list.
// - A kernel folio (alloc_pages) has id k > 0, its k-handle number. kHead[k] packs the head page
//   index with the k-handle's state: v >= 0 allocated at v, handle live; v <= -2 allocated at
//   -2 - v, handle freed (free_pages); DEAD the folio is freed.
// - A user folio (a fault or a migration target) has id -s < 0. uHead[s] is its head page index or
//   DEAD; mapVma[s] / mapIndex[s] are the anon rmap (folio->mapping, folio->index): the v number of
//   the VMA mapping it (0: unmapped) and the VMA index of its first page.
import { growInt32 } from './grow.js';

export const DEAD = -1;

export class FolioTable {
  /** kernel folios (= k-handles) created */
  kCount = 0;
  kHead = new Int32Array(1024);
  /** user folios created */
  uCount = 0;
  uHead = new Int32Array(1024);
  mapVma = new Int32Array(1024);
  mapIndex = new Int32Array(1024);

  /** a kernel folio at head index idx: its id, which is also its k-handle number */
  bornKernel(idx: number): number {
    const k = ++this.kCount;
    if (k >= this.kHead.length) this.kHead = growInt32(this.kHead, k);
    this.kHead[k] = idx;
    return k;
  }

  /** a user folio at head index idx, mapped by VMA v from index `index`: its id (< 0) */
  bornUser(idx: number, v: number, index: number): number {
    const s = ++this.uCount;
    if (s >= this.uHead.length) {
      this.uHead = growInt32(this.uHead, s);
      this.mapVma = growInt32(this.mapVma, s);
      this.mapIndex = growInt32(this.mapIndex, s);
    }
    this.uHead[s] = idx;
    this.mapVma[s] = v;
    this.mapIndex[s] = index;
    return -s;
  }

  /** head page index of an allocated folio */
  headOf(fid: number): number {
    // Stryker disable next-line EqualityOperator: no folio has id 0, and slot 0 of both tables holds 0
    if (fid < 0) return this.uHead[-fid]!;
    const v = this.kHead[fid]!;
    return v >= 0 ? v : -2 - v;
  }

  alive(fid: number): boolean {
    // Stryker disable next-line EqualityOperator: no folio has id 0, and slot 0 of both tables holds 0
    return (fid < 0 ? this.uHead[-fid] : this.kHead[fid]) !== DEAD;
  }

  /** the folio was freed: every handle on it dies */
  freed(fid: number): void {
    // Stryker disable next-line EqualityOperator: no folio has id 0
    if (fid < 0) this.uHead[-fid] = DEAD; // its rmap (mapVma, mapIndex) is never read again
    else this.kHead[fid] = DEAD;
  }

  /** the k-handle of a live kernel folio, or 0 (k >= 0: k = 0, no handle, gives 0 as slot 0 is never written) */
  liveK(k: number): number {
    return k <= this.kCount && this.kHead[k]! >= 0 ? k : 0;
  }

  /** free_pages: the k-handle dies, its folio may live on */
  killK(k: number): void {
    this.kHead[k] = -2 - this.kHead[k]!;
  }

  /** MemMap.cover lowered the base by `shift` pages: every live head index moves up */
  rebase(shift: number): void {
    const k = this.kHead;
    for (let i = 1; i <= this.kCount; i++) {
      const v = k[i]!;
      if (v >= 0) k[i] = v + shift;
      else if (v <= -2) k[i] = v - shift;
    }
    const u = this.uHead;
    for (let s = 1; s <= this.uCount; s++) if (u[s] !== DEAD) u[s] = u[s]! + shift;
  }
}
