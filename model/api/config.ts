// MachineConfig: the JSON machine description of DESIGN.md §2 and §8.
import type { ZoneName } from './flags.js';

/** [startPfn, nrPages] */
export type PfnRange = readonly [number, number];

export interface PrivateNodeConfig {
  readonly flags: readonly string[];
  readonly callbacks: readonly string[];
}

export interface NodeConfig {
  readonly nid: number;
  readonly zones: Readonly<Partial<Record<ZoneName, PfnRange>>>;
  /** CMA areas: pageblock-aligned pfn ranges, each inside one zone of this node. */
  readonly cma?: readonly PfnRange[];
  readonly private?: PrivateNodeConfig;
}

export interface TaskConfig {
  readonly tid: number;
  /** home node */
  readonly nid: number;
  /** cpuset mems; default: every node */
  readonly mems?: readonly number[];
}

export interface MachineConfig {
  /** MAX_PAGE_ORDER, inclusive */
  readonly maxOrder: number;
  readonly pageblockOrder: number;
  readonly nodes: readonly NodeConfig[];
  /** distance[i][j]: from nodes[i] to nodes[j] (positions in `nodes`). Default 10 local, 20 remote. */
  readonly distance?: readonly (readonly number[])[];
  /** default: one task, tid 1, on the first node */
  readonly tasks?: readonly TaskConfig[];
}

/**
 * CMA areas are numbered globally in config order: node by node (in `nodes` order), then in the
 * order of each node's `cma` list. `cma_alloc {area}` names that number.
 */
export type CmaAreaId = number;
