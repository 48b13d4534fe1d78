// The optimized MmSystem: ops dispatched with a plain switch onto the typed-array memory map.
import { GFP_BITS, GFP_COMPOSITES, MIGRATETYPE_NAMES, ZONE_NAMES } from '../api/index.js';
import type {
  AllocPagesOp,
  Errno,
  ErrorResult,
  FreePagesOp,
  GetPageOp,
  MachineConfig,
  MmapOp,
  MmSystem,
  MunmapOp,
  Op,
  OpResult,
  PagePlacement,
  Profile,
  PutPageOp,
  QueryOp,
  Snapshot,
  TouchOp,
} from '../api/index.js';
import { get_page_from_freelist } from './alloc.js';
import { cma_alloc, cma_release, CmaTable } from './cma.js';
import { FolioTable } from './folios.js';
import { current_gfp_context, gfp_migratetype_bad, gfp_zone_bad, parseGfp, SCOPE_NOCMA, SCOPE_NONE, SCOPE_PIN } from './gfp.js';
import { gup, put_gup } from './gup.js';
import { CHAR_G, CHAR_K, CHAR_V, HandleTable, parseHandle } from './handles.js';
import { freeAllZoneRanges } from './free.js';
import { offline_pages, online_pages } from './hotplug.js';
import { MemMap, NIL, ORDER_MASK, PG_ANON } from './mem.js';
import { MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED, next_node_in } from './mempolicy.js';
import type { NodeWorld } from './mempolicy.js';
import { folio_maybe_dma_pinned, folio_ref_add, folio_ref_sub_and_test, folioPincount, free_folio } from './page_ref.js';
import { mbind, move_pages, set_cpuset_mems, set_mempolicy } from './policy_ops.js';
import { node_private_clear_ops, node_private_set_ops, NodePrivateTable, read_sysfs } from './node_private.js';
import { takeSnapshot } from './snapshot.js';
import { TaskTable } from './tasks.js';
import { PTE_NONE, VmaTable } from './vma.js';
import { NodeMask, Zonelists } from './zonelist.js';

// Fresh result objects every time: callers may keep or extend them.
export const err = (ret: Errno): ErrorResult => ({ ret });
const einval = (): ErrorResult => ({ ret: '-EINVAL' });
const enomem = (): ErrorResult => ({ ret: '-ENOMEM' });
const ebadf = (): ErrorResult => ({ ret: '-EBADF' });

/** resolve() results that are not folio ids (ids are non-zero signed 32-bit integers) */
const T_EBADF = 0;
const T_EFAULT = 2 ** 31;
const T_ENOENT = 2 ** 31 + 1;
const T_EINVAL = 2 ** 31 + 2;
const isTargetError = (r: number): boolean => r === T_EBADF || r >= T_EFAULT;
const targetError = (r: number): ErrorResult => err(r === T_EBADF ? '-EBADF' : r === T_EFAULT ? '-EFAULT' : r === T_ENOENT ? '-ENOENT' : '-EINVAL');

const __GFP_HARDWALL = GFP_BITS.__GFP_HARDWALL;
export const __GFP_PRIVATE = GFP_BITS.__GFP_PRIVATE;
export const GFP_HIGHUSER_MOVABLE = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE;
const INT_MAX = 0x7fffffff;

