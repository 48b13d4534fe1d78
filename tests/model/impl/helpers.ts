// Shared fixtures for the impl unit tests: machines, systems and readers of the free lists.
import type { MachineConfig, Op, OpResult, Snapshot, ZoneName } from '../../../model/api/index.js';
import { MIGRATETYPE_NAMES } from '../../../model/api/index.js';
import { ImplSystem } from '../../../model/impl/index.js';
import { PROFILES } from '../../../model/profiles.js';

/** The example machine of the brief: node 0 NORMAL [0,32) + MOVABLE [32,64) with CMA [16,24), node 1 NORMAL [64,96). */
export const EXAMPLE: MachineConfig = {
  maxOrder: 3,
  pageblockOrder: 1,
  nodes: [
    { nid: 0, zones: { ZONE_NORMAL: [0, 32], ZONE_MOVABLE: [32, 32] }, cma: [[16, 8]] },
    { nid: 1, zones: { ZONE_NORMAL: [64, 32] } },
  ],
  tasks: [{ tid: 1, nid: 0 }],
};

export function boot(config: MachineConfig): ImplSystem {
  return new ImplSystem(config, PROFILES['linux-6.12']);
}

/** apply and return the result as a loose record */
export function run(sys: ImplSystem, op: Op): Record<string, unknown> & OpResult {
  return sys.apply(op) as Record<string, unknown> & OpResult;
}

export function alloc(sys: ImplSystem, gfp: string[], order: number, extra: Partial<Op> = {}): Record<string, unknown> & OpResult {
  return run(sys, { op: 'alloc_pages', gfp, order, ...extra } as Op);
}

export function zoneOf(snap: Snapshot, nid: number, zone: ZoneName) {
  const z = snap.zones.find((x) => x.nid === nid && x.zone === zone);
  if (!z) throw new Error(`no zone ${nid} ${zone}`);
  return z;
}

/** free_list[order][mt] of a zone, head to tail */
export function list(sys: ImplSystem, nid: number, zone: ZoneName, mt: (typeof MIGRATETYPE_NAMES)[number], order: number): readonly number[] {
  return zoneOf(sys.snapshot(), nid, zone).freeLists[MIGRATETYPE_NAMES.indexOf(mt)]![order]!;
}

/** every non-empty list of a zone as "MT oN: pfns" lines */
export function lists(sys: ImplSystem, nid: number, zone: ZoneName): string[] {
  const out: string[] = [];
  zoneOf(sys.snapshot(), nid, zone).freeLists.forEach((byOrder, mt) =>
    byOrder.forEach((pfns, o) => {
      if (pfns.length) out.push(`${MIGRATETYPE_NAMES[mt]!.slice(8)} o${o}: ${pfns.join(',')}`);
    }),
  );
  return out;
}

/** the machine of one zone [start, start+pages) on node 0 */
export function oneZone(maxOrder: number, pageblockOrder: number, zone: ZoneName, start: number, pages: number, cma?: [number, number][]): MachineConfig {
  return { maxOrder, pageblockOrder, nodes: [{ nid: 0, zones: { [zone]: [start, pages] }, ...(cma ? { cma } : {}) }] };
}

/** pageblock order 0, maxOrder 2: node 0 ZONE_MOVABLE [0,8), node 1 ZONE_NORMAL [8,16), task 1 on node 0 */
export const PB0_TWO_NODES: MachineConfig = {
  maxOrder: 2,
  pageblockOrder: 0,
  nodes: [
    { nid: 0, zones: { ZONE_MOVABLE: [0, 8] } },
    { nid: 1, zones: { ZONE_NORMAL: [8, 8] } },
  ],
  tasks: [{ tid: 1, nid: 0 }],
};
