// get_user_pages / pin_user_pages and their _fast variants, FOLL_LONGTERM, unpin (mm/gup.c,
// MODEL.md "GUP"). The pages a call takes are collected in reusable typed-array scratch, then
// copied into the handle pool.
import { FOLL_FLAGS, GFP_BITS, GFP_COMPOSITES, GUP_FAST_ALLOWED_FLAGS, INTERNAL_GUP_FLAGS, LONGTERM_MAX_PASSES, ZONE_NAMES } from '../api/index.js';
import type { GupOp, GupPage, OpResult } from '../api/index.js';
import { growInt32, growUint8 } from './grow.js';
import { CHAR_G, CHAR_U, CHAR_V, parseHandle } from './handles.js';
import { SCOPE_NONE } from './gfp.js';
import { MIGRATE_CMA, MIGRATE_ISOLATE, NIL, ORDER_MASK, ZONE_MOVABLE } from './mem.js';
import { migrate_folio, MIGRATE_OK } from './migrate.js';
import { folio_is_longterm_pinnable, folio_ref_sub_and_test, grab_pin, GUP_PIN_COUNTING_BIAS, unpin_refs } from './page_ref.js';
import { err, type ImplSystem } from './system.js';
import { PTE_NONE } from './vma.js';

const FOLL_GET = FOLL_FLAGS.FOLL_GET;
const FOLL_PIN = FOLL_FLAGS.FOLL_PIN;
const FOLL_TOUCH = FOLL_FLAGS.FOLL_TOUCH;
const FOLL_LONGTERM = FOLL_FLAGS.FOLL_LONGTERM;
const FOLL_NOFAULT = FOLL_FLAGS.FOLL_NOFAULT;
const FOLL_PCI_P2PDMA = FOLL_FLAGS.FOLL_PCI_P2PDMA;
const GFP_USER = GFP_COMPOSITES.GFP_USER;
const __GFP_HIGHMEM = GFP_BITS.__GFP_HIGHMEM;
/** the pre-c991ffef7bce target mask (linux-5.10, tatashin-v3) */
const GFP_USER_MOVABLE = GFP_USER | GFP_BITS.__GFP_MOVABLE | __GFP_HIGHMEM;

const FOLL_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(FOLL_FLAGS));

/** flag lists parsed before, by value (a copy of the names), two ways per set: a repeat costs a compare */
const CACHE_SETS = 16;
// Stryker disable next-line ObjectLiteral,ArithmeticOperator,ArrowFunction,ArrayDeclaration: a slot's names are read only after cacheFlags marks it filled (!== -2), which writes the names first
const cacheNames: string[][] = Array.from({ length: CACHE_SETS * 2 }, () => []);
const cacheFlags = new Int32Array(CACHE_SETS * 2).fill(-2);
let cacheVictim = 0;

// The cache's "never a hit" variants are equivalent (a miss recomputes the same flags); the "false hit"
// variants (a prefix or a longer list matching) are pinned by tests/model/impl/gup.test.ts.
// Stryker disable next-line BlockStatement: an undefined result is a miss, recomputed
function sameNames(a: readonly string[], b: readonly string[]): boolean {
  // Stryker disable next-line ConditionalExpression: `true` makes every lookup a miss (recomputed); `false` is pinned by the prefix test
  if (a.length !== b.length) return false;
  // Stryker disable next-line EqualityOperator,ConditionalExpression: lengths are equal here, so a[length] === b[length] (both undefined); `true` is a miss
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  // Stryker disable next-line BooleanLiteral: `false` makes every lookup a miss, recomputed
  return true;
}

