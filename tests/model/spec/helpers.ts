// Shared fixtures for the spec's unit tests.
import type { MachineConfig, Migratetype, Op, OpResult, ZoneName } from '../../../model/api/index.js';
import { PROFILES } from '../../../model/profiles.js';
import { createSpecSystem, type SpecSystem } from '../../../model/spec/system.js';
import type { Zone } from '../../../model/spec/machine.js';

export const profile = PROFILES['linux-6.12'];

export function spec(config: MachineConfig): SpecSystem {
  return createSpecSystem(config, profile);
}

/** A one-zone machine: ZONE_NORMAL [start, start+pages) on node 0. */
export function oneZone(maxOrder: number, pageblockOrder: number, start: number, pages: number, cma?: [number, number][]): MachineConfig {
  return {
    maxOrder,
    pageblockOrder,
    nodes: [{ nid: 0, zones: { ZONE_NORMAL: [start, pages] }, ...(cma ? { cma } : {}) }],
  };
}

export function zoneOf(s: SpecSystem, nid: number, name: ZoneName): Zone {
  const zone = s.machine.zones.find((z) => z.nid === nid && z.name === name);
  if (zone === undefined) throw new Error(`no zone ${nid}:${name}`);
  return zone;
}

/** free_list[mt] of every order, head first. */
export function lists(zone: Zone, mt: Migratetype): number[][] {
  return zone.free_area.map((area) => [...area.free_list[mt]]);
}

/** Apply ops and return their results. */
export function run(s: SpecSystem, ops: readonly Op[]): OpResult[] {
  return ops.map((op) => s.apply(op));
}

/** Allocate with these gfp names and return the pfn, or the errno string. */
export function allocPfn(
  s: SpecSystem,
  gfp: string[],
  order: number,
  extra: { nid?: number; nodemask?: number[]; task?: number } = {},
): number | string {
  const r = s.apply({ op: 'alloc_pages', gfp, order, ...extra });
  if (typeof r.ret === 'string') return r.ret;
  if (!('pfn' in r)) throw new Error('alloc_pages result without pfn');
  return r.pfn;
}
