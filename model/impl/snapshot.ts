// The full observable state (model/api/snapshot.ts), read out of the typed arrays.
import { MIGRATETYPE_NAMES, MIGRATE_TYPES, ZONE_NAMES } from '../api/index.js';
import type {
  CmaAllocationSnapshot,
  FolioSnapshot,
  HandleSnapshot,
  MemoryRangeSnapshot,
  PageblockSnapshot,
  PolicySnapshot,
  Snapshot,
  TaskSnapshot,
  VmaSnapshot,
  ZoneSnapshot,
} from '../api/index.js';
import { H_C, H_G, H_K, H_U, H_V } from './handles.js';
import { isBuddyHead, isFolioHead, NIL, NR_FREE_CMA_PAGES, NR_FREE_PAGES, NR_VMSTAT, ORDER_MASK, PB_OFFLINE } from './mem.js';
import type { MemMap } from './mem.js';
import { MPOL_NAMES, type Mempolicy } from './mempolicy.js';
import { folioPincount } from './page_ref.js';
import type { ImplSystem } from './system.js';

export function takeSnapshot(sys: ImplSystem): Snapshot {
  const mm = sys.mm;
  return {
    zones: zoneSnapshots(mm),
    memory: memorySnapshots(mm),
    offline: offlineSnapshots(mm),
    pageblocks: pageblockSnapshots(mm),
    folios: folioSnapshots(mm),
    cmaAllocations: cmaSnapshots(sys),
    handles: handleSnapshots(sys),
    tasks: taskSnapshots(sys),
    privateNodes: sys.np.snapshot(sys.config),
    vmas: vmaSnapshots(sys),
  };
}

function zoneSnapshots(mm: MemMap): ZoneSnapshot[] {
  const out: ZoneSnapshot[] = [];
  for (let z = 0; z < mm.nrZones; z++) {
    if (mm.zoneExists[z] === 0) continue;
    const freeLists: number[][][] = [];
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
      const byOrder: number[][] = [];
      for (let o = 0; o < mm.nOrders; o++) {
        const pfns: number[] = [];
        // bounded: a state isolate-merge corrupted (a page freed twice) may link a list into a cycle
        let guard = mm.span >>> o;
        for (let idx = mm.freeHead[mm.listIndex(z, o, mt)]!; idx !== NIL && guard-- > 0; idx = mm.next[idx]!) pfns.push(mm.base + idx);
        byOrder.push(pfns);
      }
      freeLists.push(byOrder);
    }
    const present = mm.zonePresent[z]!;
    const vs = z * NR_VMSTAT;
    out.push({
      nid: mm.zoneNid[z]!,
      zone: ZONE_NAMES[mm.zoneIdx[z]!]!,
      startPfn: mm.zoneSpanStart[z]!,
      spannedPages: mm.zoneSpanEnd[z]! - mm.zoneSpanStart[z]!,
      presentPages: present,
      managedPages: present,
      cmaPages: mm.zoneCmaPages[z]!,
      // Stryker disable next-line ArithmeticOperator: NR_FREE_PAGES is 0
      nrFreePages: mm.vmstat[vs + NR_FREE_PAGES]!,
      nrFreeCmaPages: mm.vmstat[vs + NR_FREE_CMA_PAGES]!,
      nrFree: Array.from(mm.nrFree.subarray(z * mm.nOrders, (z + 1) * mm.nOrders)),
      freeLists,
    });
  }
  return out;
}

function memorySnapshots(mm: MemMap): MemoryRangeSnapshot[] {
  const out: MemoryRangeSnapshot[] = [];
  const pb = 1 << mm.pageblockOrder;
  let run: { pfn: number; nrPages: number; nid: number; zone: (typeof ZONE_NAMES)[number] } | null = null;
  // Stryker disable next-line UnaryOperator: runZone is read only while run !== null, after it was set
  let runZone = -1;
  for (let idx = 0; idx < mm.span; idx += pb) {
    const z = mm.zoneOf[idx]!;
    if (z === mm.noZone) {
      run = null;
      continue;
    }
    if (run !== null && runZone === z) run.nrPages += pb;
    else {
      run = { pfn: mm.base + idx, nrPages: pb, nid: mm.zoneNid[z]!, zone: ZONE_NAMES[mm.zoneIdx[z]!]! };
      runZone = z;
      out.push(run);
    }
  }
  return out;
}

function offlineSnapshots(mm: MemMap): { pfn: number; nrPages: number }[] {
  const out: { pfn: number; nrPages: number }[] = [];
  const pbo = mm.pageblockOrder;
  let run: { pfn: number; nrPages: number } | null = null;
  for (let b = 0; b < mm.pbType.length; b++) {
    if (mm.pbType[b] !== PB_OFFLINE || mm.zoneOf[b << pbo] !== mm.noZone) {
      run = null;
      continue;
    }
    if (run !== null) run.nrPages += 1 << pbo;
    else {
      run = { pfn: mm.base + (b << pbo), nrPages: 1 << pbo };
      out.push(run);
    }
  }
  return out;
}

