// Handle tables: handle number -> folio, in growable typed arrays (DESIGN.md §8 "Handles").
//
// Every folio is created by exactly one alloc_pages, so its k number doubles as its serial.
// folio[serial] packs the folio's head page index with the state of its k-handle:
//   v >= 0   folio allocated at head v, k-handle live
//   v <= -2  folio allocated at head -2 - v, k-handle freed (free_pages)
//   v == -1  folio freed (DEAD)
// A g-handle is live while it has not been put and its folio is allocated. Freeing a folio thus
// kills every handle naming it in O(1), with no per-folio handle list. `seq` keeps the handles in
// creation order for snapshots (k as +n, g as -n), pruned of dead entries when it fills or is read.

export const DEAD = -1;

function grow<T extends Int32Array>(a: T, need: number, make: (n: number) => T): T {
  let n = a.length * 2;
  while (n <= need) n *= 2;
  const b = make(n);
  b.set(a);
  return b;
}

export class HandleTable {
  /** number of k-handles created; k numbers are 1..kCount */
  kCount = 0;
  /** number of g-handles created */
  gCount = 0;
  /** per folio serial (= k number): see the file comment */
  folio = new Int32Array(1024);
  /** per g number: folio serial until put_page, then 0 */
  gFolio = new Int32Array(1024);
  /** per g number: the references get_page took */
  gTimes = new Int32Array(1024);
  /** maybe-live handles in creation order: +k / -g */
  seq = new Int32Array(1024);
  seqLen = 0;

  /** new k-handle and folio serial for a folio at head index idx; returns the k number */
  newK(idx: number): number {
    const k = ++this.kCount;
    if (k >= this.folio.length) this.folio = grow(this.folio, k, (n) => new Int32Array(n));
    this.folio[k] = idx;
    this.pushSeq(k);
    return k;
  }

  /** new g-handle on folio `serial` holding `times` references; returns the g number */
  newG(serial: number, times: number): number {
    const g = ++this.gCount;
    if (g >= this.gFolio.length) {
      this.gFolio = grow(this.gFolio, g, (n) => new Int32Array(n));
      this.gTimes = grow(this.gTimes, g, (n) => new Int32Array(n));
    }
    this.gFolio[g] = serial;
    this.gTimes[g] = times;
    this.pushSeq(-g);
    return g;
  }

  /** folio serial of a live k-handle, or 0 */
  liveK(k: number): number {
    return k > 0 && k <= this.kCount && this.folio[k]! >= 0 ? k : 0;
  }

  /** folio serial of a live g-handle, or 0 */
  liveG(g: number): number {
    if (g <= 0 || g > this.gCount) return 0;
    const serial = this.gFolio[g]!;
    return serial !== 0 && this.folio[serial] !== DEAD ? serial : 0;
  }

  /** head page index of an allocated folio */
  headOf(serial: number): number {
    const v = this.folio[serial]!;
    return v >= 0 ? v : -2 - v;
  }

  /** free_pages: the k-handle dies, its folio may live on */
  killK(k: number): void {
    this.folio[k] = -2 - this.folio[k]!;
  }

  /** the folio was freed: every handle on it dies */
  folioFreed(serial: number): void {
    this.folio[serial] = DEAD;
  }

  private pushSeq(v: number): void {
    if (this.seqLen === this.seq.length) {
      this.prune();
      if (this.seqLen * 2 > this.seq.length) this.seq = grow(this.seq, this.seq.length, (n) => new Int32Array(n));
    }
    this.seq[this.seqLen++] = v;
  }

  private isLive(v: number): boolean {
    return v > 0 ? this.liveK(v) !== 0 : this.liveG(-v) !== 0;
  }

  /** drop dead entries from `seq`, keeping creation order */
  prune(): void {
    const s = this.seq;
    let w = 0;
    for (let r = 0; r < this.seqLen; r++) {
      const v = s[r]!;
      if (this.isLive(v)) s[w++] = v;
    }
    this.seqLen = w;
  }
}

/**
 * The number n of a handle spelled exactly `${prefix}${n}` with n ≥ 1 and no leading zero, else 0.
 * (An alias such as "k01" names no object, as in a Map keyed by handle string.)
 */
export function parseHandle(h: string, prefix: number): number {
  const len = h.length;
  if (len < 2 || len > 11 || h.charCodeAt(0) !== prefix) return 0;
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
