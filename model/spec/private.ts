// Private memory nodes (private-nodes RFC v4; docs/MODEL.md "Private memory nodes"): node states,
// the NP_OPS_* predicates, the __GFP_PRIVATE gate, set_ops / clear_ops and the sysfs node masks.
// Everything here is inert when `profile.privateNodes` is null: no node is ever private then.
import { GFP_BITS, NP_OPS_FLAGS, type Errno, type Migratetype, type NpOpsFlagName, type ReadSysfsResult } from '../api/index.js';
import { fallbacks } from './rmqueue.js';
import type { Folio } from './folio.js';
import { findNode, type Machine, type Zone } from './machine.js';
import { parseNodePrivateOps } from './private_ops.js';

/** pgdat->private (include/linux/mmzone.h, RFC v4 patch 01): node `nid` is a registered private node. */
export function node_is_private(machine: Machine, nid: number): boolean {
  return (findNode(machine, nid)?.private ?? null) !== null;
}

function hasPresentMemory(machine: Machine, nid: number): boolean {
  return findNode(machine, nid)?.node_zones.some((z) => z.present_pages > 0) ?? false;
}

/** node_state(nid, N_MEMORY_PRIVATE): a private node with present memory. */
export function node_state_private(machine: Machine, nid: number): boolean {
  return node_is_private(machine, nid) && hasPresentMemory(machine, nid);
}

/** node_state(nid, N_MEMORY) in v4: present memory on a node that is not private (the states exclude each other). */
export function node_state_memory(machine: Machine, nid: number): boolean {
  return !node_is_private(machine, nid) && hasPresentMemory(machine, nid);
}

/** node_private_flags (include/linux/node_private.h): the ops' NP_OPS_* mask, 0 without np or ops. */
export function node_private_flags(machine: Machine, nid: number): number {
  return findNode(machine, nid)?.private?.ops?.flags ?? 0;
}

/** node_private_has_flag (include/linux/node_private.h) */
export function node_private_has_flag(machine: Machine, nid: number, flag: NpOpsFlagName): boolean {
  return (node_private_flags(machine, nid) & NP_OPS_FLAGS[flag]) !== 0;
}

/** folio_is_private_node (include/linux/node_private.h): the folio's node is N_MEMORY_PRIVATE. */
export function folio_is_private_node(machine: Machine, folio: Folio): boolean {
  return node_state_private(machine, folio.zone.nid);
}

/**
 * folio_managed_allows_migrate (include/linux/node_private.h, RFC v4 patch 12): a folio on a
 * private node may leave it only when the node's current ops have NP_OPS_MIGRATION.
 */
export function folio_managed_allows_migrate(machine: Machine, folio: Folio): boolean {
  return !folio_is_private_node(machine, folio) || node_private_has_flag(machine, folio.zone.nid, 'NP_OPS_MIGRATION');
}

/** node_private_allows_longterm_pin (drivers/base/node.c, RFC v4 patch 20): the NP_OPS_LONGTERM_PIN flag. */
export function node_private_allows_longterm_pin(machine: Machine, nid: number): boolean {
  return node_private_has_flag(machine, nid, 'NP_OPS_LONGTERM_PIN');
}

/** node_mpol_eligible (include/linux/node_private.h, patch 13): N_MEMORY, or a private node with NP_OPS_MEMPOLICY. */
export function node_mpol_eligible(machine: Machine, nid: number): boolean {
  if (!node_state_private(machine, nid)) return node_state_memory(machine, nid);
  return node_private_has_flag(machine, nid, 'NP_OPS_MEMPOLICY');
}

/**
 * nodes_private_mpol_allowed (include/linux/node_private.h, patch 13): the mask holds at least one
 * private node, and every private node in it has NP_OPS_MEMPOLICY.
 */
export function nodes_private_mpol_allowed(machine: Machine, nodes: readonly number[]): boolean {
  const privateNodes = nodes.filter((nid) => node_state_private(machine, nid));
  return privateNodes.length > 0 && privateNodes.every((nid) => node_mpol_eligible(machine, nid));
}