/** OR of the named FOLL_ flags, -1 for an unknown name */
function parseFoll(names: readonly string[]): number {
  const n = names.length;
  let h = n;
  // Stryker disable ConditionalExpression,BlockStatement,ArithmeticOperator: the hash only picks a cache set; any set is correct
  for (let i = 0; i < n; i++) {
    const s = names[i]!;
    h = h * 31 + s.length * 7 + s.charCodeAt(s.length >> 1);
  }
  // Stryker restore ConditionalExpression,BlockStatement,ArithmeticOperator
  const set = (h & (CACHE_SETS - 1)) * 2;
  // Stryker disable next-line ConditionalExpression: `false` skips a way, a miss that recomputes the same flags
  if (cacheFlags[set] !== -2 && sameNames(names, cacheNames[set]!)) return cacheFlags[set]!;
  // Stryker disable next-line ConditionalExpression: `false` skips a way, a miss that recomputes the same flags
  if (cacheFlags[set + 1] !== -2 && sameNames(names, cacheNames[set + 1]!)) return cacheFlags[set + 1]!;
  const f = lookupFoll(names);
  // Stryker disable next-line ArithmeticOperator: only the slot changes; names and flags are stored together and compared on every hit
  const way = set + (cacheVictim ^= 1);
  cacheNames[way] = names.slice();
  cacheFlags[way] = f;
  return f;
}

function lookupFoll(names: readonly string[]): number {
  let f = 0;
  for (let i = 0; i < names.length; i++) {
    const m = FOLL_BY_NAME.get(names[i]!);
    if (m === undefined) return -1;
    f |= m;
  }
  return f;
}

// is_valid_gup_args // mm/gup.c (pages != NULL, locked == NULL)
export function is_valid_gup_args(callerFlags: number, toSet: number): boolean {
  if (callerFlags < 0 || (callerFlags & INTERNAL_GUP_FLAGS) !== 0) return false;
  const f = callerFlags | toSet;
  if ((f & (FOLL_GET | FOLL_PIN)) === (FOLL_GET | FOLL_PIN)) return false;
  if ((f & (FOLL_LONGTERM | FOLL_PIN)) === FOLL_LONGTERM) return false;
  if ((f & (FOLL_LONGTERM | FOLL_PCI_P2PDMA)) === (FOLL_LONGTERM | FOLL_PCI_P2PDMA)) return false;
  return true;
}

const ENOMEM = -12;
const EFAULT = -14;
// Stryker disable next-line UnaryOperator: -EAGAIN is never returned in practice (migration targets are always pinnable, MODEL.md GUP 12)
const EAGAIN = -11;

/** pages taken by the current call: VMA index, pfn, folio serial, head page index; migrated marks */
class Taken {
  n = 0;
  index = new Int32Array(256);
  pfn = new Int32Array(256);
  serial = new Int32Array(256);
  head = new Int32Array(256);
  /** room for `more` pushes without a check */
  reserve(more: number): void {
    const need = this.n + more;
    // Stryker disable next-line EqualityOperator: growing at an exact fit is only spare capacity
    if (need <= this.index.length) return;
    this.index = growInt32(this.index, need);
    this.pfn = growInt32(this.pfn, need);
    this.serial = growInt32(this.serial, need);
    this.head = growInt32(this.head, need);
  }
  push(index: number, pfn: number, serial: number, head: number): void {
    const n = this.n;
    this.index[n] = index;
    this.pfn[n] = pfn;
    this.serial[n] = serial;
    this.head[n] = head;
    this.n = n + 1;
  }
}

const taken = new Taken();
/** per index - start of the call: 1 when the folio there migrated during the call */
let migrated = new Uint8Array(256);
/** collected unpinnable folios: head index and VMA index of their first page */
let collectHead = new Int32Array(64);
let collectSerial = new Int32Array(64);

