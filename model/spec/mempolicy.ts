// Memory policies (mm/mempolicy.c): creation, node choice for faults and policy-driven migration,
// the interleave cursor, and rebinding to a new cpuset (docs/MODEL.md "Mempolicy").
import { GFP_BITS, GFP_COMPOSITES, MPOL_MF_FLAGS, MPOL_MODES, type Errno, type MpolMode } from '../api/index.js';
import type { Folio } from './folio.js';
import { findNode, memoryNodes, emit, type Machine, type Node, type Task } from './machine.js';
import { migrate_folio } from './migrate.js';
import { folio_managed_allows_migrate, node_private_has_flag, node_state_private, nodes_private_mpol_allowed } from './private.js';
import type { Vma } from './vma.js';

/** struct mempolicy, reduced: mode, nodes and w.cpuset_mems_allowed (both ascending), MPOL_F_PRIVATE. */
export interface Mempolicy {
  readonly mode: MpolMode;
  nodes: number[];
  cpusetMems: number[];
  /** pol->flags & MPOL_F_PRIVATE (RFC v4 patch 13): faults and mbind targets add __GFP_PRIVATE */
  private: boolean;
}

/** MAX_NUMNODES of the model: node ids 0..1023 may be named in a nodemask. */
export const MAX_NUMNODES = 1024;

const sortedUnique = (nodes: Iterable<number>): number[] => [...new Set(nodes)].sort((a, b) => a - b);

/** get_nodes (mm/mempolicy.c): the user nodemask, or undefined when a node id is out of range. */
export function get_nodes(nodes: readonly number[] | undefined): number[] | undefined {
  const list = nodes ?? [];
  if (!list.every((n) => Number.isInteger(n) && n >= 0 && n < MAX_NUMNODES)) return undefined;
  return sortedUnique(list);
}

export function isMpolMode(mode: string): mode is MpolMode {
  return (MPOL_MODES as readonly string[]).includes(mode);
}

/**
 * mpol_set_nodemask (mm/mempolicy.c, RFC v4 patch 13): keep the nodes that exist, have memory
 * (N_MEMORY or N_MEMORY_PRIVATE) and are in the task's cpuset mems. A mask holding a private node
 * sets MPOL_F_PRIVATE when every private node in it has NP_OPS_MEMPOLICY
 * (nodes_private_mpol_allowed), and is -EINVAL otherwise, even with normal nodes beside it.
 */
export function mpol_set_nodemask(machine: Machine, task: Task, nodes: readonly number[]): { nodes: number[]; private: boolean } | Errno {
  const allowed = new Set(memoryNodes(machine).filter((nid) => task.mems.has(nid)));
  const mask = nodes.filter((nid) => allowed.has(nid));
  if (nodes_private_mpol_allowed(machine, mask)) return { nodes: mask, private: true };
  if (mask.some((nid) => node_state_private(machine, nid))) return '-EINVAL';
  return { nodes: mask, private: false };
}

/**
 * mpol_new + mpol_set_nodemask (mm/mempolicy.c): a policy, null for MPOL_DEFAULT (no policy), or
 * -EINVAL. `nodes` is already parsed by get_nodes.
 */
