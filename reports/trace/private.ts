// The static side of private memory nodes (docs/MODEL.md "Private memory nodes"): the names a
// machine's `private: {flags, callbacks}` may use, and node_private_set_ops' -EINVAL predicate
// (drivers/base/node.c, private_nodes.md §3, R4), which a boot-time ops set must pass too.
import { NODE_PRIVATE_CALLBACKS, NP_OPS_FLAGS } from '../../model/api/index.js';

export const NP_OPS_NAMES: readonly string[] = Object.keys(NP_OPS_FLAGS);

/**
 * The first rule of the set_ops predicate that `flags` and `callbacks` break, in the kernel's
 * order, as a sentence naming the rule (`NP_OPS_MEMPOLICY requires NP_OPS_MIGRATION`); undefined
 * when node_private_set_ops would accept them. Names are assumed known.
 */
export function npOpsRuleViolation(flags: readonly string[], callbacks: readonly string[]): string | undefined {
  const f = new Set(flags);
  const cb = new Set(callbacks);
  if (f.has('NP_OPS_MIGRATION')) {
    const missing = ['migrate_to', 'folio_migrate'].filter((c) => !cb.has(c));
    if (missing.length > 0) {
      return `NP_OPS_MIGRATION requires the migrate_to and folio_migrate callbacks (missing: ${missing.join(', ')})`;
    }
  }
  if (f.has('NP_OPS_MEMPOLICY') && !f.has('NP_OPS_MIGRATION')) return 'NP_OPS_MEMPOLICY requires NP_OPS_MIGRATION';
  if (f.has('NP_OPS_MEMPOLICY') && f.has('NP_OPS_PROTECT_WRITE')) return 'NP_OPS_MEMPOLICY is incompatible with NP_OPS_PROTECT_WRITE';
  if (f.has('NP_OPS_NUMA_BALANCING') && !f.has('NP_OPS_MIGRATION')) return 'NP_OPS_NUMA_BALANCING requires NP_OPS_MIGRATION';
  if (f.has('NP_OPS_COMPACTION') && !f.has('NP_OPS_MIGRATION')) return 'NP_OPS_COMPACTION requires NP_OPS_MIGRATION';
  return undefined;
}

/** `NP_OPS_MIGRATION` → `MIGRATION` (step tables and headers). */
export function shortNpOps(flag: string): string {
  return flag.replace(/^NP_OPS_/, '');
}

export const CALLBACK_NAMES: readonly string[] = NODE_PRIVATE_CALLBACKS;
