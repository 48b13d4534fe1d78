// The observable state in the canonical order of model/api/snapshot.ts (fresh copies, no aliasing).
import {
  MIGRATETYPE_NAMES,
  type FolioHolders,
  type FolioSnapshot,
  type MemoryRangeSnapshot,
  type PageblockSnapshot,
  type PolicySnapshot,
  type PrivateNodeSnapshot,
  type Snapshot,
  type ZoneSnapshot,
} from '../api/index.js';
import { folio_ref_count, folioMapped, folioPincount, type Folio } from './folio.js';
import { handlePfns } from './handles.js';
import { pageblockNrPages, type Machine, type Zone } from './machine.js';
import type { Mempolicy } from './mempolicy.js';
import { nodePrivateCallbackNames, npOpsFlagNames } from './private_ops.js';
import { vmaPagePfn } from './vma.js';

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

function policySnapshot(pol: Mempolicy | null): PolicySnapshot | null {
  return pol === null ? null : { mode: pol.mode, nodes: [...pol.nodes], cpusetMems: [...pol.cpusetMems], private: pol.private };
}

/** Maximal runs of consecutive pageblocks, ascending pfn; `same` decides whether two may share a run. */
function runs<T>(machine: Machine, pbs: [number, T][], same: (a: T, b: T) => boolean): { pfn: number; nrPages: number; key: T }[] {
  const nr = pageblockNrPages(machine);
  const out: { pfn: number; nrPages: number; key: T }[] = [];
  for (const [pfn, key] of pbs.sort(([a], [b]) => a - b)) {
    const last = out[out.length - 1];
    if (last !== undefined && last.pfn + last.nrPages === pfn && same(last.key, key)) last.nrPages += nr;
    else out.push({ pfn, nrPages: nr, key });
  }
  return out;
}

/** The exact holders of every allocated folio, ascending pfn (MmSystem.holders). */
export function folioHolders(machine: Machine): FolioHolders[] {
  return sortedFolios(machine).map((f) => {
    let kernel = 0;
    let gets = 0;
    let pins = 0;
    let longtermPins = 0;
    for (const h of f.holders) {
      if (h.kind === 'alloc') kernel += 1;
      else if (h.kind === 'get') gets += h.times;
      else if (h.kind === 'gup_get') gets += 1;
      else if (h.kind === 'pin') {
        pins += 1;
        if (h.longterm) longtermPins += 1;
      }
    }
    const placement = { path: f.placement.path, gfp: f.placement.gfp };
    return { pfn: f.pfn, order: f.order, kernel, mapped: folioMapped(f), gets, pins, longtermPins, placement };
  });
}

function sortedFolios(machine: Machine): Folio[] {
  return [...machine.folios.values()].sort((a, b) => a.pfn - b.pfn);
}

/** N_MEMORY_PRIVATE nodes (registered), config order, with their ops or null. */
function privateNodesSnapshot(machine: Machine): PrivateNodeSnapshot[] {
  return machine.nodes.flatMap((n) => {
    if (n.private === null) return [];
    const ops = n.private.ops;
    return [{ nid: n.nid, ops: ops === null ? null : { flags: npOpsFlagNames(ops.flags), callbacks: nodePrivateCallbackNames(ops.callbacks) } }];
  });
}

export function takeSnapshot(machine: Machine): Snapshot {
  const present: [number, Zone][] = [...machine.pageblocks.entries()].map(([pfn, b]) => [pfn, b.zone]);
  const memory: MemoryRangeSnapshot[] = runs(machine, present, (a, b) => a === b).map((r) => ({
    pfn: r.pfn,
    nrPages: r.nrPages,
    nid: r.key.nid,
    zone: r.key.name,
  }));
  const offline = runs(
    machine,
    [...machine.offline].map((pfn): [number, null] => [pfn, null]),
    () => true,
  ).map((r) => ({ pfn: r.pfn, nrPages: r.nrPages }));

  const pageblocks: PageblockSnapshot[] = [...machine.pageblocks.entries()]
    .sort(([a], [b]) => a - b)
    .map(([pfn, block]) => ({ pfn, migratetype: block.migratetype }));

  const folios: FolioSnapshot[] = sortedFolios(machine).map((f) => ({
    pfn: f.pfn,
    order: f.order,
    nid: f.zone.nid,
    zone: f.zone.name,
    refcount: folio_ref_count(f),
    pincount: folioPincount(f),
    mapped: folioMapped(f),
  }));

  return {
    zones: machine.zones.map(zoneSnapshot),
    memory,
    offline,
    pageblocks,
    folios,
    cmaAllocations: [...machine.cmaAllocations.values()].map((a) => ({ handle: a.handle, area: a.area, pfn: a.pfn, nrPages: a.nrPages })),
    handles: [...machine.handles.live.values()].map((h) => ({ handle: h.handle, pfns: handlePfns(h) })),
    tasks: machine.tasks.map((t) => ({
      tid: t.tid,
      nid: t.nid,
      mems: [...t.mems].sort((a, b) => a - b),
      policy: policySnapshot(t.mempolicy),
      ilPrev: t.il_prev,
    })),
    privateNodes: privateNodesSnapshot(machine),
    vmas: [...machine.vmas.values()].map((v) => ({
      handle: v.handle,
      task: v.task.tid,
      pages: v.pages,
      folioOrder: v.folioOrder,
      policy: policySnapshot(v.policy),
      ptes: v.ptes.map((f, i) => (f === null ? null : vmaPagePfn(v, i, f))),
    })),
  };
}
