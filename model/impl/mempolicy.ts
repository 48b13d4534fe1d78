// struct mempolicy and its rules (mm/mempolicy.c, MODEL.md "Mempolicy"): mpol_new with
// mpol_set_nodemask, the node a fault or a policy-driven migration target goes to, and
// mpol_rebind_nodemask for a cpuset change.
import type { IdIndex } from './idindex.js';
import { NP_OPS_MEMPOLICY } from './node_private.js';
import type { NodePrivateTable } from './node_private.js';
import { NodeMask } from './zonelist.js';

// enum mempolicy_mode, include/uapi/linux/mempolicy.h
export const MPOL_DEFAULT = 0;
export const MPOL_PREFERRED = 1;
export const MPOL_BIND = 2;
export const MPOL_INTERLEAVE = 3;
export const MPOL_LOCAL = 4;
export const MPOL_NAMES = ['MPOL_DEFAULT', 'MPOL_PREFERRED', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_LOCAL'] as const;

export interface Mempolicy {
  readonly mode: number;
  /** pol->nodes as nids, ascending */
  nodes: number[];
  /** the same as node positions (the allocator's nodemask) */
  mask: NodeMask;
  /** pol->w.cpuset_mems_allowed as nids, ascending */
  cpusetMems: number[];
  /** MPOL_F_PRIVATE in pol->flags */
  private: boolean;
}

export function mpolMode(name: string): number {
  return (MPOL_NAMES as readonly string[]).indexOf(name);
}

/** the world mpol_new / mpol_set_nodemask look at */
export interface NodeWorld {
  readonly nrNodes: number;
  readonly nodePos: IdIndex;
  /** node_states[N_MEMORY] ∪ node_states[N_MEMORY_PRIVATE] by position */
  hasMemory(pos: number): boolean;
  readonly np: NodePrivateTable;
}

const sortNum = (a: number, b: number): number => a - b;

// mpol_new + mpol_set_nodemask // mm/mempolicy.c: a policy, null for MPOL_DEFAULT, or -1 (-EINVAL);
// `mode` is a valid MPOL_* (the caller refused an unknown name)
export function mpol_new(world: NodeWorld, mode: number, nodesIn: readonly number[] | undefined, cpusetMems: readonly number[]): Mempolicy | null | -1 {
  const given = nodesIn !== undefined && nodesIn.length > 0;
  if (mode === MPOL_DEFAULT) return given ? -1 : null;
  if (mode === MPOL_LOCAL && given) return -1;
  if (!given && (mode === MPOL_BIND || mode === MPOL_INTERLEAVE)) return -1;
  // what is left without nodes is MPOL_LOCAL or MPOL_PREFERRED: both become a local policy
  if (!given) {
    // the kernel leaves cpuset_mems_allowed empty for a local policy
    return { mode: MPOL_LOCAL, nodes: [], mask: new NodeMask(world.nrNodes), cpusetMems: [], private: false };
  }
  const allowed = new Set(cpusetMems);
  const nodes: number[] = [];
  for (const nid of new Set(nodesIn)) {
    const p = world.nodePos.get(nid);
    // Stryker disable next-line ConditionalExpression: hasMemory(-1) below is false too (it reads past the zone table: NaN > 0)
    if (p < 0) continue;
    if (world.hasMemory(p) && allowed.has(nid)) nodes.push(nid);
  }
  if (nodes.length === 0) return -1;
  // nodes_private_mpol_allowed: a private node in the mask makes the policy MPOL_F_PRIVATE if every
  // private node in it has NP_OPS_MEMPOLICY, else -EINVAL (even with normal nodes next to them)
  const priv = holdsPrivate(world, nodes);
  if (priv && !nodes.every((nid) => eligible(world, nid))) return -1;
  nodes.sort(sortNum);
  // mpol_new_preferred: only the first node of the mask
  if (mode === MPOL_PREFERRED) nodes.length = 1;
  return { mode, nodes, mask: maskFrom(world, nodes), cpusetMems: [...cpusetMems], private: priv };
}

/** node_state(nid, N_MEMORY_PRIVATE): a private node with present memory (isPrivate[-1] of no node is undefined) */
function memoryPrivate(world: NodeWorld, nid: number): boolean {
  const p = world.nodePos.get(nid);
  return world.np.isPrivate[p] === 1 && world.hasMemory(p);
}

/** whether any of the nids is N_MEMORY_PRIVATE (nodes_intersects(mask, node_states[N_MEMORY_PRIVATE])) */
function holdsPrivate(world: NodeWorld, nids: readonly number[]): boolean {
  // Stryker disable next-line ConditionalExpression: a shortcut; without private nodes the loop finds none either
  if (!world.np.any) return false;
  for (const nid of nids) if (memoryPrivate(world, nid)) return true;
  return false;
}

// node_mpol_eligible for the nodes of a mask // mm/mempolicy.c (RFC v4 patch 13): an N_MEMORY_PRIVATE
// node needs NP_OPS_MEMPOLICY; any other node is kept
function eligible(world: NodeWorld, nid: number): boolean {
  if (!memoryPrivate(world, nid)) return true;
  return (world.np.flags[world.nodePos.get(nid)]! & NP_OPS_MEMPOLICY) !== 0;
}

/** the node positions of `nids`, every one a node (mpol_new kept nodes with memory, a rebind cpuset nodes) */
function maskFrom(world: NodeWorld, nids: readonly number[]): NodeMask {
  const m = new NodeMask(world.nrNodes);
  for (const nid of nids) m.set(world.nodePos.get(nid));
  return m;
}

// next_node_in // include/linux/nodemask.h: the first node of the mask after `prev`, wrapping
export function next_node_in(nodes: readonly number[], prev: number): number {
  for (const nid of nodes) if (nid > prev) return nid;
  return nodes[0]!;
}

// mpol_rebind_nodemask // mm/mempolicy.c: nodes_remap(nodes, cpuset_mems_allowed, new)
export function mpol_rebind_nodemask(world: NodeWorld, pol: Mempolicy, newMems: readonly number[]): void {
  if (pol.mode === MPOL_LOCAL) return; // MPOL_DEFAULT is no policy (null), never rebound
  if (pol.mode === MPOL_PREFERRED) {
    pol.cpusetMems = [...newMems]; // mpol_rebind_preferred
    return;
  }
  const out = new Set<number>();
  for (const nid of pol.nodes) {
    const i = pol.cpusetMems.indexOf(nid);
    // Stryker disable next-line ConditionalExpression: i is never -1 here (BIND/INTERLEAVE nodes are always inside their cpusetMems: mpol_new masks them with it, a rebind sets both), the branch is nodes_remap's rule
    out.add(i < 0 ? nid : newMems[i % newMems.length]!);
  }
  let nodes = [...out].sort(sortNum);
  if (nodes.length === 0) nodes = [...newMems];
  // RFC v4 patch 13: then drop the N_MEMORY_PRIVATE nodes without NP_OPS_MEMPOLICY (may leave it empty)
  // Stryker disable next-line ConditionalExpression: a shortcut; eligible keeps every node when none is private
  if (world.np.any) nodes = nodes.filter((nid) => eligible(world, nid));
  pol.nodes = nodes;
  pol.mask = maskFrom(world, nodes);
  pol.private = holdsPrivate(world, nodes);
  pol.cpusetMems = [...newMems];
}
