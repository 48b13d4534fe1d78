// get_user_pages / pin_user_pages and their fast variants, FOLL_LONGTERM and unpinning (mm/gup.c),
// as docs/MODEL.md "GUP" fixes them. Pins and FOLL_GET references are exact holders per page.
import {
  FOLL_FLAGS,
  GFP_BITS,
  GFP_COMPOSITES,
  GUP_FAST_ALLOWED_FLAGS,
  HANDLE_PREFIX,
  INTERNAL_GUP_FLAGS,
  LONGTERM_MAX_PASSES,
  type Errno,
  type FollFlagName,
  type GupOp,
  type GupOpName,
  type GupPage,
  type GupResult,
} from '../api/index.js';
import { folio_ref_count, folio_test_large, folioMapped, type Folio, type Holder } from './folio.js';
import { killHandle, nameHandle, setLive, type GupPageRef, type HandleRecord, type HandleTable } from './handles.js';
import { emit, get_pfnblock_migratetype, type Machine } from './machine.js';
import { migrate_folio, type MigrationTarget } from './migrate.js';
import { folio_is_private_node, node_private_allows_longterm_pin } from './private.js';
import { addHolder, dropHolder } from './pageref.js';
import { do_anonymous_page, inVma, vmaPagePfn, type Vma } from './vma.js';

const F = FOLL_FLAGS;

/** The flags each entry point adds before is_valid_gup_args (get_user_pages: FOLL_GET as pages != NULL). */
export const GUP_ENTRY_FLAGS: Readonly<Record<GupOpName, number>> = {
  get_user_pages: F.FOLL_TOUCH | F.FOLL_GET,
  get_user_pages_fast: F.FOLL_GET,
  pin_user_pages: F.FOLL_PIN | F.FOLL_TOUCH,
  pin_user_pages_fast: F.FOLL_PIN,
};

/** FOLL_* names to a mask, or undefined when a name is unknown. */
export function parseFollFlags(names: readonly string[]): number | undefined {
  let flags = 0;
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(FOLL_FLAGS, name)) return undefined;
    flags |= FOLL_FLAGS[name as FollFlagName];
  }
  return flags;
}

/**
 * is_valid_gup_args (mm/gup.c): the caller's flags plus the entry point's `toSet`, or undefined
 * when the combination is invalid (internal flags from the caller, GET with PIN, LONGTERM without
 * PIN, LONGTERM with PCI_P2PDMA). `pages` is never NULL and `locked` always NULL in the model.
 */
export function is_valid_gup_args(callerFlags: number, toSet: number): number | undefined {
  if ((callerFlags & INTERNAL_GUP_FLAGS) !== 0) return undefined;
  const flags = callerFlags | toSet;
  if ((flags & F.FOLL_GET) !== 0 && (flags & F.FOLL_PIN) !== 0) return undefined;
  if ((flags & F.FOLL_LONGTERM) !== 0 && (flags & F.FOLL_PIN) === 0) return undefined;
  if ((flags & F.FOLL_LONGTERM) !== 0 && (flags & F.FOLL_PCI_P2PDMA) !== 0) return undefined;
  return flags;
}

/**
 * folio_is_longterm_pinnable (include/linux/mm.h): why not, or undefined when it is pinnable.
 * After the CMA/ISOLATE test, a folio on a private node under a `pinnable: 'flag'` profile is
 * pinnable iff the node has NP_OPS_LONGTERM_PIN, whatever its zone (RFC v4 patch 20): `private`.
 * Under `pinnable: 'zone'` (and for normal nodes) ZONE_MOVABLE decides.
 *
 * linux-5.10 (`longtermCmaOnly`): only the CMA/ISOLATE test, 5.10's is_migrate_cma_page in
 * check_and_migrate_cma_pages; ZONE_MOVABLE became unpinnable with 8e3560d963d2 (5.13).
 */
