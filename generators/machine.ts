// Random machines (DESIGN.md §2): 1–3 nodes, any of the four zone types, CMA areas, gaps between
// ranges, small maxOrder and pageblockOrder, optional distance matrix and tasks with cpusets.
// Built from plain integer parameters so fast-check shrinks towards small, simple machines.
import fc from 'fast-check';
import { ZONE_NAMES } from '../model/api/index.js';
import type { MachineConfig, NodeConfig, PfnRange, TaskConfig, ZoneName } from '../model/api/index.js';

export interface ZoneParams {
  readonly present: boolean;
  /** whole max-order blocks in the zone */
  readonly maxBlocks: number;
  /** extra pageblocks, so a zone need not be max-order sized */
  readonly extraPageblocks: number;
  /** empty pageblocks left before the zone */
  readonly gapPageblocks: number;
  /** a CMA area [offset, length] in pageblocks, clamped into the zone */
  readonly cma: readonly [number, number] | null;
}

export interface MachineParams {
  readonly maxOrder: number;
  readonly pageblockOrder: number;
  readonly startPageblocks: number;
  readonly nodes: readonly (readonly ZoneParams[])[];
  readonly distances: readonly number[] | null;
  readonly tasks: readonly { readonly node: number; readonly mems: readonly number[] | null }[];
}

const zoneParams: fc.Arbitrary<ZoneParams> = fc.record({
  present: fc.boolean(),
  maxBlocks: fc.integer({ min: 0, max: 3 }),
  extraPageblocks: fc.integer({ min: 0, max: 3 }),
  gapPageblocks: fc.integer({ min: 0, max: 2 }),
  cma: fc.option(fc.tuple(fc.nat({ max: 4 }), fc.integer({ min: 1, max: 3 })), { freq: 3 }),
});

export const machineParams: fc.Arbitrary<MachineParams> = fc
  .record({
    maxOrder: fc.integer({ min: 1, max: 4 }),
    pageblockOrder: fc.integer({ min: 0, max: 4 }),
    startPageblocks: fc.nat({ max: 3 }),
    nodes: fc.array(fc.array(zoneParams, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    distances: fc.option(fc.array(fc.integer({ min: 11, max: 40 }), { minLength: 3, maxLength: 3 })),
    tasks: fc.array(
      fc.record({ node: fc.nat({ max: 2 }), mems: fc.option(fc.uniqueArray(fc.nat({ max: 2 }), { minLength: 1, maxLength: 3 })) }),
      { minLength: 1, maxLength: 2 },
    ),
  })
  .map((p) => ({ ...p, pageblockOrder: Math.min(p.pageblockOrder, p.maxOrder) }));

/** Turn parameters into a valid MachineConfig (every rule of docs/MODEL.md holds by construction). */
export function buildMachine(p: MachineParams): MachineConfig {
  const pb = 2 ** p.pageblockOrder;
  const maxBlock = 2 ** p.maxOrder;
  let pfn = p.startPageblocks * pb;
  let anyZone = false;
  const nodes: NodeConfig[] = p.nodes.map((zps, nid) => {
    const zones: Partial<Record<ZoneName, PfnRange>> = {};
    const cma: PfnRange[] = [];
    zps.forEach((z, zi) => {
      const pages = z.maxBlocks * maxBlock + z.extraPageblocks * pb;
      if (!z.present || pages === 0) return;
      pfn += z.gapPageblocks * pb;
      zones[ZONE_NAMES[zi] as ZoneName] = [pfn, pages];
      anyZone = true;
      if (z.cma) {
        const zonePbs = pages / pb;
        const off = z.cma[0] % zonePbs;
        const len = Math.min(z.cma[1], zonePbs - off);
        cma.push([pfn + off * pb, len * pb]);
      }
      pfn += pages;
    });
    return { nid, zones, ...(cma.length > 0 ? { cma } : {}) };
  });
  if (!anyZone) {
    const first = nodes[0] as NodeConfig;
    nodes[0] = { ...first, zones: { ZONE_NORMAL: [pfn, maxBlock] } };
  }
  const n = nodes.length;
  const distance = p.distances
    ? nodes.map((_, i) => nodes.map((__, j) => (i === j ? 10 : (p.distances as number[])[(i + j) % 3] as number)))
    : undefined;
  const tasks: TaskConfig[] = p.tasks.map((t, i) => {
    const mems = t.mems ? [...new Set(t.mems.map((m) => m % n))].sort((a, b) => a - b) : undefined;
    return { tid: i + 1, nid: t.node % n, ...(mems ? { mems } : {}) };
  });
  return {
    maxOrder: p.maxOrder,
    pageblockOrder: p.pageblockOrder,
    nodes,
    ...(distance ? { distance } : {}),
    tasks,
  };
}

export const machineArb: fc.Arbitrary<MachineConfig> = machineParams.map(buildMachine);