export function mpol_new(machine: Machine, task: Task, mode: MpolMode, nodes: readonly number[]): Mempolicy | null | Errno {
  // mpol_set_nodemask returns early for MPOL_LOCAL: its w.cpuset_mems_allowed stays empty
  switch (mode) {
    case 'MPOL_DEFAULT':
      return nodes.length > 0 ? '-EINVAL' : null;
    case 'MPOL_LOCAL':
      return nodes.length > 0 ? '-EINVAL' : { mode, nodes: [], cpusetMems: [], private: false };
    case 'MPOL_PREFERRED':
      if (nodes.length === 0) return { mode: 'MPOL_LOCAL', nodes: [], cpusetMems: [], private: false };
      break;
    // Stryker disable StringLiteral,ConditionalExpression: equivalent, an empty mask also fails the masked.nodes check below with the same -EINVAL and no event
    case 'MPOL_BIND':
    case 'MPOL_INTERLEAVE':
      if (nodes.length === 0) return '-EINVAL';
      break;
  }
  // Stryker restore StringLiteral,ConditionalExpression
  const masked = mpol_set_nodemask(machine, task, nodes);
  if (typeof masked === 'string') return masked;
  if (masked.nodes.length === 0) return '-EINVAL';
  const cpusetMems = sortedUnique(task.mems);
  if (masked.private) emit(machine, { kind: 'mpol-private' });
  // mpol_new_preferred keeps only the first node of the mask (MPOL_F_PRIVATE is of the whole mask)
  if (mode === 'MPOL_PREFERRED') return { mode, nodes: [Math.min(...masked.nodes)], cpusetMems, private: masked.private };
  return { mode, nodes: masked.nodes, cpusetMems, private: masked.private };
}

/** vma_alloc_folio / alloc_migration_target_by_mpol (patch 13): __GFP_PRIVATE under MPOL_F_PRIVATE. */
export function mpol_private_gfp(pol: Mempolicy | null): number {
  return pol?.private === true ? GFP_BITS.__GFP_PRIVATE : 0;
}

/** Parse mode and nodes, then mpol_new: the common front of set_mempolicy and mbind. */
export function newPolicy(machine: Machine, task: Task, mode: string, nodes: readonly number[] | undefined): Mempolicy | null | Errno {
  if (!isMpolMode(mode)) return '-EINVAL';
  const parsed = get_nodes(nodes);
  if (parsed === undefined) return '-EINVAL';
  return mpol_new(machine, task, mode, parsed);
}

/** do_set_mempolicy (mm/mempolicy.c): replace the task policy and reset the interleave cursor. */
export function do_set_mempolicy(machine: Machine, task: Task, mode: string, nodes: readonly number[] | undefined): Errno | 0 {
  const pol = newPolicy(machine, task, mode, nodes);
  if (typeof pol === 'string') return pol;
  task.mempolicy = pol;
  task.il_prev = -1;
  return 0;
}

/** The mbind flags as a mask, or undefined when a name is unknown (do_mbind: -EINVAL). */
export function parseMbindFlags(flags: readonly string[] | undefined): number | undefined {
  let mask = 0;
  for (const name of flags ?? []) {
    if (!Object.prototype.hasOwnProperty.call(MPOL_MF_FLAGS, name)) return undefined;
    mask |= MPOL_MF_FLAGS[name as keyof typeof MPOL_MF_FLAGS];
  }
  return mask;
}

/** next_node_in (include/linux/nodemask.h): the first node of `nodes` after `prev`, wrapping. */
export function next_node_in(prev: number, nodes: readonly number[]): number {
  return nodes.find((n) => n > prev) ?? nodes[0]!;
}

/** interleave_nodes (mm/mempolicy.c): advance the task's il_prev cursor over the policy's nodes. */
export function interleave_nodes(machine: Machine, task: Task, pol: Mempolicy): number {
  const next = next_node_in(task.il_prev, pol.nodes);
  if (task.il_prev !== -1 && next !== task.il_prev) emit(machine, { kind: 'interleave-switch' });
  task.il_prev = next;
  return next;
}

/** Where a policy-driven allocation starts (preferred node) and which nodes it may use. */
export interface PolicyPlacement {
  readonly preferred: Node;
  readonly nodemask: ReadonlySet<number> | undefined;
}

/**
 * policy_nodemask (mm/mempolicy.c) as docs/MODEL.md fixes it: DEFAULT/LOCAL the task's node;
 * PREFERRED the first node of the mask; BIND the task's node with the mask as nodemask, but the
 * mask's first node when MPOL_F_PRIVATE is set and the task's node is not in it (RFC v4 patch 13);
 * INTERLEAVE the next node of the per-task cursor. Only BIND has a nodemask. undefined: INTERLEAVE
 * over no nodes (a rebind may empty a mask), which fails the allocation.
 */
