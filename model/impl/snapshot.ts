// The full observable state (model/api/snapshot.ts), read out of the typed arrays.
import { MIGRATETYPE_NAMES, MIGRATE_TYPES, ZONE_NAMES } from '../api/index.js';
import type { FolioSnapshot, HandleSnapshot, PageblockSnapshot, Snapshot, ZoneSnapshot } from '../api/index.js';
import type { HandleTable } from './handles.js';
import { isBuddyHead, isFolioHead, NIL, NR_FREE_CMA_PAGES, NR_FREE_PAGES, NR_VMSTAT, ORDER_MASK } from './mem.js';
import type { MemMap } from './mem.js';
import { folioPincount } from './page_ref.js';

export function takeSnapshot(mm: MemMap, handles: HandleTable): Snapshot {
  return { zones: zoneSnapshots(mm), pageblocks: pageblockSnapshots(mm), folios: folioSnapshots(mm), handles: handleSnapshots(mm, handles) };
}

function zoneSnapshots(mm: MemMap): ZoneSnapshot[] {
  const out: ZoneSnapshot[] = [];
  for (let z = 0; z < mm.nrZones; z++) {
    const freeLists: number[][][] = [];
    for (let mt = 0; mt < MIGRATE_TYPES; mt++) {
      const byOrder: number[][] = [];
      for (let o = 0; o < mm.nOrders; o++) {
        const pfns: number[] = [];
        for (let idx = mm.freeHead[mm.listIndex(z, o, mt)]!; idx !== NIL; idx = mm.next[idx]!) pfns.push(mm.base + idx);
        byOrder.push(pfns);
      }
      freeLists.push(byOrder);
    }
    const pages = mm.zonePages[z]!;
    out.push({
      nid: mm.zoneNid[z]!,
      zone: ZONE_NAMES[mm.zoneIdx[z]!]!,
      startPfn: mm.zoneStart[z]!,
      spannedPages: pages,
      presentPages: pages,
      managedPages: pages,
      cmaPages: mm.zoneCmaPages[z]!,
      nrFreePages: mm.vmstat[z * NR_VMSTAT + NR_FREE_PAGES]!,
      nrFreeCmaPages: mm.vmstat[z * NR_VMSTAT + NR_FREE_CMA_PAGES]!,
      nrFree: Array.from(mm.nrFree.subarray(z * mm.nOrders, (z + 1) * mm.nOrders)),
      freeLists,
    });
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
      const z = mm.zoneOf[idx]!;
      out.push({
        pfn: mm.base + idx,
        order,
        nid: mm.zoneNid[z]!,
        zone: ZONE_NAMES[mm.zoneIdx[z]!]!,
        refcount: mm.refcount[idx]!,
        pincount: folioPincount(mm, idx, order),
      });
      idx += 1 << order;
    } else if (isBuddyHead(f)) idx += 1 << (f & ORDER_MASK);
    else if (mm.zoneOf[idx] === mm.noZone) idx += step;
    else idx++;
  }
  return out;
}

function handleSnapshots(mm: MemMap, handles: HandleTable): HandleSnapshot[] {
  handles.prune();
  const out: HandleSnapshot[] = [];
  for (let i = 0; i < handles.seqLen; i++) {
    const v = handles.seq[i]!;
    const serial = v > 0 ? v : handles.gFolio[-v]!;
    out.push({ handle: v > 0 ? `k${v}` : `g${-v}`, pfn: mm.base + handles.headOf(serial) });
  }
  return out;
}
