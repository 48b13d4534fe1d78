// Small hand-built states for invariant tests: one node, ZONE_NORMAL [0, 8) and ZONE_MOVABLE [8, 16),
// pageblocks of 2 pages.
import type { FolioHolders, FolioSnapshot, MachineConfig, Snapshot, ZoneSnapshot } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import type { InvariantContext } from '../../../properties/findings.js';

export const machine: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 1,
  nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8], ZONE_MOVABLE: [8, 8] } }],
};

const emptyLists = () => Array.from({ length: 6 }, () => [[], [], []] as number[][]);

export function zone(z: 'ZONE_NORMAL' | 'ZONE_MOVABLE', movableFree: [number, number][]): ZoneSnapshot {
  const freeLists = emptyLists();
  let pages = 0;
  const nrFree = [0, 0, 0];
  for (const [pfn, order] of movableFree) {
    freeLists[1]![order]!.push(pfn);
    pages += 2 ** order;
    nrFree[order]! += 1;
  }
  const start = z === 'ZONE_NORMAL' ? 0 : 8;
  return { nid: 0, zone: z, startPfn: start, spannedPages: 8, presentPages: 8, managedPages: 8, cmaPages: 0, nrFreePages: pages, nrFreeCmaPages: 0, nrFree, freeLists };
}

export function folio(pfn: number, order: number, refcount: number, pincount = 0, mapped = 0): FolioSnapshot {
  return { pfn, order, nid: 0, zone: pfn >= 8 ? 'ZONE_MOVABLE' : 'ZONE_NORMAL', refcount, pincount, mapped };
}

export function holders(pfn: number, order: number, h: Partial<FolioHolders>): FolioHolders {
  return { pfn, order, kernel: 0, mapped: 0, gets: 0, pins: 0, longtermPins: 0, placement: { path: 'fault', gfp: 0x100cca }, ...h };
}

/** Everything free except the folios given, which must sit at pfn 0..3 or 8..11 as listed. */
export function state(over: Partial<Snapshot> = {}): Snapshot {
  return {
    zones: [zone('ZONE_NORMAL', [[0, 2], [4, 2]]), zone('ZONE_MOVABLE', [[8, 2], [12, 2]])],
    memory: [
      { pfn: 0, nrPages: 8, nid: 0, zone: 'ZONE_NORMAL' },
      { pfn: 8, nrPages: 8, nid: 0, zone: 'ZONE_MOVABLE' },
    ],
    offline: [],
    pageblocks: [0, 2, 4, 6, 8, 10, 12, 14].map((pfn) => ({ pfn, migratetype: 'MIGRATE_MOVABLE' as const })),
    folios: [],
    cmaAllocations: [],
    handles: [],
    tasks: [{ tid: 1, nid: 0, mems: [0], policy: null, ilPrev: -1 }],
    privateNodes: [],
    vmas: [],
    ...over,
  };
}

export function ctx(snapshot: Snapshot, over: Partial<InvariantContext> = {}): InvariantContext {
  return { config: machine, profile: PROFILES['linux-6.12'], snapshot, ...over };
}
