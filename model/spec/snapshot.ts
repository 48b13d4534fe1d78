// The observable state in the canonical order of model/api/snapshot.ts (fresh copies, no aliasing).
import {
  MIGRATETYPE_NAMES,
  type FolioSnapshot,
  type HandleSnapshot,
  type PageblockSnapshot,
  type Snapshot,
  type ZoneSnapshot,
} from '../api/index.js';
import { folio_ref_count, folioPincount } from './folio.js';
import type { HandleTable } from './handles.js';
import type { Machine, Zone } from './machine.js';

export function zoneSnapshot(zone: Zone): ZoneSnapshot {
  return {
    nid: zone.nid,
    zone: zone.name,
    startPfn: zone.zone_start_pfn,
    spannedPages: zone.spanned_pages,
    presentPages: zone.present_pages,
    managedPages: zone.managed_pages,
    cmaPages: zone.cma_pages,
    nrFreePages: zone.vm_stat.NR_FREE_PAGES,
    nrFreeCmaPages: zone.vm_stat.NR_FREE_CMA_PAGES,
    nrFree: zone.free_area.map((area) => area.nr_free),
    freeLists: MIGRATETYPE_NAMES.map((mt) => zone.free_area.map((area) => [...area.free_list[mt]])),
  };
}

export function takeSnapshot(machine: Machine, handles: HandleTable): Snapshot {
  const pageblocks: PageblockSnapshot[] = [...machine.pageblocks.entries()]
    .sort(([a], [b]) => a - b)
    .map(([pfn, block]) => ({ pfn, migratetype: block.migratetype }));

  const folios: FolioSnapshot[] = [...machine.folios.values()]
    .sort((a, b) => a.pfn - b.pfn)
    .map((f) => ({
      pfn: f.pfn,
      order: f.order,
      nid: f.zone.nid,
      zone: f.zone.name,
      refcount: folio_ref_count(f),
      pincount: folioPincount(f),
    }));

  const handleList: HandleSnapshot[] = [...handles.live.values()].map((h) => ({ handle: h.handle, pfn: h.folio.pfn }));

  return { zones: machine.zones.map(zoneSnapshot), pageblocks, folios, handles: handleList };
}