export class ImplSystem implements MmSystem, NodeWorld {
  readonly config: MachineConfig;
  readonly mm: MemMap;
  zonelists: Zonelists;
  readonly tasks: TaskTable;
  readonly folios = new FolioTable();
  readonly handles = new HandleTable(this.folios);
  readonly vmas = new VmaTable();
  readonly cma: CmaTable;
  readonly profile: Profile;
  readonly nrNodes: number;
  /** pgdat->private and node_private_ops per node */
  readonly np: NodePrivateTable;
  /** `np` when private nodes' longterm-pinnability is the NP_OPS_LONGTERM_PIN flag (profile pinnable 'flag'), else null */
  readonly ltpinNp: NodePrivateTable | null;
  /**
   * gfp bits alloc_pages refuses: the sign bit (parseGfp's -1 for an unknown name) and, under a
   * profile without private nodes, __GFP_PRIVATE (its names do not exist there)
   */
  private readonly gfpBad: number;
  /** the current task's allocation scope (gfp.ts SCOPE_*): PF_MEMALLOC_PIN inside FOLL_LONGTERM */
  memallocPin = SCOPE_NONE;
  /** the scope FOLL_LONGTERM sets: SCOPE_PIN, or linux-5.10's SCOPE_NOCMA */
  readonly longtermScope: number;
  // the profile's historical switches (HistoricalRules), read once here
  /** linux-5.6: FOLL_PIN grabs and drops 1 like FOLL_GET */
  readonly pinCountsLikeGet: boolean;
  /** linux-5.7: GUP-fast skips folio_is_longterm_pinnable */
  readonly fastSkipsLongtermCheck: boolean;
  /** linux-5.10: CMA-only pinnability, nocma scope, movable targets, pin in place after a failure */
  readonly longtermCmaOnly: boolean;
  /** tatashin-v3: movable targets outside the scope, one migration pass */
  readonly targetMayBeMovable: boolean;
  private readonly nodemask: NodeMask;
  /** policy_node / policy_nodemask output: the nodemask of the last user allocation, or null */
  polMask: NodeMask | null = null;

  constructor(config: MachineConfig, profile: Profile) {
    this.config = config;
    this.profile = profile;
    this.mm = new MemMap(config);
    this.np = new NodePrivateTable(config, profile);
    this.ltpinNp = profile.privateNodes?.pinnable === 'flag' && this.np.any ? this.np : null;
    this.gfpBad = profile.privateNodes === null ? 0x80000000 | __GFP_PRIVATE : 0x80000000;
    const hist = profile.historicalRules;
    this.pinCountsLikeGet = hist.pinCountsLikeGet;
    this.fastSkipsLongtermCheck = hist.fastSkipsLongtermCheck;
    this.longtermCmaOnly = hist.longtermCmaOnly;
    this.targetMayBeMovable = hist.targetMayBeMovable;
    this.longtermScope = hist.longtermCmaOnly ? SCOPE_NOCMA : SCOPE_PIN;
    this.zonelists = new Zonelists(config, this.mm, profile, this.np);
    this.nrNodes = config.nodes.length;
    this.tasks = new TaskTable(config, this.zonelists.nodePos);
    this.nodemask = new NodeMask(config.nodes.length);
    this.cma = new CmaTable(config);
    this.mm.mergeGateFreeingOnly = hist.mergeGateFreeingOnly;
    freeAllZoneRanges(this.mm);
  }

  get nodePos() {
    return this.zonelists.nodePos;
  }

  apply(op: Op): OpResult {
    // the page-allocator ops first, the rest in a second switch, so this one stays small enough
    // for the hot alloc/free path to be inlined
    switch (op.op) {
      case 'alloc_pages':
        return this.allocPages(op);
      case 'free_pages':
        return this.freePages(op);
      case 'get_page':
        return this.getPage(op);
      case 'put_page':
        return this.putPage(op);
      case 'query':
        return this.query(op);
      default:
        return this.applyPlacement(op);
    }
  }

