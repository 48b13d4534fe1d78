// Zone membership and pageblock types as the invariants see them: derived from the machine config
// and the snapshot alone, never from either implementation's internals.
import { MIGRATETYPE_NAMES, ZONE_NAMES } from '../../model/api/index.js';
import type { MachineConfig, Migratetype, Snapshot, ZoneName } from '../../model/api/index.js';

export interface ZoneRef {
  readonly nid: number;
  readonly zone: ZoneName;
  readonly start: number;
  readonly end: number;
}

/** Present memory as the snapshot reports it; membership is per page (DESIGN.md §3: not by span). */
export function zoneRanges(snapshot: Snapshot): ZoneRef[] {
  return snapshot.memory.map((m) => ({ nid: m.nid, zone: m.zone, start: m.pfn, end: m.pfn + m.nrPages }));
}

export function zoneOf(zones: readonly ZoneRef[], pfn: number): ZoneRef | undefined {
  return zones.find((z) => pfn >= z.start && pfn < z.end);
}

export function presentPages(snapshot: Snapshot): number {
  return snapshot.memory.reduce((n, m) => n + m.nrPages, 0);
}

/** Every configured zone range of the machine (what it booted with). */
export function configuredRanges(config: MachineConfig): ZoneRef[] {
  const out: ZoneRef[] = [];
  for (const node of config.nodes) {
    for (const zone of ZONE_NAMES) {
      const r = node.zones[zone];
      if (r) out.push({ nid: node.nid, zone, start: r[0], end: r[0] + r[1] });
    }
  }
  return out;
}

export function pageblockTypes(snapshot: Snapshot): Map<number, Migratetype> {
  return new Map(snapshot.pageblocks.map((pb) => [pb.pfn, pb.migratetype]));
}

/** The pageblock types a pfn range covers (deduplicated, in pfn order). */
export function typesCovered(
  types: ReadonlyMap<number, Migratetype>,
  pageblockOrder: number,
  pfn: number,
  nrPages: number,
): (Migratetype | undefined)[] {
  const size = 2 ** pageblockOrder;
  const first = Math.floor(pfn / size) * size;
  const out: (Migratetype | undefined)[] = [];
  for (let pb = first; pb < pfn + nrPages; pb += size) out.push(types.get(pb));
  return out;
}

/** The folio (head pfn, order) that contains pfn, if any. */
export function folioAt(snapshot: Snapshot, pfn: number) {
  return snapshot.folios.find((f) => pfn >= f.pfn && pfn < f.pfn + 2 ** f.order);
}

/** `folio_maybe_dma_pinned` (include/linux/mm.h) from the kernel-visible fields. */
export function maybeDmaPinned(f: { readonly order: number; readonly refcount: number; readonly pincount: number }): boolean {
  return f.order > 0 ? f.pincount > 0 : f.refcount >>> 0 >= 1024;
}

export interface FreeBlock {
  readonly pfn: number;
  readonly order: number;
  readonly migratetype: Migratetype;
  readonly nid: number;
  readonly zone: ZoneName;
}

export function freeBlocks(snapshot: Snapshot): FreeBlock[] {
  const out: FreeBlock[] = [];
  for (const z of snapshot.zones) {
    z.freeLists.forEach((byOrder, mt) => {
      byOrder.forEach((pfns, order) => {
        for (const pfn of pfns) {
          out.push({ pfn, order, migratetype: MIGRATETYPE_NAMES[mt] ?? 'MIGRATE_ISOLATE', nid: z.nid, zone: z.zone });
        }
      });
    });
  }
  return out;
}

/** `migratetype_is_mergeable` (include/linux/mmzone.h): only types below MIGRATE_PCPTYPES. */
export function isMergeable(mt: Migratetype | undefined): boolean {
  return mt === 'MIGRATE_UNMOVABLE' || mt === 'MIGRATE_MOVABLE' || mt === 'MIGRATE_RECLAIMABLE';
}