export function gup(sys: ImplSystem, op: GupOp): OpResult {
  const name = op.op;
  const pin = name === 'pin_user_pages' || name === 'pin_user_pages_fast';
  const fast = name === 'get_user_pages_fast' || name === 'pin_user_pages_fast';
  // Stryker disable next-line ConditionalExpression,StringLiteral: FOLL_TOUCH is not modelled (it only marks pages accessed): pin_user_pages with FOLL_PIN alone behaves the same
  const pinSet = name === 'pin_user_pages' ? FOLL_PIN | FOLL_TOUCH : FOLL_PIN;
  const toSet = name === 'get_user_pages' ? FOLL_TOUCH | FOLL_GET : name === 'get_user_pages_fast' ? FOLL_GET : pinSet;
  const caller = parseFoll(op.gup_flags);
  if (!is_valid_gup_args(caller, toSet)) return name === 'pin_user_pages' ? { ret: 0 } : err('-EINVAL');
  const flags = caller | toSet;
  if (fast && (flags & ~GUP_FAST_ALLOWED_FLAGS) !== 0) return err('-EINVAL');
  const h = sys.handles;
  const v = parseHandle(op.vma, CHAR_V);
  if (!h.liveV(v)) return err('-EBADF');
  const nr = op.nr;
  const index = op.index;
  if (!(Number.isInteger(nr) && nr >= 0)) return err('-EINVAL');
  if (nr === 0) return { ret: 0 };
  const pages = sys.vmas.pages[v]!;
  if (!(Number.isInteger(index) && index >= 0 && index < pages)) return err('-EFAULT');
  const end = Math.min(pages, index + nr);
  taken.n = 0;
  // Stryker disable next-line ArithmeticOperator: a larger reservation is only spare capacity
  taken.reserve(end - index);
  // Stryker disable next-line ConditionalExpression: marks are cleared below and set only by a FOLL_LONGTERM migration, so a call without it reads none
  const longterm = (flags & FOLL_LONGTERM) !== 0;
  // Stryker disable next-line ConditionalExpression: clearing the marks for any call is harmless
  if (longterm) {
    // only FOLL_LONGTERM marks pages migrated; other calls never read the marks
    // Stryker disable next-line EqualityOperator,ArithmeticOperator: growing at an exact fit or to a larger size is only capacity
    if (migrated.length < end - index) migrated = growUint8(migrated, end - index);
    // Stryker disable next-line ArithmeticOperator: clearing more marks than the call reads is harmless
    migrated.fill(0, 0, end - index);
  }

  let ret: number;
  if (fast) {
    const i = gup_fast(sys, v, index, end, flags);
    // only the sign of ret is read: the slow path on an empty range returns 0, not an error
    // Stryker disable next-line ConditionalExpression: as above
    ret = i === end ? taken.n : __gup_longterm_locked(sys, v, i, end, flags, index);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: ret >= 0 replaced by taken.n stays >= 0
    if (ret < 0 && taken.n > 0) ret = taken.n; // gup_fast_fallback: the fast prefix stands
  } else ret = __gup_longterm_locked(sys, v, index, end, flags, index);
  // Stryker disable next-line EqualityOperator,ConditionalExpression,StringLiteral: ret is never 0 (a call takes a page or fails); only -EAGAIN, never returned in practice, tells `ret === EFAULT` → true or '-EAGAIN' → "" apart
  if (ret < 0) return err(ret === ENOMEM ? '-ENOMEM' : ret === EFAULT ? '-EFAULT' : '-EAGAIN');

  const n = taken.n;
  const off = h.reserve(n);
  const poolPfn = h.poolPfn;
  const poolSerial = h.poolSerial;
  const mm = sys.mm;
  const base = mm.base;
  const zoneOf = mm.zoneOf;
  const zoneNid = mm.zoneNid;
  const zoneIdx = mm.zoneIdx;
  const tPfn = taken.pfn;
  const tSerial = taken.serial;
  const tIndex = taken.index;
  // Stryker disable next-line ArrayDeclaration: preallocation only; every slot is assigned below
  const out: GupPage[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const pfn = tPfn[i]!;
    poolPfn[off + i] = pfn;
    poolSerial[off + i] = tSerial[i]!;
    const z = zoneOf[pfn - base]!;
    const idx = tIndex[i]!;
    out[i] = { index: idx, pfn, nid: zoneNid[z]!, zone: ZONE_NAMES[zoneIdx[z]!]!, migrated: longterm && migrated[idx - index] === 1 };
  }
  if (pin) return { ret: n, pin: `u${h.newPin(off, n)}`, pages: out };
  return { ret: n, ref: `g${h.newGup(off, n)}`, pages: out };
}