  private applyPlacement(op: Exclude<Op, { op: 'alloc_pages' | 'free_pages' | 'get_page' | 'put_page' | 'query' }>): OpResult {
    switch (op.op) {
      case 'mmap':
        return this.mmap(op);
      case 'touch':
        return this.touch(op);
      case 'munmap':
        return this.munmap(op);
      case 'get_user_pages':
      case 'get_user_pages_fast':
      case 'pin_user_pages':
      case 'pin_user_pages_fast':
        return gup(this, op);
      case 'unpin_user_pages':
        return put_gup(this, op.pin, true);
      case 'set_mempolicy':
        return set_mempolicy(this, op);
      case 'mbind':
        return mbind(this, op);
      case 'set_cpuset_mems':
        return set_cpuset_mems(this, op);
      case 'move_pages':
        return move_pages(this, op);
      case 'online_pages':
        return online_pages(this, op);
      case 'offline_pages':
        return offline_pages(this, op);
      case 'cma_alloc':
        return cma_alloc(this, op);
      case 'cma_release':
        return cma_release(this, op);
      case 'node_private_set_ops':
        return node_private_set_ops(this, op);
      case 'node_private_clear_ops':
        return node_private_clear_ops(this, op);
      case 'read_sysfs':
        return read_sysfs(this, op);
      default: {
        const unknown: never = op;
        void unknown;
        return einval();
      }
    }
  }

  snapshot(): Snapshot {
    return takeSnapshot(this);
  }

  /** node_states[N_MEMORY]: the node at position pos has present pages */
  hasMemory(pos: number): boolean {
    const p = this.mm.zonePresent;
    const z = pos * 4;
    return p[z]! + p[z + 1]! + p[z + 2]! + p[z + 3]! > 0;
  }

  // __alloc_pages_noprof // mm/page_alloc.c
  private allocPages(op: AllocPagesOp): OpResult {
    let gfp = parseGfp(op.gfp);
    if ((gfp & this.gfpBad) !== 0 || gfp_zone_bad(gfp) || gfp_migratetype_bad(gfp)) return einval();
    const order = op.order;
    if (!(order >= 0 && order <= this.mm.maxOrder && (order | 0) === order)) return einval();
    const taskPos = op.task === undefined ? 0 : this.tasks.pos.get(op.task);
    if (taskPos < 0) return einval();
    const preferred = op.nid === undefined ? this.tasks.nodePos[taskPos]! : this.zonelists.nodePos.get(op.nid);
    if (preferred < 0) return einval();
    gfp = current_gfp_context(gfp, this.memallocPin);

    let nodemask: NodeMask | null = null;
    if (op.nodemask !== undefined) {
      nodemask = this.nodemask;
      nodemask.clear();
      const nodePos = this.zonelists.nodePos;
      // Stryker disable next-line EqualityOperator: op.nodemask[length] is undefined, whose position is -1, skipped
      for (let i = 0; i < op.nodemask.length; i++) {
        const p = nodePos.get(op.nodemask[i]!);
        // Stryker disable next-line ConditionalExpression: NodeMask.set(-1) writes word 2^27 - 1, past the end of the Int32Array: ignored
        if (p >= 0) nodemask.set(p);
      }
    }
    const mems = (gfp & __GFP_HARDWALL) !== 0 ? this.tasks.mems[taskPos]! : null;

    const mm = this.mm;
    const idx = get_page_from_freelist(mm, this.zonelists, gfp, order, preferred, nodemask, mems);
    if (idx === NIL) return enomem();
    const k = this.handles.newK(this.folios.bornKernel(idx));
    mm.next[idx] = k; // folio id in the head's unused list link
    const z = mm.zoneOf[idx]!;
    return {
      ret: 0,
      page: `k${k}`,
      pfn: mm.base + idx,
      nid: mm.zoneNid[z]!,
      zone: ZONE_NAMES[mm.zoneIdx[z]!]!,
      migratetype: MIGRATETYPE_NAMES[mm.pbType[idx >>> mm.pageblockOrder]!]!,
    };
  }

  // __free_pages // mm/page_alloc.c: drop the allocation's reference
  private freePages(op: FreePagesOp): OpResult {
    const h = this.handles;
    const k = h.liveK(parseHandle(op.page, CHAR_K));
    if (k === 0) return ebadf();
    this.folios.killK(k);
    this.putFolio(k, 1);
    return { ret: 0 };
  }