export function longtermUnpinnableWhy(
  machine: Machine,
  folio: Folio,
): 'ZONE_MOVABLE' | 'MIGRATE_CMA' | 'MIGRATE_ISOLATE' | 'private' | undefined {
  const mt = get_pfnblock_migratetype(machine, folio.pfn);
  if (mt === 'MIGRATE_CMA' || mt === 'MIGRATE_ISOLATE') return mt;
  if (machine.profile.historicalRules.longtermCmaOnly) return undefined;
  if (machine.profile.privateNodes?.pinnable === 'flag' && folio_is_private_node(machine, folio)) {
    return node_private_allows_longterm_pin(machine, folio.zone.nid) ? undefined : 'private';
  }
  if (folio.zone.name === 'ZONE_MOVABLE') return 'ZONE_MOVABLE';
  return undefined;
}

/** folio_is_longterm_pinnable (include/linux/mm.h) */
export function folio_is_longterm_pinnable(machine: Machine, folio: Folio): boolean {
  return longtermUnpinnableWhy(machine, folio) === undefined;
}

/** One page a GUP walk took, with the holder that records it. */
interface Taken {
  readonly index: number;
  readonly folio: Folio;
  readonly holder: Holder;
}

/** The holder a GET or PIN grab of page `index` adds. */
function grabHolder(flags: number, handle: string, index: number): Holder {
  if ((flags & F.FOLL_PIN) !== 0) return { kind: 'pin', handle, index, longterm: (flags & F.FOLL_LONGTERM) !== 0 };
  return { kind: 'gup_get', handle, index };
}

/**
 * try_grab_folio (mm/gup.c): refuse a folio whose `_refcount` is <= 0 (-ENOMEM), else FOLL_GET +1,
 * FOLL_PIN +1024 on a small folio, +1 and `_pincount` +1 on a large one.
 */
export function try_grab_folio(machine: Machine, folio: Folio, flags: number, handle: string, index: number): Taken | Errno {
  if (folio_ref_count(folio) <= 0) {
    emit(machine, { kind: 'grab-refused' });
    return '-ENOMEM';
  }
  const holder = grabHolder(flags, handle, index);
  addHolder(machine, folio, holder);
  if (holder.kind === 'pin') emit(machine, { kind: 'pin', large: folio_test_large(folio) });
  return { index, folio, holder };
}

/** gup_put_folio (mm/gup.c): drop one page's GET or PIN; true when that freed the folio. */
export function gup_put_folio(machine: Machine, folio: Folio, holder: Holder): boolean {
  if (!machine.folios.has(folio.pfn) || machine.folios.get(folio.pfn) !== folio) return false;
  if (!folio.holders.includes(holder)) return false;
  return dropHolder(machine, folio, holder);
}

type Walk = { readonly taken: Taken[]; readonly err?: Errno };

/**
 * __get_user_pages (mm/gup.c): pages [start, start+nr) in ascending index, stopping at the VMA
 * end or at an error. Not present: fault the chunk (FOLL_NOFAULT: -EFAULT; failure: -ENOMEM).
 */
export function __get_user_pages(machine: Machine, vma: Vma, start: number, nr: number, flags: number, handle: string): Walk {
  if (!inVma(vma, start)) return { taken: [], err: '-EFAULT' };
  const taken: Taken[] = [];
  const end = Math.min(start + nr, vma.pages);
  for (let i = start; i < end; i++) {
    let folio = vma.ptes[i] ?? undefined;
    if (folio === undefined) {
      if ((flags & F.FOLL_NOFAULT) !== 0) return { taken, err: '-EFAULT' };
      folio = do_anonymous_page(machine, vma, i);
      if (folio === undefined) return { taken, err: '-ENOMEM' };
    }
    const grabbed = try_grab_folio(machine, folio, flags, handle, i);
    if (typeof grabbed === 'string') return { taken, err: grabbed };
    taken.push(grabbed);
  }
  return { taken };
}

/** Release what a walk took, page by page in index order. */
function releaseTaken(machine: Machine, taken: readonly Taken[]): void {
  for (const t of taken) gup_put_folio(machine, t.folio, t.holder);
}

/**
 * collect_longterm_unpinnable_folios (mm/gup.c): the folios of the taken pages that may not be
 * long-term pinned, in page order, each once.
 */