function pageblockSnapshots(mm: MemMap): PageblockSnapshot[] {
  const out: PageblockSnapshot[] = [];
  const pbo = mm.pageblockOrder;
  for (let b = 0; b < mm.pbType.length; b++) {
    if (mm.zoneOf[b << pbo] === mm.noZone) continue;
    out.push({ pfn: mm.base + b * 2 ** pbo, migratetype: MIGRATETYPE_NAMES[mm.pbType[b]!]! });
  }
  return out;
}

function folioSnapshots(mm: MemMap): FolioSnapshot[] {
  const out: FolioSnapshot[] = [];
  const flags = mm.flags;
  const step = 1 << mm.pageblockOrder;
  for (let idx = 0; idx < mm.span; ) {
    const f = flags[idx]!;
    if (isFolioHead(f)) {
      const order = f & ORDER_MASK;
      let z = mm.zoneOf[idx]!;
      // Stryker disable next-line OptionalChaining: a folio head outside every zone was left there by offline_pages, which recorded it in stranded
      if (z === mm.noZone) z = mm.stranded?.get(idx) ?? z;
      out.push({
        pfn: mm.base + idx,
        order,
        nid: mm.zoneNid[z]!,
        zone: ZONE_NAMES[mm.zoneIdx[z]!]!,
        refcount: mm.refcount[idx]!,
        pincount: folioPincount(mm, idx, order),
        mapped: mm.prev[idx]!,
      });
      idx += 1 << order;
    } else if (isBuddyHead(f)) idx += 1 << (f & ORDER_MASK);
    else if (mm.zoneOf[idx] === mm.noZone && mm.stranded === null) idx += step;
    else idx++;
  }
  return out;
}

function cmaSnapshots(sys: ImplSystem): CmaAllocationSnapshot[] {
  const out: CmaAllocationSnapshot[] = [];
  const h = sys.handles;
  for (let c = 1; c <= h.cCount; c++) {
    if (h.cLive[c] === 1) out.push({ handle: `c${c}`, area: sys.cma.area[c]!, pfn: sys.cma.pfn[c]!, nrPages: sys.cma.count[c]! });
  }
  return out;
}

function handleSnapshots(sys: ImplSystem): HandleSnapshot[] {
  const h = sys.handles;
  h.prune();
  const out: HandleSnapshot[] = [];
  const folioPfn = (id: number) => sys.mm.base + sys.folios.headOf(id);
  const poolPfns = (off: number, len: number) => Array.from(h.poolPfn.subarray(off, off + len));
  for (let i = 0; i < h.seqLen; i++) {
    const n = h.seq[i]! >>> 3;
    switch (h.seq[i]! & 7) {
      case H_K:
        out.push({ handle: `k${n}`, pfns: [folioPfn(n)] });
        break;
      case H_G:
        out.push({ handle: `g${n}`, pfns: h.gLen[n] === 0 ? [folioPfn(h.gSerial[n]!)] : poolPfns(h.gArg[n]!, h.gLen[n]!) });
        break;
      case H_V:
        out.push({ handle: `v${n}`, pfns: [] });
        break;
      case H_U:
        out.push({ handle: `u${n}`, pfns: poolPfns(h.uOff[n]!, h.uLen[n]!) });
        break;
      case H_C:
        out.push({ handle: `c${n}`, pfns: [sys.cma.pfn[n]!] });
        break;
    }
  }
  return out;
}

function policySnapshot(pol: Mempolicy | null): PolicySnapshot | null {
  if (pol === null) return null;
  return { mode: MPOL_NAMES[pol.mode]!, nodes: [...pol.nodes], cpusetMems: [...pol.cpusetMems], private: pol.private };
}

function taskSnapshots(sys: ImplSystem): TaskSnapshot[] {
  const t = sys.tasks;
  return t.tids.map((tid, i) => ({
    tid,
    nid: t.nid[i]!,
    mems: [...t.memsNids[i]!],
    policy: policySnapshot(t.policy[i]!),
    ilPrev: t.ilPrev[i]!,
  }));
}

function vmaSnapshots(sys: ImplSystem): VmaSnapshot[] {
  const out: VmaSnapshot[] = [];
  const h = sys.handles;
  const vmas = sys.vmas;
  for (let v = 1; v <= h.vCount; v++) {
    if (h.vLive[v] !== 1) continue;
    const o = vmas.off[v]!;
    const ptes = vmas.pte.subarray(o, o + vmas.pages[v]!);
    out.push({
      handle: `v${v}`,
      task: sys.tasks.tids[vmas.task[v]!]!,
      pages: vmas.pages[v]!,
      folioOrder: vmas.folioOrder[v]!,
      policy: policySnapshot(vmas.policy[v]!),
      ptes: Array.from(ptes, (p) => (p === -1 ? null : p)),
    });
  }
  return out;
}