  // get_page / folio_ref_add // include/linux/mm.h
  private getPage(op: GetPageOp): OpResult {
    const times = op.times ?? 1;
    if (!(times >= 1 && times <= INT_MAX && Number.isInteger(times))) return einval();
    const serial = this.resolve(op);
    if (isTargetError(serial)) return targetError(serial);
    folio_ref_add(this.mm, this.folios.headOf(serial), times);
    const g = this.handles.newGetPage(serial, times);
    return { ret: 0, ref: `g${g}` };
  }

  // put_page // include/linux/mm.h: drop every reference one get_page / get_user_pages took
  private putPage(op: PutPageOp): OpResult {
    const h = this.handles;
    const g = parseHandle(op.ref, CHAR_G);
    if (!h.liveG(g)) return ebadf();
    if (h.gLen[g]! > 0) return put_gup(this, op.ref, false);
    h.gDone[g] = 1;
    this.putFolio(h.gSerial[g]!, h.gArg[g]!);
    return { ret: 0 };
  }

  private query(op: QueryOp): OpResult {
    const serial = this.resolve(op);
    if (isTargetError(serial)) return targetError(serial);
    const mm = this.mm;
    const idx = this.folios.headOf(serial);
    const order = mm.flags[idx]! & ORDER_MASK;
    const z = mm.zoneOf[idx]!;
    return {
      ret: 0,
      pfn: mm.base + idx,
      nid: mm.zoneNid[z]!,
      zone: ZONE_NAMES[mm.zoneIdx[z]!]!,
      migratetype: MIGRATETYPE_NAMES[mm.pbType[idx >>> mm.pageblockOrder]!]!,
      order,
      refcount: mm.refcount[idx]!,
      pincount: folioPincount(mm, idx, order),
      maybe_dma_pinned: folio_maybe_dma_pinned(mm, idx, order),
      mapped: mm.prev[idx]!,
    };
  }

  /**
   * The folio id a FolioTarget names, or T_EBADF (a dead handle), T_EFAULT (outside the VMA),
   * T_ENOENT (not present), T_EINVAL (no target at all).
   */
  private resolve(t: { readonly page?: string; readonly vma?: string; readonly index?: number }): number {
    const h = this.handles;
    if (t.page !== undefined) {
      const page = t.page;
      const c = typeof page === 'string' ? page.charCodeAt(0) : 0;
      if (c === CHAR_K) return h.liveK(parseHandle(page, CHAR_K));
      // a g-handle; parseHandle gives 0 (never live) for anything without the g prefix
      const g = parseHandle(page, CHAR_G);
      if (!h.liveG(g)) return 0;
      return h.gLen[g] === 0 ? h.gSerial[g]! : h.poolSerial[h.gArg[g]!]!; // GUP: its first page's folio
    }
    if (t.vma === undefined) return T_EINVAL;
    const v = parseHandle(t.vma, CHAR_V);
    if (!h.liveV(v)) return 0;
    const index = t.index ?? -1;
    if (!(Number.isInteger(index) && index >= 0 && index < this.vmas.pages[v]!)) return T_EFAULT;
    const pfn = this.vmas.pte[this.vmas.off[v]! + index]!;
    if (pfn === PTE_NONE) return T_ENOENT;
    return this.mm.next[this.headOfPte(v, index, pfn)]!;
  }

  /** head page index of the folio mapped at (v, index) with pfn */
  headOfPte(v: number, index: number, pfn: number): number {
    const mask = (1 << this.vmas.folioOrder[v]!) - 1;
    return pfn - (index & mask) - this.mm.base;
  }

  // folio_put_refs // include/linux/mm.h: free the folio when `_refcount` reaches exactly 0
  putFolio(serial: number, nr: number): void {
    const mm = this.mm;
    const idx = this.folios.headOf(serial);
    if (!folio_ref_sub_and_test(mm, idx, nr)) return;
    this.freeFolio(serial, idx);
  }