/**
 * The private-node half of numa_zone_alloc_allowed (mm/page_alloc.c, patch 03), per profile: a
 * zone on a private node needs the profile's gate bit(s) in the request (v4 `__GFP_PRIVATE`, v3
 * also `__GFP_THISNODE`), and with `movableOnly` a MIGRATE_MOVABLE request. The cpuset half is
 * cpuset_zone_allowed (zonelist.ts).
 */
export function numa_zone_alloc_allowed(machine: Machine, zone: Zone, gfp: number, mt: Migratetype): boolean {
  const rules = machine.profile.privateNodes;
  if (rules === null || !node_is_private(machine, zone.nid)) return true;
  const key = rules.gate === '__GFP_PRIVATE' ? GFP_BITS.__GFP_PRIVATE : GFP_BITS.__GFP_PRIVATE | GFP_BITS.__GFP_THISNODE;
  if ((gfp & key) === 0) return false;
  if (rules.movableOnly && mt !== 'MIGRATE_MOVABLE') return false;
  return true;
}

/**
 * Whether __rmqueue would succeed on this zone: a free block of order >= `order` on the request's
 * own list, the CMA list (ALLOC_CMA) or one of its fallback lists. Used only to report `private-gate`.
 */
export function zone_has_suitable_block(machine: Machine, zone: Zone, order: number, mt: Migratetype, allocCma: boolean): boolean {
  const types: Migratetype[] = [mt, ...(allocCma ? (['MIGRATE_CMA'] as const) : []), ...(fallbacks[mt] ?? [])];
  for (let o = order; o <= machine.maxOrder; o++) {
    const area = zone.free_area[o]!; // orders 0..maxOrder
    if (types.some((t) => area.free_list[t].length > 0)) return true;
  }
  return false;
}

/**
 * node_private_set_ops (drivers/base/node.c): names and nid (-EINVAL), the flag predicate
 * (-EINVAL, even on a node that is not private), a node that is not private (-ENODEV); otherwise
 * the ops replace whatever was set.
 */
export function node_private_set_ops(machine: Machine, nid: number, flags: readonly string[], callbacks: readonly string[]): 0 | Errno {
  const parsed = parseNodePrivateOps(flags, callbacks);
  const node = findNode(machine, nid);
  if (node === undefined) return '-EINVAL';
  if (typeof parsed === 'string') return parsed;
  if (node.private === null) return '-ENODEV';
  node.private.ops = parsed;
  return 0;
}

/** node_private_clear_ops (drivers/base/node.c): -EINVAL no node, -ENODEV not private, -EINVAL no ops set. */
export function node_private_clear_ops(machine: Machine, nid: number): 0 | Errno {
  const node = findNode(machine, nid);
  if (node === undefined) return '-EINVAL';
  if (node.private === null) return '-ENODEV';
  if (node.private.ops === null) return '-EINVAL';
  node.private.ops = null;
  return 0;
}

/**
 * node_read_state for has_memory / has_private_memory (drivers/base/node.c, patches 01 and 13).
 * has_private_memory does not exist without private nodes (-ENOENT); nor does any other attr.
 */
export function read_sysfs(machine: Machine, attr: string): ReadSysfsResult | Errno {
  const nids = machine.nodes.map((n) => n.nid).sort((a, b) => a - b);
  if (attr === 'has_memory') {
    const nodes = nids.filter(
      (nid) => node_state_memory(machine, nid) || (node_state_private(machine, nid) && node_private_has_flag(machine, nid, 'NP_OPS_MEMPOLICY')),
    );
    return { ret: 0, nodes };
  }
  if (attr === 'has_private_memory' && machine.profile.privateNodes !== null) {
    return { ret: 0, nodes: nids.filter((nid) => node_state_private(machine, nid)) };
  }
  return '-ENOENT';
}
