// The optimized MmSystem: ops dispatched with a plain switch onto the typed-array memory map.
import { GFP_BITS, MIGRATETYPE_NAMES, ZONE_NAMES } from '../api/index.js';
import type {
  AllocPagesOp,
  ErrorResult,
  FreePagesOp,
  GetPageOp,
  MachineConfig,
  MmSystem,
  Op,
  OpResult,
  Profile,
  PutPageOp,
  QueryOp,
  Snapshot,
} from '../api/index.js';
import { get_page_from_freelist } from './alloc.js';
import { current_gfp_context, gfp_migratetype_bad, gfp_zone_bad, parseGfp } from './gfp.js';
import { CHAR_G, CHAR_K, HandleTable, parseHandle } from './handles.js';
import { freeAllZoneRanges } from './free.js';
import { MemMap, NIL, ORDER_MASK } from './mem.js';
import { folio_maybe_dma_pinned, folio_ref_add, folio_ref_sub_and_test, folioPincount, free_folio } from './page_ref.js';
import { takeSnapshot } from './snapshot.js';
import { TaskTable } from './tasks.js';
import { NodeMask, Zonelists } from './zonelist.js';

// Fresh result objects every time: callers may keep or extend them.
const einval = (): ErrorResult => ({ ret: '-EINVAL' });
const enomem = (): ErrorResult => ({ ret: '-ENOMEM' });
const ebadf = (): ErrorResult => ({ ret: '-EBADF' });

const __GFP_HARDWALL = GFP_BITS.__GFP_HARDWALL;
const INT_MAX = 0x7fffffff;

export class ImplSystem implements MmSystem {
  readonly mm: MemMap;
  readonly zonelists: Zonelists;
  readonly tasks: TaskTable;
  readonly handles = new HandleTable();
  readonly profile: Profile;
  /** PF_MEMALLOC_PIN of the current task (no pin scope exists before GUP lands) */
  private memallocPin = false;
  private readonly nodemask: NodeMask;

  constructor(config: MachineConfig, profile: Profile) {
    this.profile = profile;
    this.mm = new MemMap(config);
    this.zonelists = new Zonelists(config, this.mm);
    this.tasks = new TaskTable(config, this.zonelists.nodePos);
    this.nodemask = new NodeMask(config.nodes.length);
    freeAllZoneRanges(this.mm);
  }

  apply(op: Op): OpResult {
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
      default: {
        const unknown: never = op;
        void unknown;
        return einval();
      }
    }
  }

  snapshot(): Snapshot {
    return takeSnapshot(this.mm, this.handles);
  }

  // __alloc_pages_noprof // mm/page_alloc.c
  private allocPages(op: AllocPagesOp): OpResult {
    let gfp = parseGfp(op.gfp);
    if (gfp < 0 || gfp_zone_bad(gfp) || gfp_migratetype_bad(gfp)) return einval();
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
      for (let i = 0; i < op.nodemask.length; i++) {
        const p = nodePos.get(op.nodemask[i]!);
        if (p >= 0) nodemask.set(p);
      }
    }
    const mems = (gfp & __GFP_HARDWALL) !== 0 ? this.tasks.mems[taskPos]! : null;

    const mm = this.mm;
    const idx = get_page_from_freelist(mm, this.zonelists, gfp, order, preferred, nodemask, mems);
    if (idx === NIL) return enomem();
    const k = this.handles.newK(idx);
    mm.next[idx] = k; // folio serial in the head's unused list link
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
    h.killK(k);
    this.putFolio(k, 1);
    return { ret: 0 };
  }

  // get_page / folio_ref_add // include/linux/mm.h
  private getPage(op: GetPageOp): OpResult {
    const times = op.times ?? 1;
    if (!(times >= 1 && times <= INT_MAX && Number.isInteger(times))) return einval();
    const serial = this.resolve(op.page);
    if (serial === 0) return ebadf();
    const h = this.handles;
    folio_ref_add(this.mm, h.headOf(serial), times);
    const g = h.newG(serial, times);
    return { ret: 0, ref: `g${g}` };
  }

  // put_page // include/linux/mm.h: drop every reference one get_page took
  private putPage(op: PutPageOp): OpResult {
    const h = this.handles;
    const g = parseHandle(op.ref, CHAR_G);
    const serial = h.liveG(g);
    if (serial === 0) return ebadf();
    h.gFolio[g] = 0;
    this.putFolio(serial, h.gTimes[g]!);
    return { ret: 0 };
  }

  private query(op: QueryOp): OpResult {
    const serial = this.resolve(op.page);
    if (serial === 0) return ebadf();
    const mm = this.mm;
    const idx = this.handles.headOf(serial);
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
      mapped: 0,
    };
  }

  /** folio serial of a live k- or g-handle, or 0 */
  private resolve(handle: string): number {
    const h = this.handles;
    const c = handle.charCodeAt(0);
    if (c === CHAR_K) return h.liveK(parseHandle(handle, CHAR_K));
    if (c === CHAR_G) return h.liveG(parseHandle(handle, CHAR_G));
    return 0;
  }

  // folio_put_refs // include/linux/mm.h: free the folio when `_refcount` reaches exactly 0
  private putFolio(serial: number, nr: number): void {
    const mm = this.mm;
    const h = this.handles;
    const idx = h.headOf(serial);
    if (!folio_ref_sub_and_test(mm, idx, nr)) return;
    h.folioFreed(serial);
    free_folio(mm, idx, mm.flags[idx]! & ORDER_MASK);
  }
}