export function policy_nodemask(machine: Machine, task: Task, pol: Mempolicy | null): PolicyPlacement | undefined {
  const node = (nid: number): Node => {
    const n = findNode(machine, nid);
    if (n === undefined) throw new Error(`spec: policy node ${nid} does not exist`);
    return n;
  };
  if (pol === null) return { preferred: node(task.nid), nodemask: undefined };
  switch (pol.mode) {
    case 'MPOL_DEFAULT':
    case 'MPOL_LOCAL':
      return { preferred: node(task.nid), nodemask: undefined };
    case 'MPOL_PREFERRED':
      return { preferred: node(pol.nodes[0]!), nodemask: undefined };
    case 'MPOL_BIND': {
      const start = pol.private && !pol.nodes.includes(task.nid) ? pol.nodes[0]! : task.nid;
      return { preferred: node(start), nodemask: new Set(pol.nodes) };
    }
    case 'MPOL_INTERLEAVE':
      if (pol.nodes.length === 0) return undefined;
      return { preferred: node(interleave_nodes(machine, task, pol)), nodemask: undefined };
  }
}

/** Whether a policy restricts placement to its nodes (mbind moves and STRICT checks). */
export function policyHasMask(pol: Mempolicy | null): pol is Mempolicy {
  return pol !== null && (pol.mode === 'MPOL_BIND' || pol.mode === 'MPOL_INTERLEAVE' || pol.mode === 'MPOL_PREFERRED');
}

/**
 * nodes_remap (include/linux/nodemask.h, bitmap_remap): a node at position i of `oldMask` maps to
 * position i mod |newMask| of `newMask`; a node outside `oldMask` (or any node when `newMask` is
 * empty) stays.
 */
export function nodes_remap(nodes: readonly number[], oldMask: readonly number[], newMask: readonly number[]): number[] {
  return sortedUnique(
    nodes.map((n) => {
      const i = oldMask.indexOf(n);
      if (i < 0 || newMask.length === 0) return n;
      return newMask[i % newMask.length]!;
    }),
  );
}

/** mpol_rebind_preferred (mm/mempolicy.c): only the cpuset the node is relative to changes. */
function mpol_rebind_preferred(pol: Mempolicy, mems: readonly number[]): boolean {
  pol.cpusetMems = [...mems];
  return false;
}

/**
 * mpol_rebind_nodemask (mm/mempolicy.c): remap the nodes from the old cpuset to the new one; an
 * empty result becomes the new mems. Then (RFC v4 patch 13) drop every N_MEMORY_PRIVATE node
 * without NP_OPS_MEMPOLICY, and MPOL_F_PRIVATE = the nodes still hold a private node (the result
 * may be empty). For MPOL_BIND and MPOL_INTERLEAVE; returns whether the nodes changed.
 */
export function mpol_rebind_nodemask(machine: Machine, pol: Mempolicy, mems: readonly number[]): boolean {
  let tmp = nodes_remap(pol.nodes, pol.cpusetMems, mems);
  if (tmp.length === 0) tmp = [...mems];
  tmp = tmp.filter((nid) => !node_state_private(machine, nid) || node_private_has_flag(machine, nid, 'NP_OPS_MEMPOLICY'));
  pol.private = tmp.some((nid) => node_state_private(machine, nid));
  if (pol.private) emit(machine, { kind: 'mpol-private' });
  const changed = tmp.length !== pol.nodes.length || tmp.some((n, i) => n !== pol.nodes[i]);
  pol.nodes = tmp;
  pol.cpusetMems = [...mems];
  return changed;
}

/**
 * mpol_rebind_policy (mm/mempolicy.c): no policy and MPOL_LOCAL are not rebound; otherwise the
 * mode's rebind (mpol_ops[mode].rebind). Returns whether the policy's nodes changed.
 */
