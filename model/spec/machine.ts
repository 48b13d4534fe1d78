// The machine state: nodes, zones with their free areas, pageblocks and tasks, and the boot-time
// free of every zone (docs/MODEL.md "Machine and initial state").
import {
  LOCAL_DISTANCE,
  MIGRATETYPE_NAMES,
  REMOTE_DISTANCE,
  ZONE_NAMES,
  type MachineConfig,
  type Migratetype,
  type MmEvent,
  type NodePrivateCallback,
  type Profile,
  type ZoneName,
} from '../api/index.js';
import type { CmaAllocation, CmaArea } from './cma.js';
import type { Folio } from './folio.js';
import { emptyHandleTable, type HandleTable } from './handles.js';
import type { Mempolicy } from './mempolicy.js';
import { parseNodePrivateOps } from './private_ops.js';
import type { Vma } from './vma.js';

/** One order of a zone's free area (struct free_area, include/linux/mmzone.h). */
export interface FreeArea {
  /** free_list[mt]: head pfns of free blocks, list head at index 0 */
  readonly free_list: Record<Migratetype, number[]>;
  /** blocks of this order on every list, MIGRATE_ISOLATE included */
  nr_free: number;
}

/** What PageBuddy + buddy_order say about a free block head, plus the list the block is linked on. */
export interface BuddyPage {
  readonly order: number;
  readonly list: Migratetype;
}

/** struct zone (include/linux/mmzone.h), reduced to what the model observes. */
export interface Zone {
  readonly nid: number;
  readonly name: ZoneName;
  /** zone_idx(): position in ZONE_NAMES */
  readonly idx: number;
  zone_start_pfn: number;
  spanned_pages: number;
  present_pages: number;
  managed_pages: number;
  cma_pages: number;
  /** free_area[0..maxOrder] */
  readonly free_area: FreeArea[];
  readonly vm_stat: { NR_FREE_PAGES: number; NR_FREE_CMA_PAGES: number };
  /** free block heads of this zone (PageBuddy pages), keyed by pfn */
  readonly buddies: Map<number, BuddyPage>;
}

export type ZonelistName = 'ZONELIST_FALLBACK' | 'ZONELIST_NOFALLBACK';

/** pg_data_t (include/linux/mmzone.h). */
export interface Node {
  readonly nid: number;
  /** position in config.nodes: the index into the distance matrix */
  readonly position: number;
  /** populated zones of this node, ascending zone index */
  readonly node_zones: Zone[];
  /** built by build_zonelists once every node exists */
  readonly node_zonelists: Record<ZonelistName, Zone[]>;
  /** pgdat->node_private (private-nodes RFC v4): set for a registered N_MEMORY_PRIVATE node, else null */
  readonly private: NodePrivate | null;
}

/** struct node_private_ops, reduced: the NP_OPS_* mask and which callbacks the driver provides. */
export interface NodePrivateOps {
  readonly flags: number;
  readonly callbacks: ReadonlySet<NodePrivateCallback>;
}

/** struct node_private (include/linux/node_private.h), reduced to its ops (NULL until set). */
export interface NodePrivate {
  ops: NodePrivateOps | null;
}

/**
 * One pageblock: its migratetype (the pageblock bitmap) and the zone its pages belong to (the zone id
 * in page->flags; zone boundaries are pageblock-aligned, so one zone per pageblock is exact).
 */
export interface Pageblock {
  migratetype: Migratetype;
  zone: Zone;
}

export type TaskFlag = 'PF_MEMALLOC_PIN';

export interface Task {
  readonly tid: number;
  /** home node */
  readonly nid: number;
  /** cpuset mems_allowed */
  mems: Set<number>;
  /** current->flags that change allocation context */
  readonly flags: Set<TaskFlag>;
  /** current->mempolicy; null: MPOL_DEFAULT */
  mempolicy: Mempolicy | null;
  /** current->il_prev: the last node interleave picked, -1 before the first */
  il_prev: number;
}

