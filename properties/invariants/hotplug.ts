// hotplug/movable-offlinable: ZONE_MOVABLE keeps its promise that memory can be offlined
// (DESIGN.md §4.5, §9; page_alloc.md §1.1 and §5.3, gup.md §5).
import type { Invariant, InvariantContext } from '../findings.js';
import { pageblockTypes, typesCovered, zoneOf, zoneRanges } from './layout.js';

export const movableOfflinable: Invariant = {
  id: 'hotplug/movable-offlinable',
  claim:
    'offlining a ZONE_MOVABLE range fails only for CMA, a reference beyond the mappings, no memory elsewhere or (private nodes) a driver without NP_OPS_MIGRATION — never for a long-term pin',
  check({ config, op, result, before, holdersBefore, events }: InvariantContext) {
    if (op?.op !== 'offline_pages' || !result || !before || (result.ret !== '-EBUSY' && result.ret !== '-EINTR')) return [];
    const zones = zoneRanges(before);
    const first = zoneOf(zones, op.startPfn);
    const end = op.startPfn + op.pages;
    if (first?.zone !== 'ZONE_MOVABLE') return [];
    for (let pfn = op.startPfn; pfn < end; pfn++) {
      const z = zoneOf(zones, pfn);
      if (!z || z.zone !== first.zone || z.nid !== first.nid) return []; // an -EINVAL range; not this claim
    }
    const range = `[${op.startPfn}, ${end}) in ZONE_MOVABLE of node ${first.nid}`;
    if (result.ret === '-EBUSY') {
      const cma = typesCovered(pageblockTypes(before), config.pageblockOrder, op.startPfn, op.pages).includes('MIGRATE_CMA');
      return cma ? [] : [`offline_pages ${range} failed isolation (-EBUSY) without a CMA pageblock`];
    }
    const inRange = (holdersBefore ?? []).filter((h) => h.pfn < end && h.pfn + 2 ** h.order > op.startPfn);
    const pinned = inRange.find((h) => h.longtermPins > 0);
    if (pinned) return [`offline_pages ${range} is blocked (-EINTR) by a long-term pin on folio pfn ${pinned.pfn}`];
    const extra = inRange.some((h) => h.kernel + h.gets + h.pins > 0);
    const noMemory = (events ?? []).some((e) => e.kind === 'migrate-failed' && e.why === 'nomem');
    // a private node's folios leave only with NP_OPS_MIGRATION; without it do_migrate_range skips them
    // and the RFC makes emptying the node the driver's job (private_nodes.md §2 Hotplug, §6)
    const driverManaged = (events ?? []).some((e) => e.kind === 'private-migrate-refused' && e.reason === 'offline');
    if (holdersBefore && !extra && !noMemory && !driverManaged) return [`offline_pages ${range} failed (-EINTR) although its folios had no extra references and targets were available`];
    return [];
  },
};

export const HOTPLUG_INVARIANTS: readonly Invariant[] = [movableOfflinable];
