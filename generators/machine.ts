// Random machines (DESIGN.md §2): 1–3 nodes, any of the four zone types, CMA areas, gaps between
// ranges, small maxOrder and pageblockOrder, optional distance matrix and tasks with cpusets.
// Built from plain integer parameters so fast-check shrinks towards small, simple machines.
import fc from 'fast-check';
import { ZONE_NAMES } from '../model/api/index.js';
import { NP_OPS_FLAGS, NODE_PRIVATE_CALLBACKS } from '../model/api/index.js';
import type { MachineConfig, NodeConfig, PfnRange, PrivateNodeConfig, TaskConfig, ZoneName } from '../model/api/index.js';

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
  /** for nodes at positions 1 and 2: null (a normal node) or the private node's NP_OPS bits */
  readonly private: readonly (number | null)[];
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
    private: fc.constant([null, null] as (number | null)[]),
  })
  .map((p) => ({ ...p, pageblockOrder: Math.min(p.pageblockOrder, p.maxOrder) }));

/** NP_OPS sets drivers really register (cxl_mempolicy, CRAM, a pin-friendly device) plus random ones. */
const NP = NP_OPS_FLAGS;
const PRIVATE_FLAG_SETS: readonly number[] = [
  NP.NP_OPS_MIGRATION | NP.NP_OPS_MEMPOLICY,
  NP.NP_OPS_MIGRATION | NP.NP_OPS_MEMPOLICY | NP.NP_OPS_LONGTERM_PIN,
  NP.NP_OPS_MIGRATION | NP.NP_OPS_DEMOTION | NP.NP_OPS_NUMA_BALANCING | NP.NP_OPS_PROTECT_WRITE | NP.NP_OPS_RECLAIM,
  NP.NP_OPS_LONGTERM_PIN,
  0,
  // migrate_to without NP_OPS_MIGRATION (bit 8, B14): folios can move in but never out
  0x100,
  0x100 | NP.NP_OPS_LONGTERM_PIN,
];

/** Machines for a private-nodes profile: like machineParams, with node 1 (and maybe 2) private. */
export const privateMachineParams: fc.Arbitrary<MachineParams> = fc
  .tuple(
    machineParams,
    fc.array(zoneParams, { minLength: 4, maxLength: 4 }),
    fc.oneof(fc.constantFrom(...PRIVATE_FLAG_SETS), fc.nat({ max: 511 })),
    fc.option(fc.oneof(fc.constantFrom(...PRIVATE_FLAG_SETS), fc.nat({ max: 511 })), { freq: 3 }),
  )
  .map(([p, extra, first, second]) => {
    // at least two nodes: node 0 stays normal (it has the tasks' CPUs)
    const nodes = p.nodes.length >= 2 ? p.nodes : [...p.nodes, extra];
    return { ...p, nodes, private: [first, nodes.length === 3 ? second : null] };
  });

/** The smallest valid flag set containing `bits`: node_private_set_ops's -EINVAL rules fixed up. */
export function validPrivateFlags(bits: number): number {
  let f = bits & 0xff;
  if (f & (NP.NP_OPS_MEMPOLICY | NP.NP_OPS_NUMA_BALANCING | NP.NP_OPS_COMPACTION)) f |= NP.NP_OPS_MIGRATION;
  if (f & NP.NP_OPS_MEMPOLICY) f &= ~NP.NP_OPS_PROTECT_WRITE;
  return f;
}

function privateConfig(bits: number): PrivateNodeConfig {
  const f = validPrivateFlags(bits);
  const flags = Object.entries(NP).filter(([, bit]) => (f & bit) !== 0).map(([name]) => name);
  // MIGRATION needs migrate_to and folio_migrate; bit 8 of the raw bits offers migrate_to without the flag (B14)
  const callbacks = NODE_PRIVATE_CALLBACKS.filter(
    (cb) => ((f & NP.NP_OPS_MIGRATION) !== 0 && (cb === 'migrate_to' || cb === 'folio_migrate')) || (cb === 'migrate_to' && (bits & 0x100) !== 0),
  );
  return { flags, callbacks };
}

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
    const priv = nid > 0 ? p.private[nid - 1] : null;
    return { nid, zones, ...(cma.length > 0 ? { cma } : {}), ...(priv !== null && priv !== undefined ? { private: privateConfig(priv) } : {}) };
  });
  if (!anyZone) {
    const first = nodes[0] as NodeConfig;
    nodes[0] = { ...first, zones: { ZONE_NORMAL: [pfn, maxBlock] } };
  }
  const n = nodes.length;
  const distance = p.distances
    ? nodes.map((_, i) => nodes.map((__, j) => (i === j ? 10 : (p.distances as number[])[(i + j) % 3] as number)))
    : undefined;
  // tasks run on normal nodes (private nodes have no CPUs); their cpusets may include private nodes
  const normal = nodes.filter((node) => !node.private).map((node) => node.nid);
  const tasks: TaskConfig[] = p.tasks.map((t, i) => {
    const mems = t.mems ? [...new Set(t.mems.map((m) => m % n))].sort((a, b) => a - b) : undefined;
    return { tid: i + 1, nid: normal[t.node % normal.length] ?? 0, ...(mems ? { mems } : {}) };
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

/** Machines for a profile: with private nodes when the profile has them. */
export function machineArbFor(withPrivateNodes: boolean): fc.Arbitrary<MachineConfig> {
  return withPrivateNodes ? privateMachineParams.map(buildMachine) : machineArb;
}