export function collect_longterm_unpinnable_folios(machine: Machine, taken: readonly Taken[]): Folio[] {
  const collected: Folio[] = [];
  for (const t of taken) {
    if (collected.includes(t.folio)) continue;
    const why = longtermUnpinnableWhy(machine, t.folio);
    if (why === undefined) continue;
    emit(machine, { kind: 'longterm-unpinnable', why });
    collected.push(t.folio);
  }
  return collected;
}

/**
 * The migration target of a long-term pin for `folio`: GFP_USER (alloc_migration_target adds
 * __GFP_HIGHMEM from ZONE_MOVABLE), the source's node, the VMA task's context (the pin scope) and cpuset.
 *
 * linux-5.10 (`longtermCmaOnly`): check_and_migrate_cma_pages' mtc is GFP_USER | __GFP_MOVABLE
 * (| __GFP_HIGHMEM, docs/MODEL.md), allocated in the memalloc_nocma scope, which keeps
 * __GFP_MOVABLE and clears ALLOC_CMA: the target may be in ZONE_MOVABLE, never in CMA.
 * tatashin-v3 (`targetMayBeMovable`): the same mask, and the pin scope did not reach the target
 * allocation, so nothing is stripped: ZONE_MOVABLE or CMA (fixed in v4 by c991ffef7bce "mm/gup:
 * don't pin migrated cma pages in movable zone").
 */
function longtermMigrationTarget(machine: Machine, vma: Vma, folio: Folio): MigrationTarget {
  const rules = machine.profile.historicalRules;
  const node = machine.nodes.find((n) => n.nid === folio.zone.nid)!;
  if (rules.longtermCmaOnly || rules.targetMayBeMovable) {
    return {
      task: vma.task,
      gfp: GFP_COMPOSITES.GFP_USER | GFP_BITS.__GFP_MOVABLE | GFP_BITS.__GFP_HIGHMEM,
      preferred: node,
      nodemask: undefined,
      withoutTaskContext: rules.targetMayBeMovable,
    };
  }
  return { task: vma.task, gfp: GFP_COMPOSITES.GFP_USER, preferred: node, nodemask: undefined };
}

/**
 * check_and_migrate_movable_pages (mm/gup.c): none unpinnable → 0; else unpin the pass and migrate
 * each collected folio (longtermMigrationTarget): -EAGAIN when all moved, -ENOMEM at the first
 * failure.
 */
export function check_and_migrate_movable_pages(
  machine: Machine,
  vma: Vma,
  taken: readonly Taken[],
  migrated: Set<number>,
): 0 | '-EAGAIN' | '-ENOMEM' {
  const collected = collect_longterm_unpinnable_folios(machine, taken);
  if (collected.length === 0) return 0;
  releaseTaken(machine, taken);
  for (const folio of collected) {
    if (machine.folios.get(folio.pfn) !== folio) continue; // freed by the unpin (a wrapped count)
    const outcome = migrate_folio(machine, folio, 'longterm', () => longtermMigrationTarget(machine, vma, folio));
    if (!outcome.ok) return '-ENOMEM';
    for (const t of taken) if (t.folio === folio) migrated.add(t.index);
  }
  return '-EAGAIN';
}

/**
 * __gup_longterm_locked (mm/gup.c): without FOLL_LONGTERM one walk. With it, inside a pin scope
 * (memalloc_pin_save), walk, migrate what may not be pinned, and walk again, for at most
 * LONGTERM_MAX_PASSES passes that migrated something (then -EAGAIN, nothing pinned).
 *
 * linux-5.10 (`longtermCmaOnly`, B4): a failed migration sets `migrate_allow = false` and the range
 * is walked once more and returned without collecting (fixed by f0f4463837da "mm/gup: return an
 * error on migration failure", 5.13). tatashin-v3 (`targetMayBeMovable`, B3): after one pass that
 * migrated, the range is walked once more and returned without collecting (c991ffef7bce in v4).
 */