// gup_fast // mm/gup.c: take present pages from `start`; returns the first index not taken
function gup_fast(sys: ImplSystem, v: number, start: number, end: number, flags: number): number {
  const mm = sys.mm;
  const pte = sys.vmas.pte;
  const o = sys.vmas.off[v]!;
  const mask = (1 << sys.vmas.folioOrder[v]!) - 1;
  let i = start;
  for (; i < end; i++) {
    const pfn = pte[o + i]!;
    if (pfn === PTE_NONE) break;
    const head = pfn - (i & mask) - mm.base;
    // try_get_folio: refuses `_refcount` < 0 and, add-unless-zero, == 0
    if (mm.refcount[head]! <= 0) break;
    // try_grab_folio_fast: FOLL_LONGTERM drops the reference again on an unpinnable folio
    // (linux-5.7: not checked at all)
    // Stryker disable next-line ConditionalExpression: checking without FOLL_LONGTERM only moves the rest of the range to the slow path, which takes the same pages the same way
    if ((flags & FOLL_LONGTERM) !== 0 && !sys.fastSkipsLongtermCheck && !longterm_pinnable(sys, head)) break;
    grab(sys, head, flags);
    taken.push(i, pfn, mm.next[head]!, head);
  }
  return i;
}

// folio_is_longterm_pinnable under the profile: linux-5.10 refuses only CMA and ISOLATE pageblocks
function longterm_pinnable(sys: ImplSystem, head: number): boolean {
  const mm = sys.mm;
  if (sys.longtermCmaOnly) {
    const mt = mm.pbType[head >>> mm.pageblockOrder]!;
    // Stryker disable next-line ConditionalExpression: no pageblock is MIGRATE_ISOLATE between ops (cma_alloc and offline_pages undo or offline it), so GUP never sees one
    return mt !== MIGRATE_CMA && mt !== MIGRATE_ISOLATE;
  }
  return folio_is_longterm_pinnable(mm, head, sys.ltpinNp);
}

function grab(sys: ImplSystem, head: number, flags: number): void {
  const mm = sys.mm;
  // linux-5.6: FOLL_PIN counted like FOLL_GET
  if ((flags & FOLL_PIN) !== 0 && !sys.pinCountsLikeGet) grab_pin(mm, head, mm.flags[head]! & ORDER_MASK);
  else mm.refcount[head] = (mm.refcount[head]! + 1) | 0;
}

// __get_user_pages // mm/gup.c: pages done (appended to `taken`), or -errno if none
function __get_user_pages(sys: ImplSystem, v: number, start: number, end: number, flags: number): number {
  const mm = sys.mm;
  const pte = sys.vmas.pte;
  const o = sys.vmas.off[v]!;
  const mask = (1 << sys.vmas.folioOrder[v]!) - 1;
  const first = taken.n;
  let error = 0;
  for (let i = start; i < end; i++) {
    let pfn = pte[o + i]!;
    if (pfn === PTE_NONE) {
      if ((flags & FOLL_NOFAULT) !== 0) {
        error = EFAULT;
        break;
      }
      if (sys.do_anonymous_page(v, i & ~mask) === NIL) {
        error = ENOMEM;
        break;
      }
      pfn = pte[o + i]!;
    }
    const head = pfn - (i & mask) - mm.base;
    // try_grab_folio: `_refcount <= 0` is refused
    if (mm.refcount[head]! <= 0) {
      error = ENOMEM;
      break;
    }
    grab(sys, head, flags);
    taken.push(i, pfn, mm.next[head]!, head);
  }
  // Stryker disable next-line ArithmeticOperator: callers read only the sign, and with first > 0 (a fast prefix) they keep the prefix on an error anyway
  const n = taken.n - first;
  return n > 0 ? n : error;
}

