// node_private_ops as data (private-nodes RFC v4, include/linux/node_private.h): NP_OPS_* names to a
// mask, callback names to a set, and the node_private_set_ops validation predicate (drivers/base/node.c).
import { NODE_PRIVATE_CALLBACKS, NP_OPS_FLAGS, type NodePrivateCallback, type NpOpsFlagName } from '../api/index.js';
import type { NodePrivateOps } from './machine.js';

const F = NP_OPS_FLAGS;

/** NP_OPS_* names to a mask (duplicates allowed), or undefined when a name is unknown. */
export function parseNpOpsFlags(names: readonly string[]): number | undefined {
  let mask = 0;
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(NP_OPS_FLAGS, name)) return undefined;
    mask |= NP_OPS_FLAGS[name as NpOpsFlagName];
  }
  return mask;
}

/** Callback names to a set (duplicates allowed), or undefined when a name is unknown. */
export function parseNodePrivateCallbacks(names: readonly string[]): Set<NodePrivateCallback> | undefined {
  const known: readonly string[] = NODE_PRIVATE_CALLBACKS;
  if (!names.every((n) => known.includes(n))) return undefined;
  return new Set(names as readonly NodePrivateCallback[]);
}

/**
 * The flag validation of node_private_set_ops (drivers/base/node.c, final v4; private_nodes.md §3):
 * MIGRATION needs migrate_to and folio_migrate; MEMPOLICY needs MIGRATION and excludes
 * PROTECT_WRITE; NUMA_BALANCING and COMPACTION need MIGRATION. true means -EINVAL.
 */
export function node_private_ops_invalid(ops: NodePrivateOps): boolean {
  const has = (bit: number) => (ops.flags & bit) !== 0;
  if (has(F.NP_OPS_MIGRATION) && !(ops.callbacks.has('migrate_to') && ops.callbacks.has('folio_migrate'))) return true;
  if (has(F.NP_OPS_MEMPOLICY) && !has(F.NP_OPS_MIGRATION)) return true;
  if (has(F.NP_OPS_MEMPOLICY) && has(F.NP_OPS_PROTECT_WRITE)) return true;
  if (has(F.NP_OPS_NUMA_BALANCING) && !has(F.NP_OPS_MIGRATION)) return true;
  if (has(F.NP_OPS_COMPACTION) && !has(F.NP_OPS_MIGRATION)) return true;
  return false;
}

/** Names to ops, checked as node_private_set_ops does before it looks at the node: -EINVAL or the ops. */
export function parseNodePrivateOps(flags: readonly string[], callbacks: readonly string[]): NodePrivateOps | '-EINVAL' {
  const mask = parseNpOpsFlags(flags);
  const cbs = parseNodePrivateCallbacks(callbacks);
  if (mask === undefined || cbs === undefined) return '-EINVAL';
  const ops: NodePrivateOps = { flags: mask, callbacks: cbs };
  return node_private_ops_invalid(ops) ? '-EINVAL' : ops;
}

/** The flag names of a mask, in bit order (the snapshot's form). */
export function npOpsFlagNames(mask: number): string[] {
  return (Object.keys(NP_OPS_FLAGS) as NpOpsFlagName[]).filter((name) => (mask & NP_OPS_FLAGS[name]) !== 0);
}

/** The callbacks provided, in struct node_private_ops order (the snapshot's form). */
export function nodePrivateCallbackNames(callbacks: ReadonlySet<NodePrivateCallback>): string[] {
  return NODE_PRIVATE_CALLBACKS.filter((c) => callbacks.has(c));
}