export function __gup_longterm_locked(
  machine: Machine,
  vma: Vma,
  start: number,
  nr: number,
  flags: number,
  handle: string,
  migrated: Set<number>,
): Walk {
  if ((flags & F.FOLL_LONGTERM) === 0) return __get_user_pages(machine, vma, start, nr, flags, handle);
  const task = vma.task;
  const saved = task.flags.has('PF_MEMALLOC_PIN');
  task.flags.add('PF_MEMALLOC_PIN');
  const rules = machine.profile.historicalRules;
  let migrateAllow = true;
  try {
    for (let pass = 1; ; pass++) {
      const walk = __get_user_pages(machine, vma, start, nr, flags, handle);
      // Stryker disable next-line ConditionalExpression: equivalent, an empty walk collects nothing, so check_and_migrate_movable_pages returns 0 and the same walk is returned below
      if (walk.taken.length === 0) return walk;
      if (!migrateAllow) return walk; // linux-5.10 after a failed migration: pinned in place
      if (rules.targetMayBeMovable && pass > 1) return walk; // tatashin-v3: no second collection
      const rc = check_and_migrate_movable_pages(machine, vma, walk.taken, migrated);
      if (rc === 0) return walk;
      if (rc === '-ENOMEM') {
        if (rules.longtermCmaOnly) {
          migrateAllow = false; // linux-5.10: the next walk pins in place
          continue;
        }
        emit(machine, { kind: 'longterm-failed', ret: '-ENOMEM' });
        return { taken: [], err: '-ENOMEM' };
      }
      if (pass >= LONGTERM_MAX_PASSES) {
        emit(machine, { kind: 'longterm-failed', ret: '-EAGAIN' });
        return { taken: [], err: '-EAGAIN' };
      }
    }
  } finally {
    if (!saved) task.flags.delete('PF_MEMALLOC_PIN');
  }
}

/**
 * gup_fast (mm/gup.c, try_grab_folio_fast): the present prefix from `start`, stopping at a page
 * that is not present, whose `_refcount` is <= 0, or (FOLL_LONGTERM) whose folio may not be pinned
 * (that reference is dropped again, so nothing changes).
 */
export function gup_fast(machine: Machine, vma: Vma, start: number, nr: number, flags: number, handle: string): Taken[] {
  const taken: Taken[] = [];
  const end = Math.min(start + nr, vma.pages);
  for (let i = start; i < end; i++) {
    const folio = vma.ptes[i] ?? undefined;
    if (folio === undefined) break;
    if (folio_ref_count(folio) <= 0) break;
    // linux-5.7 (`fastSkipsLongtermCheck`): no pinnability test here, the folio is pinned in place
    // (fixed by Pingfan Liu's "mm/gup: fix omission of check on FOLL_LONGTERM in gup fast path", B2).
    const check = !machine.profile.historicalRules.fastSkipsLongtermCheck;
    if (check && (flags & F.FOLL_LONGTERM) !== 0 && !folio_is_longterm_pinnable(machine, folio)) break;
    const holder = grabHolder(flags, handle, i);
    addHolder(machine, folio, holder);
    if (holder.kind === 'pin') emit(machine, { kind: 'pin', large: folio_test_large(folio) });
    taken.push({ index: i, folio, holder });
  }
  return taken;
}

/**
 * gup_fast_fallback (mm/gup.c): the fast prefix, then the rest through __gup_longterm_locked from
 * the first page not taken; a slow-path failure after a non-empty prefix returns the prefix.
 */
export function gup_fast_fallback(
  machine: Machine,
  vma: Vma,
  start: number,
  nr: number,
  flags: number,
  handle: string,
  migrated: Set<number>,
): Walk {
  const prefix = gup_fast(machine, vma, start, nr, flags, handle);
  if (prefix.length === nr) return { taken: prefix };
  emit(machine, { kind: 'gup-fast-fallback' });
  const rest = __gup_longterm_locked(machine, vma, start + prefix.length, nr - prefix.length, flags, handle, migrated);
  // the slow path took nothing (it failed): the prefix if there is one, else its error
  if (rest.taken.length === 0) return prefix.length > 0 ? { taken: prefix } : rest;
  return { taken: [...prefix, ...rest.taken] };
}