export interface Machine {
  readonly profile: Profile;
  readonly maxOrder: number;
  readonly pageblockOrder: number;
  /** config order */
  readonly nodes: Node[];
  /** (config node order, zone index) order: the snapshot order */
  readonly zones: Zone[];
  /** keyed by the pageblock's first pfn */
  readonly pageblocks: Map<number, Pageblock>;
  /** distance[i][j] between config positions i and j */
  readonly distance: number[][];
  readonly tasks: Task[];
  /** allocated folios, keyed by head pfn */
  readonly folios: Map<number, Folio>;
  /** rule-relevant events since the last drain */
  readonly events: MmEvent[];
  /** every handle ever named and the live ones (k, g, u, v, c) */
  readonly handles: HandleTable;
  /** live VMAs by handle, in creation order */
  readonly vmas: Map<string, Vma>;
  /** first pfns of the pageblocks offline_pages took offline (and online_pages has not brought back) */
  readonly offline: Set<number>;
  /** CMA areas in global config order (the `area` number is the index) */
  readonly cmaAreas: CmaArea[];
  /** live cma_alloc ranges by handle, in creation order */
  readonly cmaAllocations: Map<string, CmaAllocation>;
}

export function pageblockNrPages(machine: Machine): number {
  return 2 ** machine.pageblockOrder;
}

/** pageblock_start_pfn (include/linux/pageblock-flags.h) */
export function pageblock_start_pfn(machine: Machine, pfn: number): number {
  const nr = pageblockNrPages(machine);
  return Math.floor(pfn / nr) * nr;
}

/** page_zone (include/linux/mm.h): the zone a present pfn belongs to, or undefined for a hole. */
export function page_zone(machine: Machine, pfn: number): Zone | undefined {
  return machine.pageblocks.get(pageblock_start_pfn(machine, pfn))?.zone;
}

/** get_pfnblock_migratetype (mm/page_alloc.c) */
export function get_pfnblock_migratetype(machine: Machine, pfn: number): Migratetype {
  const block = machine.pageblocks.get(pageblock_start_pfn(machine, pfn));
  if (block === undefined) throw new Error(`spec: pfn ${pfn} is not present`);
  return block.migratetype;
}

/** set_pageblock_migratetype (mm/page_alloc.c) */
export function set_pageblock_migratetype(machine: Machine, pfn: number, mt: Migratetype): void {
  const block = machine.pageblocks.get(pageblock_start_pfn(machine, pfn));
  if (block === undefined) throw new Error(`spec: pfn ${pfn} is not present`);
  block.migratetype = mt;
}

export function findNode(machine: Machine, nid: number): Node | undefined {
  return machine.nodes.find((n) => n.nid === nid);
}

export function findTask(machine: Machine, tid: number): Task | undefined {
  return machine.tasks.find((t) => t.tid === tid);
}

/** N_MEMORY: whether node `nid` exists and has present pages. */
export function nodeHasMemory(machine: Machine, nid: number): boolean {
  return findNode(machine, nid)?.node_zones.some((z) => z.present_pages > 0) ?? false;
}

/** node_states[N_MEMORY]: nodes with present pages, in config order. */
export function memoryNodes(machine: Machine): number[] {
  return machine.nodes.filter((n) => n.node_zones.some((z) => z.present_pages > 0)).map((n) => n.nid);
}

export function emit(machine: Machine, event: MmEvent): void {
  machine.events.push(event);
}

function emptyFreeArea(): FreeArea {
  const free_list = {} as Record<Migratetype, number[]>;
  for (const mt of MIGRATETYPE_NAMES) free_list[mt] = [];
  return { free_list, nr_free: 0 };
}

export function newZone(maxOrder: number, nid: number, name: ZoneName, start: number, pages: number): Zone {
  return {
    nid,
    name,
    idx: ZONE_NAMES.indexOf(name),
    zone_start_pfn: start,
    spanned_pages: pages,
    present_pages: pages,
    managed_pages: pages,
    cma_pages: 0,
    free_area: Array.from({ length: maxOrder + 1 }, emptyFreeArea),
    vm_stat: { NR_FREE_PAGES: 0, NR_FREE_CMA_PAGES: 0 },
    buddies: new Map(),
  };
}

