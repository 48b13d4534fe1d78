// Zonelists: which zones an allocation tries, in which order (mm/page_alloc.c, mm/mmzone.c,
// include/linux/mmzone.h), and the cpuset filter applied while walking them.
import { GFP_BITS } from '../api/index.js';
import { gfp_zonelist } from './gfp.js';
import type { Machine, Node, Task, Zone } from './machine.js';

/** build_zonerefs_node (mm/page_alloc.c): a node's populated zones, highest zone index first. */
export function build_zonerefs_node(node: Node): Zone[] {
  return [...node.node_zones].reverse();
}

/**
 * Node order of the FALLBACK list (model: find_next_best_node without the CPU and load terms):
 * the local node, then the others by ascending (distance from the local node, nid). Private nodes
 * (RFC v4 patch 04: find_next_best_node walks N_MEMORY only) are in no list but their own, so a
 * private node's list is itself, then the normal nodes.
 */
export function fallbackNodeOrder(machine: Machine, local: Node): Node[] {
  const distanceFrom = (n: Node): number => machine.distance[local.position]?.[n.position] ?? Infinity;
  const others = machine.nodes
    .filter((n) => n !== local && n.private === null)
    .sort((a, b) => distanceFrom(a) - distanceFrom(b) || a.nid - b.nid);
  return [local, ...others];
}

/** build_zonelists (mm/page_alloc.c): node-major FALLBACK list and the local-only NOFALLBACK list. */
export function build_zonelists(machine: Machine, node: Node): void {
  node.node_zonelists.ZONELIST_FALLBACK = fallbackNodeOrder(machine, node).flatMap(build_zonerefs_node);
  node.node_zonelists.ZONELIST_NOFALLBACK = build_zonerefs_node(node);
}

/** build_all_zonelists (mm/page_alloc.c) */
export function build_all_zonelists(machine: Machine): void {
  for (const node of machine.nodes) build_zonelists(machine, node);
}

/** node_zonelist (include/linux/gfp.h) */
export function node_zonelist(node: Node, gfp: number): readonly Zone[] {
  return node.node_zonelists[gfp_zonelist(gfp)];
}

/**
 * for_each_zone_zonelist_nodemask (include/linux/mmzone.h): the zonelist entries with
 * zone_idx <= highest_zoneidx whose node is in `nodemask` (every node when there is none).
 */
export function for_each_zone_zonelist_nodemask(
  zonelist: readonly Zone[],
  highestZoneidx: number,
  nodemask: ReadonlySet<number> | undefined,
): Zone[] {
  return zonelist.filter((z) => z.idx <= highestZoneidx && (nodemask === undefined || nodemask.has(z.nid)));
}

/**
 * cpuset_zone_allowed (include/linux/cpuset.h): a __GFP_HARDWALL request stays inside the task's
 * mems_allowed; otherwise the model allows every node (the nearest hardwalled ancestor is the root).
 */
export function cpuset_zone_allowed(task: Task, zone: Zone, gfp: number): boolean {
  if ((gfp & GFP_BITS.__GFP_HARDWALL) === 0) return true;
  return task.mems.has(zone.nid);
}
