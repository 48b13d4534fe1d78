// Handle tables in growable typed arrays (DESIGN.md §8 "Handles"): k (alloc_pages), g (get_page and
// get_user_pages*), v (mmap), u (pin_user_pages*), c (cma_alloc). A handle naming folios is live
// while it is not released and every folio it names is allocated (FolioTable serials).
// GUP handles keep exactly what their release needs: the pfn and folio serial of every page the
// call took, in one shared pool that is compacted (live handles in creation order) when it fills.
// `seq` keeps every maybe-live handle in creation order for snapshots, pruned when it fills.
import type { FolioTable } from './folios.js';
import { growInt32, growUint8 } from './grow.js';

export const H_K = 0;
export const H_G = 1;
export const H_V = 2;
export const H_U = 3;
export const H_C = 4;

export class HandleTable {
  private readonly folios: FolioTable;


  gCount = 0;
  /** per g: get_page: the folio id; GUP: 0 */
  gSerial = new Int32Array(1024);
  /** per g: get_page: the references taken; GUP: pool offset */
  gArg = new Int32Array(1024);
  /** per g: GUP: pages taken (≥ 1); get_page: 0 */
  gLen = new Int32Array(1024);
  /** per g: 1 once put_page ran */
  gDone = new Uint8Array(1024);

  uCount = 0;
  uOff = new Int32Array(1024);
  uLen = new Int32Array(1024);
  uDone = new Uint8Array(1024);

  vCount = 0;
  vLive = new Uint8Array(1024);

  cCount = 0;
  cLive = new Uint8Array(1024);

  /** GUP pages: pfn and folio id per entry */
  poolPfn = new Int32Array(1024);
  poolSerial = new Int32Array(1024);
  poolLen = 0;

  /** maybe-live handles in creation order, as number << 3 | kind (numbers stay below 2^28) */
  seq = new Int32Array(1024);
  seqLen = 0;

  constructor(folios: FolioTable) {
    this.folios = folios;
  }

  /** k-handle k (= the kernel folio's id, FolioTable.bornKernel) */
  newK(k: number): number {
    this.pushSeq(H_K, k);
    return k;
  }

  private newG(): number {
    const g = ++this.gCount;
    if (g >= this.gSerial.length) {
      this.gSerial = growInt32(this.gSerial, g);
      this.gArg = growInt32(this.gArg, g);
      this.gLen = growInt32(this.gLen, g);
      this.gDone = growUint8(this.gDone, g);
    }
    this.pushSeq(H_G, g);
    return g;
  }

  /** get_page: `times` references on folio `serial` */
  newGetPage(serial: number, times: number): number {
    const g = this.newG();
    this.gSerial[g] = serial;
    this.gArg[g] = times;
    this.gLen[g] = 0;
    this.gDone[g] = 0;
    return g;
  }

  /** get_user_pages*: the `len` pool entries at `off` */
  newGup(off: number, len: number): number {
    const g = this.newG();
    this.gSerial[g] = 0;
    this.gArg[g] = off;
    this.gLen[g] = len;
    this.gDone[g] = 0;
    return g;
  }

  newPin(off: number, len: number): number {
    const u = ++this.uCount;
    if (u >= this.uOff.length) {
      this.uOff = growInt32(this.uOff, u);
      this.uLen = growInt32(this.uLen, u);
      this.uDone = growUint8(this.uDone, u);
    }
    this.uOff[u] = off;
    this.uLen[u] = len;
    this.uDone[u] = 0;
    this.pushSeq(H_U, u);
    return u;
  }

  newV(): number {
    const v = ++this.vCount;
    if (v >= this.vLive.length) this.vLive = growUint8(this.vLive, v);
    this.vLive[v] = 1;
    this.pushSeq(H_V, v);
    return v;
  }

  newC(): number {
    const c = ++this.cCount;
    if (c >= this.cLive.length) this.cLive = growUint8(this.cLive, c);
    this.cLive[c] = 1;
    this.pushSeq(H_C, c);
    return c;
  }

  /** folio id of a live k-handle (k itself), or 0 */
  liveK(k: number): number {
    return this.folios.liveK(k);
  }

  /** a live g-handle: true */
  liveG(g: number): boolean {
    if (g <= 0 || g > this.gCount || this.gDone[g] !== 0) return false;
    const len = this.gLen[g]!;
    return len === 0 ? this.folios.alive(this.gSerial[g]!) : this.entriesAlive(this.gArg[g]!, len);
  }