  /** the folio's last reference is gone: every handle on it dies */
  freeFolio(serial: number, idx: number): void {
    const mm = this.mm;
    const folios = this.folios;
    const order = mm.flags[idx]! & ORDER_MASK;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a kernel folio (serial > 0) read as mapped gets v undefined and a NaN pte offset: the fill below clears nothing
    const v = serial < 0 ? folios.mapVma[-serial]! : 0;
    if (v !== 0) {
      // freed while still mapped (a wrapped count): its ptes are cleared. mapVma is live and the ptes
      // map this folio: munmap, migration and this free reset mapVma before the VMA or ptes change
      const o = this.vmas.off[v]! + folios.mapIndex[-serial]!;
      this.vmas.pte.fill(PTE_NONE, o, o + (1 << order));
    }
    folios.freed(serial);
    free_folio(mm, idx, order);
  }

  // do_mmap // mm/mmap.c: an anonymous VMA of `pages` pages
  private mmap(op: MmapOp): OpResult {
    const pages = op.pages;
    const order = op.folioOrder ?? 0;
    if (!(Number.isInteger(pages) && pages >= 1 && pages <= INT_MAX)) return einval();
    if (!(Number.isInteger(order) && order >= 0 && order <= this.mm.maxOrder)) return einval();
    if (pages % 2 ** order !== 0) return einval();
    const t = this.tasks.pos.get(op.task);
    if (t < 0) return einval();
    const v = this.handles.newV();
    this.vmas.add(v, t, pages, order);
    return { ret: 0, vma: `v${v}` };
  }

  // handle_mm_fault over [index, index + count) // mm/memory.c
  private touch(op: TouchOp): OpResult {
    const v = parseHandle(op.vma, CHAR_V);
    if (!this.handles.liveV(v)) return ebadf();
    const count = op.count ?? 1;
    const index = op.index;
    const pages = this.vmas.pages[v]!;
    if (!(Number.isInteger(count) && Number.isInteger(index) && count >= 1 && index >= 0 && index + count <= pages)) return err('-EFAULT');
    const order = this.vmas.folioOrder[v]!;
    const pte = this.vmas.pte;
    const o = this.vmas.off[v]!;
    const first = (index >>> order) << order;
    const n = 1 << order;
    let missing = 0;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: the count only pre-sizes out[]; out[w++] grows it when short
    for (let c = first; c < index + count; c += n) if (pte[o + c] === PTE_NONE) missing += n;
    // Stryker disable next-line ArrayDeclaration: pre-sizing only; out[w++] grows an empty array to the same contents
    const out: PagePlacement[] = new Array(missing);
    const mm = this.mm;
    let w = 0;
    for (let c = first; c < index + count; c += n) {
      if (pte[o + c] !== PTE_NONE) continue;
      const idx = this.do_anonymous_page(v, c);
      if (idx === NIL) return enomem();
      const z = mm.zoneOf[idx]!;
      const nid = mm.zoneNid[z]!;
      const zone = ZONE_NAMES[mm.zoneIdx[z]!]!;
      for (let i = 0; i < n; i++) out[w++] = { index: c + i, pfn: mm.base + idx + i, nid, zone };
    }
    return { ret: 0, pages: out };
  }