/** The name the next handle of this kind will get, without taking it. */
function peekHandle(table: HandleTable, kind: GupOpName): string {
  const prefix = HANDLE_PREFIX[kind];
  return `${prefix}${(table.created[prefix] ?? 0) + 1}`;
}

/**
 * get_user_pages, get_user_pages_fast, pin_user_pages, pin_user_pages_fast over (vma, index, nr):
 * the checks and results of docs/MODEL.md "GUP" steps 1–7.
 */
export function gupCall(machine: Machine, op: GupOp, lookup: (h: string) => Vma | undefined): GupResult | { ret: 0 } | { ret: Errno } {
  const fast = op.op === 'get_user_pages_fast' || op.op === 'pin_user_pages_fast';
  const caller = parseFollFlags(op.gup_flags);
  const flags = caller === undefined ? undefined : is_valid_gup_args(caller, GUP_ENTRY_FLAGS[op.op]);
  if (flags === undefined) return op.op === 'pin_user_pages' ? { ret: 0 } : { ret: '-EINVAL' };
  if (fast && (flags & ~GUP_FAST_ALLOWED_FLAGS) !== 0) return { ret: '-EINVAL' };
  const vma = lookup(op.vma);
  if (vma === undefined) return { ret: '-EBADF' };
  if (!Number.isInteger(op.nr) || op.nr < 0) return { ret: '-EINVAL' };
  if (op.nr === 0) return { ret: 0 };
  if (!inVma(vma, op.index)) return { ret: '-EFAULT' };

  const handle = peekHandle(machine.handles, op.op);
  const migrated = new Set<number>();
  const walk = fast
    ? gup_fast_fallback(machine, vma, op.index, op.nr, flags, handle, migrated)
    : __gup_longterm_locked(machine, vma, op.index, op.nr, flags, handle, migrated);
  if (walk.taken.length === 0) return { ret: walk.err ?? '-EFAULT' };

  nameHandle(machine.handles, op.op); // commit the peeked name
  const pages: GupPageRef[] = walk.taken.map((t) => ({ index: t.index, pfn: vmaPagePfn(vma, t.index, t.folio), folio: t.folio }));
  const record: HandleRecord = { handle, kind: op.op, pages };
  setLive(machine.handles, record);
  const result: GupPage[] = walk.taken.map((t) => ({
    index: t.index,
    pfn: vmaPagePfn(vma, t.index, t.folio),
    nid: t.folio.zone.nid,
    zone: t.folio.zone.name,
    migrated: migrated.has(t.index),
  }));
  if ((flags & F.FOLL_LONGTERM) !== 0) {
    // a FOLL_LONGTERM pin that left folios on a private node: once per folio, in page order
    const onPrivate = new Set(walk.taken.map((t) => t.folio).filter((f) => folio_is_private_node(machine, f)));
    for (const _ of onPrivate) emit(machine, { kind: 'private-pin' });
  }
  const pin = (flags & F.FOLL_PIN) !== 0;
  return pin ? { ret: pages.length, pin: handle, pages: result } : { ret: pages.length, ref: handle, pages: result };
}

/**
 * unpin_user_pages / put_page of a GUP handle (mm/gup.c gup_put_folio per page, index order): drop
 * exactly what the call took. A user folio freed here while unmapped is reported.
 */
export function releaseGupHandle(machine: Machine, record: Extract<HandleRecord, { pages: readonly GupPageRef[] }>): void {
  killHandle(machine.handles, record.handle);
  for (const page of record.pages) {
    // a live record's pages still have their holders: only this release drops them, and a freed folio kills the handle
    const holder = page.folio.holders.find((h) => {
      // Stryker disable next-line ConditionalExpression: equivalent when false, only pin and gup_get holders carry both a handle and an index (the test narrows the type)
      if (h.kind !== 'pin' && h.kind !== 'gup_get') return false;
      return h.handle === record.handle && h.index === page.index;
    })!;
    const mapped = folioMapped(page.folio);
    if (gup_put_folio(machine, page.folio, holder) && page.folio.user && mapped === 0) emit(machine, { kind: 'freed-unmapped' });
  }
}