function defaultDistance(count: number): number[][] {
  return Array.from({ length: count }, (_, i) =>
    Array.from({ length: count }, (_, j) => (i === j ? LOCAL_DISTANCE : REMOTE_DISTANCE)),
  );
}

/**
 * node_private_register + node_private_set_ops at boot for a config's private node. The config has
 * passed validation; a private node under a profile without private nodes, or ops that set_ops
 * would refuse, are spec errors.
 */
function bootPrivate(profile: Profile, config: MachineConfig['nodes'][number]['private'], position: number): NodePrivate | null {
  if (config === undefined) return null;
  if (profile.privateNodes === null) throw new Error(`spec: machine.nodes[${position}].private under ${profile.name}`);
  const ops = parseNodePrivateOps(config.flags, config.callbacks);
  if (typeof ops === 'string') throw new Error(`spec: machine.nodes[${position}].private.flags: ${ops}`);
  return { ops };
}

/**
 * Lays out the machine: nodes, zones, pageblocks (MIGRATE_MOVABLE; MIGRATE_CMA inside CMA areas,
 * as init_cma_reserved_pageblock leaves them) and tasks. Nothing is free yet: `createMachine` in
 * boot.ts builds the zonelists and frees the memory.
 */
export function layoutMachine(config: MachineConfig, profile: Profile): Machine {
  const machine: Machine = {
    profile,
    maxOrder: config.maxOrder,
    pageblockOrder: config.pageblockOrder,
    nodes: [],
    zones: [],
    pageblocks: new Map(),
    distance: config.distance ? config.distance.map((row) => [...row]) : defaultDistance(config.nodes.length),
    tasks: [],
    folios: new Map(),
    events: [],
    handles: emptyHandleTable(),
    vmas: new Map(),
    offline: new Set(),
    cmaAreas: [],
    cmaAllocations: new Map(),
  };
  const pbPages = pageblockNrPages(machine);

  config.nodes.forEach((nodeConfig, position) => {
    const node: Node = {
      nid: nodeConfig.nid,
      position,
      node_zones: [],
      node_zonelists: { ZONELIST_FALLBACK: [], ZONELIST_NOFALLBACK: [] },
      private: bootPrivate(profile, nodeConfig.private, position),
    };
    for (const name of ZONE_NAMES) {
      const range = nodeConfig.zones[name];
      if (range === undefined) continue;
      const [start, pages] = range;
      const zone = newZone(machine.maxOrder, node.nid, name, start, pages);
      node.node_zones.push(zone);
      machine.zones.push(zone);
      for (let pfn = start; pfn < start + pages; pfn += pbPages) {
        machine.pageblocks.set(pfn, { migratetype: 'MIGRATE_MOVABLE', zone });
      }
    }
    for (const [start, pages] of nodeConfig.cma ?? []) {
      machine.cmaAreas.push({ id: machine.cmaAreas.length, nid: node.nid, base_pfn: start, count: pages });
      for (let pfn = start; pfn < start + pages; pfn += pbPages) {
        const block = machine.pageblocks.get(pfn);
        if (block === undefined) throw new Error(`spec: CMA pfn ${pfn} is not present`);
        block.migratetype = 'MIGRATE_CMA';
        block.zone.cma_pages += pbPages;
      }
    }
    machine.nodes.push(node);
  });

  const allNids = machine.nodes.map((n) => n.nid);
  // No tasks (absent or an empty list): one task, tid 1, on the first node.
  const tasks = config.tasks?.length ? config.tasks : [{ tid: 1, nid: allNids[0] ?? 0 }];
  for (const t of tasks) {
    machine.tasks.push({
      tid: t.tid,
      nid: t.nid,
      mems: new Set(t.mems ?? allNids),
      flags: new Set(),
      mempolicy: null,
      il_prev: -1,
    });
  }
  return machine;
}