  // do_anonymous_page // mm/memory.c: fault in the chunk at index c of VMA v; head index or NIL
  do_anonymous_page(v: number, c: number): number {
    const vmas = this.vmas;
    const t = vmas.task[v]!;
    const order = vmas.folioOrder[v]!;
    const pol = vmas.policy[v] ?? this.tasks.policy[t] ?? null;
    const preferred = this.policy_node(t, pol);
    // Stryker disable next-line ConditionalExpression: a shortcut; position -1 has no zonelist (key < 0) and get_page_from_freelist returns NIL too
    if (preferred === NIL) return NIL;
    // vma_alloc_folio_noprof: MPOL_F_PRIVATE adds __GFP_PRIVATE
    const gfp = current_gfp_context(pol !== null && pol.private ? GFP_HIGHUSER_MOVABLE | __GFP_PRIVATE : GFP_HIGHUSER_MOVABLE, this.memallocPin);
    const mm = this.mm;
    const idx = get_page_from_freelist(mm, this.zonelists, gfp, order, preferred, this.polMask, this.tasks.mems[t]!);
    if (idx === NIL) return NIL;
    const n = 1 << order;
    const pfn = mm.base + idx;
    mm.flags[idx] = mm.flags[idx]! | PG_ANON;
    mm.next[idx] = this.folios.bornUser(idx, v, c);
    mm.refcount[idx] = n;
    mm.prev[idx] = n;
    const pte = vmas.pte;
    const o = vmas.off[v]! + c;
    for (let i = 0; i < n; i++) pte[o + i] = pfn + i;
    return idx;
  }

  /**
   * The preferred node position a user allocation of task t under `pol` starts from; the nodemask
   * goes to `polMask` (MODEL.md "Node choice"). Interleave advances the task's il_prev. NIL: no node
   * (INTERLEAVE over nodes a rebind removed), the allocation fails.
   */
  policy_node(t: number, pol: import('./mempolicy.js').Mempolicy | null): number {
    this.polMask = null;
    if (pol === null) return this.tasks.nodePos[t]!;
    switch (pol.mode) {
      case MPOL_PREFERRED:
        return this.nodePos.get(pol.nodes[0]!);
      case MPOL_BIND: {
        this.polMask = pol.mask;
        const local = this.tasks.nodePos[t]!;
        // policy_nodemask: MPOL_F_PRIVATE starts at first_node(pol->nodes) when the local node is not in it
        // (MPOL_F_PRIVATE holds a private node, so pol.nodes is not empty)
        if (pol.private && !pol.mask.has(local)) return this.nodePos.get(pol.nodes[0]!);
        return local;
      }
      case MPOL_INTERLEAVE: {
        if (pol.nodes.length === 0) return NIL; // a rebind emptied it: no node, the allocation fails
        const nid = next_node_in(pol.nodes, this.tasks.ilPrev[t]!);
        this.tasks.ilPrev[t] = nid;
        return this.nodePos.get(nid);
      }
      default:
        return this.tasks.nodePos[t]!;
    }
  }

  // unmap_vmas + free_pgtables // mm/mmap.c: every mapped page drops its reference, ascending index
  private munmap(op: MunmapOp): OpResult {
    const v = parseHandle(op.vma, CHAR_V);
    const h = this.handles;
    if (!h.liveV(v)) return ebadf();
    const vmas = this.vmas;
    const pte = vmas.pte;
    const o = vmas.off[v]!;
    const pages = vmas.pages[v]!;
    const n = 1 << vmas.folioOrder[v]!;
    const mm = this.mm;
    const folios = this.folios;
    for (let c = 0; c < pages; c += n) {
      const pfn = pte[o + c]!;
      // Stryker disable next-line ConditionalExpression: a hole's pfn -1 gives a negative index, where every typed-array read is undefined and every write is ignored
      if (pfn === PTE_NONE) continue;
      const idx = pfn - mm.base;
      const serial = mm.next[idx]!;
      folios.mapVma[-serial] = 0;
      mm.prev[idx] = 0;
      const ref = mm.refcount[idx]!;
      if (ref > n || ref <= 0) {
        // no page of the chunk can bring `_refcount` to exactly 0: drop them at once
        mm.refcount[idx] = (ref - n) | 0;
        continue;
      }
      mm.refcount[idx] = 0;
      // the ptes are left as they are: the dead VMA's page table is never read again
      this.freeFolio(serial, idx); // page `ref` of the chunk dropped the last reference
    }
    h.vLive[v] = 0;
    vmas.remove(v);
    return { ret: 0 };
  }
}