// __gup_longterm_locked // mm/gup.c, with the pass bound of MODEL.md
function __gup_longterm_locked(sys: ImplSystem, v: number, start: number, end: number, flags: number, callStart: number): number {
  if ((flags & FOLL_LONGTERM) === 0) return __get_user_pages(sys, v, start, end, flags);
  const saved = sys.memallocPin;
  sys.memallocPin = sys.longtermScope; // memalloc_pin_save (linux-5.10: memalloc_nocma_save)
  try {
    const first = taken.n;
    // Stryker disable next-line EqualityOperator,UpdateOperator: a second pass finds every page pinnable (targets are never ZONE_MOVABLE or CMA), so the bound is never reached
    for (let pass = 0; pass < LONGTERM_MAX_PASSES; pass++) {
      const n = __get_user_pages(sys, v, start, end, flags);
      // n <= 0 (nothing taken): nothing to collect, n is returned just below
      const nc = collect_longterm_unpinnable_folios(sys, first);
      if (nc === 0) return n;
      const last = taken.n;
      unpin_taken(sys, first);
      if (migrate_longterm_unpinnable_folios(sys, v, nc, first, last, callStart) !== 0) {
        // linux-5.10 (B4): migrate_allow = false, the range is pinned again without migration
        if (sys.longtermCmaOnly) return __get_user_pages(sys, v, start, end, flags);
        return ENOMEM;
      }
      // tatashin-v3 (B3): pinned after one migration pass, not collected again
      // Stryker disable next-line ConditionalExpression: elsewhere the next pass's walk collects nothing (targets are pinnable) and returns the same walk
      if (sys.targetMayBeMovable) return __get_user_pages(sys, v, start, end, flags);
    }
    return EAGAIN;
  } finally {
    sys.memallocPin = saved; // memalloc_pin_restore
  }
}

// collect_longterm_unpinnable_folios // mm/gup.c: in page order, each folio once
function collect_longterm_unpinnable_folios(sys: ImplSystem, first: number): number {
  const mm = sys.mm;
  let nc = 0;
  let last = -1;
  for (let i = first; i < taken.n; i++) {
    const head = taken.head[i]!;
    // Stryker disable next-line ConditionalExpression: a folio collected twice is skipped the second time (its first migration freed it: alive() is false)
    if (head === last || longterm_pinnable(sys, head)) continue;
    last = head;
    if (nc === collectHead.length) {
      collectHead = growInt32(collectHead, nc);
      collectSerial = growInt32(collectSerial, nc);
    }
    collectHead[nc] = head;
    collectSerial[nc++] = taken.serial[i]!;
  }
  return nc;
}

/** unpin every page taken from position `first` on, and forget them */
function unpin_taken(sys: ImplSystem, first: number): void {
  for (let i = first; i < taken.n; i++) release_page(sys, taken.serial[i]!, true);
  taken.n = first;
}

// migrate_longterm_unpinnable_folios // mm/gup.c: 0, or ENOMEM at the first failure
// (the pass's pages stay readable in `taken` at [first, last) after the unpin)
function migrate_longterm_unpinnable_folios(sys: ImplSystem, v: number, nc: number, first: number, last: number, callStart: number): number {
  const mm = sys.mm;
  const mems = sys.tasks.mems[sys.vmas.task[v]!]!;
  // linux-5.10 and tatashin-v3: GFP_USER | __GFP_MOVABLE | __GFP_HIGHMEM; tatashin-v3's target is
  // allocated outside the scope's stripping (5.10's nocma scope still applies)
  // Stryker disable next-line ConditionalExpression: `true`: under SCOPE_PIN __GFP_MOVABLE is stripped and __GFP_HIGHMEM selects ZONE_NORMAL like GFP_USER
  const gfp = sys.longtermCmaOnly || sys.targetMayBeMovable ? GFP_USER_MOVABLE : GFP_USER;
  const scope = sys.memallocPin;
  if (sys.targetMayBeMovable) sys.memallocPin = SCOPE_NONE;
  try {
    for (let c = 0; c < nc; c++) {
      // freed by the unpin (a wrapped count): unreachable, a pass's unpin returns each folio to the `_refcount` > 0 it had before the pass
      // Stryker disable next-line ConditionalExpression: as above
      if (!sys.folios.alive(collectSerial[c]!)) continue;
      const src = collectHead[c]!;
      if (migrate_folio(sys, src, gfp, mm.zoneNodePos[mm.zoneOf[src]!]!, null, mems) !== MIGRATE_OK) return ENOMEM;
      // Stryker disable next-line EqualityOperator: a stale entry at `last` with this serial is a page of this folio at its own index, migrated too
      for (let j = first; j < last; j++) if (taken.serial[j] === collectSerial[c]) migrated[taken.index[j]! - callStart] = 1;
    }
    return 0;
  } finally {
    sys.memallocPin = scope;
  }
}