  liveU(u: number): boolean {
    return u > 0 && u <= this.uCount && this.uDone[u] === 0 && this.entriesAlive(this.uOff[u]!, this.uLen[u]!);
  }

  /** vLive is 1 only at 1..vCount (an index outside the table reads undefined) */
  liveV(v: number): boolean {
    return this.vLive[v] === 1;
  }

  /** cLive is 1 only at 1..cCount (an index outside the table reads undefined) */
  liveC(c: number): boolean {
    return this.cLive[c] === 1;
  }

  private entriesAlive(off: number, len: number): boolean {
    const ps = this.poolSerial;
    for (let i = off; i < off + len; i++) if (!this.folios.alive(ps[i]!)) return false;
    return true;
  }

  /** room for n pool entries; returns their offset (the caller fills them, then names the handle) */
  reserve(n: number): number {
    if (this.poolLen + n > this.poolPfn.length) {
      this.compact();
      if ((this.poolLen + n) * 2 > this.poolPfn.length) {
        this.poolPfn = growInt32(this.poolPfn, (this.poolLen + n) * 2);
        this.poolSerial = growInt32(this.poolSerial, (this.poolLen + n) * 2);
      }
    }
    const off = this.poolLen;
    this.poolLen += n;
    return off;
  }

  /** move the entries of live GUP handles to the front, in creation order */
  // Stryker disable next-line BlockStatement: without compaction the pool only grows; entries are never reused, so every handle reads its own
  private compact(): void {
    this.prune();
    const pp = this.poolPfn;
    const ps = this.poolSerial;
    let w = 0;
    for (let i = 0; i < this.seqLen; i++) {
      const kind = this.seq[i]! & 7;
      const n = this.seq[i]! >>> 3;
      let off: number;
      let len: number;
      if (kind === H_G && this.gLen[n]! > 0) {
        off = this.gArg[n]!;
        len = this.gLen[n]!;
        this.gArg[n] = w;
      } else if (kind === H_U) {
        off = this.uOff[n]!;
        len = this.uLen[n]!;
        this.uOff[n] = w;
      } else continue;
      pp.copyWithin(w, off, off + len);
      ps.copyWithin(w, off, off + len);
      w += len;
    }
    this.poolLen = w;
  }

  private pushSeq(kind: number, n: number): void {
    if (this.seqLen === this.seq.length) {
      this.prune();
      if (this.seqLen * 2 > this.seq.length) this.seq = growInt32(this.seq, this.seq.length);
    }
    if (n >= 1 << 28) throw new Error('impl: more than 2^28 handles of one kind');
    this.seq[this.seqLen++] = (n << 3) | kind;
  }

  isLive(kind: number, n: number): boolean {
    switch (kind) {
      case H_K:
        return this.liveK(n) !== 0;
      case H_G:
        return this.liveG(n);
      case H_V:
        return this.liveV(n);
      case H_U:
        return this.liveU(n);
      default:
        return this.liveC(n);
    }
  }

  /** drop dead entries from `seq`, keeping creation order */
  prune(): void {
    let w = 0;
    for (let r = 0; r < this.seqLen; r++) {
      const e = this.seq[r]!;
      const kind = e & 7;
      const n = e >>> 3;
      if (this.isLive(kind, n)) this.seq[w++] = e;
      else if (kind === H_G) this.gDone[n] = 1; // dead for good: its pool entries may be reused
      else if (kind === H_U) this.uDone[n] = 1;
    }
    this.seqLen = w;
  }
}

/**
 * The number n of a handle spelled exactly `${prefix}${n}` with n ≥ 1 and no leading zero, else 0.
 * (An alias such as "k01" names no object, as in a Map keyed by handle string.)
 */
export function parseHandle(h: string, prefix: number): number {
  if (typeof h !== 'string') return 0;
  // no length bounds needed: "k" parses to 0 (no digit) and more than 10 digits exceed 0x7fffffff
  if (h.charCodeAt(0) !== prefix) return 0;
  const len = h.length;
  let n = 0;
  for (let i = 1; i < len; i++) {
    const d = h.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (i === 1 && d === 0)) return 0;
    n = n * 10 + d;
  }
  return n > 0x7fffffff ? 0 : n;
}

export const CHAR_K = 107; // 'k'
export const CHAR_G = 103; // 'g'
export const CHAR_V = 118; // 'v'
export const CHAR_U = 117; // 'u'
export const CHAR_C = 99; // 'c'