export function mpol_rebind_policy(machine: Machine, pol: Mempolicy | null, mems: readonly number[]): boolean {
  if (pol === null || pol.mode === 'MPOL_LOCAL' || pol.mode === 'MPOL_DEFAULT') return false;
  if (pol.mode === 'MPOL_PREFERRED') return mpol_rebind_preferred(pol, mems);
  return mpol_rebind_nodemask(machine, pol, mems);
}

/**
 * cpuset_update_task_memory_state → mpol_rebind_task and mpol_rebind_mm (kernel/cgroup/cpuset.c,
 * mm/mempolicy.c): set the task's mems and rebind its policy and the policies of its VMAs (in VMA
 * creation order). Folios do not move.
 */
export function setCpusetMems(machine: Machine, task: Task, nodes: readonly number[]): Errno | 0 {
  if (nodes.length === 0 || !nodes.every((nid) => findNode(machine, nid) !== undefined)) return '-EINVAL';
  const mems = sortedUnique(nodes);
  task.mems = new Set(mems);
  let changed = mpol_rebind_policy(machine, task.mempolicy, mems);
  for (const vma of machine.vmas.values()) {
    if (vma.task === task && mpol_rebind_policy(machine, vma.policy, mems)) changed = true;
  }
  if (changed) emit(machine, { kind: 'rebind' });
  return 0;
}

/**
 * do_mbind (mm/mempolicy.c): set or remove the VMA policy (the owning task's cpuset applies). With
 * MPOL_MF_MOVE / MOVE_ALL and a BIND, INTERLEAVE or PREFERRED policy, every present folio (ascending
 * index, each once) outside the policy's nodes migrates to a target chosen as for a fault under the
 * new policy. With MPOL_MF_STRICT, a folio still outside the nodes afterwards makes the call -EIO
 * (the policy stays set). DEFAULT and LOCAL never move folios and never fail STRICT.
 */
export function do_mbind(
  machine: Machine,
  vma: Vma,
  mode: string,
  nodes: readonly number[] | undefined,
  flags: readonly string[] | undefined,
): Errno | 0 {
  const mask = parseMbindFlags(flags);
  if (mask === undefined) return '-EINVAL';
  const pol = newPolicy(machine, vma.task, mode, nodes);
  if (typeof pol === 'string') return pol;
  vma.policy = pol;
  if (!policyHasMask(pol)) return 0;

  const move = (mask & (MPOL_MF_FLAGS.MPOL_MF_MOVE | MPOL_MF_FLAGS.MPOL_MF_MOVE_ALL)) !== 0;
  const strict = (mask & MPOL_MF_FLAGS.MPOL_MF_STRICT) !== 0;
  const allowed = new Set(pol.nodes);
  const seen = new Set<Folio>();
  let outside = false;
  for (let folio of vma.ptes) {
    if (folio === null || seen.has(folio)) continue;
    seen.add(folio);
    if (allowed.has(folio.zone.nid)) continue;
    // queue_folios_pte_range (patch 13): a private folio that may not migrate is skipped, not failed
    if (!folio_managed_allows_migrate(machine, folio)) {
      if (move) emit(machine, { kind: 'private-migrate-refused', reason: 'mbind' });
      continue;
    }
    if (move) {
      // alloc_migration_target_by_mpol: __GFP_PRIVATE under MPOL_F_PRIVATE
      const outcome = migrate_folio(machine, folio, 'mbind', () => {
        // mpol_new gave the policy a node, so there is a placement
        const placement = policy_nodemask(machine, vma.task, pol)!;
        const gfp = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE | mpol_private_gfp(pol);
        return { task: vma.task, gfp, ...placement, path: 'mpol-migrate' };
      });
      if (outcome.ok) {
        folio = outcome.folio;
        seen.add(folio);
      }
    }
    if (!allowed.has(folio.zone.nid)) outside = true;
  }
  return strict && outside ? '-EIO' : 0;
}