/** drop what one GUP page took: a pin (bias or `_pincount`) or a FOLL_GET reference */
function release_page(sys: ImplSystem, serial: number, pin: boolean): void {
  const folios = sys.folios;
  // Stryker disable next-line ConditionalExpression: unreachable, only unpin_taken calls this, on pages just grabbed, and the unpin never reaches 0
  if (!folios.alive(serial)) return;
  const idx = folios.headOf(serial);
  const mm = sys.mm;
  const refs = pin && !sys.pinCountsLikeGet ? unpin_refs(mm, idx, mm.flags[idx]! & ORDER_MASK) : 1;
  if (folio_ref_sub_and_test(mm, idx, refs)) sys.freeFolio(serial, idx);
}

// unpin_user_pages / put_page on a GUP handle: release page by page in index order
export function put_gup(sys: ImplSystem, handle: string, pin: boolean): OpResult {
  const h = sys.handles;
  let off: number;
  let len: number;
  if (pin) {
    const u = parseHandle(handle, CHAR_U);
    if (!h.liveU(u)) return err('-EBADF');
    h.uDone[u] = 1;
    off = h.uOff[u]!;
    len = h.uLen[u]!;
  } else {
    const g = parseHandle(handle, CHAR_G);
    h.gDone[g] = 1;
    off = h.gArg[g]!;
    len = h.gLen[g]!;
  }
  // consecutive pages of one folio are put together (gup_folio_next grouping in unpin_user_pages)
  const ps = h.poolSerial;
  const mm = sys.mm;
  const folios = sys.folios;
  // linux-5.6: an unpin drops 1 like put_page, `_pincount` untouched
  if (sys.pinCountsLikeGet) pin = false;
  const end = off + len;
  for (let i = off; i < end; ) {
    const serial = ps[i]!;
    let k = 1;
    // Stryker disable next-line ConditionalExpression: grouping is a shortcut; page by page (k = 1) gives the same counts
    while (i + k < end && ps[i + k] === serial) k++;
    i += k;
    // Stryker disable next-line ConditionalExpression: a dead user folio's head is DEAD (-1); every access below at index -1 of a typed array is a no-op
    if (!folios.alive(serial)) continue;
    const idx = folios.headOf(serial);
    const large = (mm.flags[idx]! & ORDER_MASK) !== 0;
    const d = pin && !large ? GUP_PIN_COUNTING_BIAS : 1;
    const r = mm.refcount[idx]!;
    // page by page, `_refcount` would reach exactly 0 at page r / d when d <= r <= k * d and d divides
    // r: d = 1024 only for a small folio, which a handle holds once (k = 1), so then r = 1024
    const hits = r >= d && r <= k * d;
    // a large pin has d = 1: `_pincount` drops once per page up to page r
    // Stryker disable next-line ConditionalExpression: `false` differs only when hits, and then the folio is freed below, its `_pincount` never read again
    if (pin && large) mm.next[idx + 1] = (mm.next[idx + 1]! - (hits ? r : k)) | 0;
    if (!hits) mm.refcount[idx] = (r - k * d) | 0;
    else {
      mm.refcount[idx] = 0;
      sys.freeFolio(serial, idx);
    }
  }
  return { ret: 0 };
}
