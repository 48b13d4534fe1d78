// Private memory nodes (private-nodes RFC v4, drivers/base/node.c, include/linux/node_private.h;
// MODEL.md "Private memory nodes"): per node, pgdat->private and the registered node_private_ops as
// two bitmasks (NP_OPS_* flags, callbacks in struct order), node_private_set_ops / _clear_ops and
// the node-state sysfs files.
import { NODE_PRIVATE_CALLBACKS, NP_OPS_FLAGS } from '../api/index.js';
import type { MachineConfig, NodePrivateClearOpsOp, NodePrivateSetOpsOp, OpResult, PrivateNodeSnapshot, Profile, ReadSysfsOp } from '../api/index.js';

export const NP_OPS_MIGRATION = NP_OPS_FLAGS.NP_OPS_MIGRATION;
export const NP_OPS_MEMPOLICY = NP_OPS_FLAGS.NP_OPS_MEMPOLICY;
export const NP_OPS_PROTECT_WRITE = NP_OPS_FLAGS.NP_OPS_PROTECT_WRITE;
export const NP_OPS_NUMA_BALANCING = NP_OPS_FLAGS.NP_OPS_NUMA_BALANCING;
export const NP_OPS_COMPACTION = NP_OPS_FLAGS.NP_OPS_COMPACTION;
export const NP_OPS_LONGTERM_PIN = NP_OPS_FLAGS.NP_OPS_LONGTERM_PIN;

/** callback bits: 1 << index in NODE_PRIVATE_CALLBACKS */
export const NP_CB_MIGRATE_TO = 1 << NODE_PRIVATE_CALLBACKS.indexOf('migrate_to');
export const NP_CB_FOLIO_MIGRATE = 1 << NODE_PRIVATE_CALLBACKS.indexOf('folio_migrate');

const FLAG_NAMES = Object.keys(NP_OPS_FLAGS) as (keyof typeof NP_OPS_FLAGS)[];
const FLAG_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(NP_OPS_FLAGS));
const CB_BY_NAME: ReadonlyMap<string, number> = new Map(NODE_PRIVATE_CALLBACKS.map((n, i) => [n, 1 << i]));

/** OR of the named bits, -1 for an unknown name (or a list that is not one) */
function namesToMask(names: unknown, table: ReadonlyMap<string, number>): number {
  if (!Array.isArray(names)) return -1;
  let m = 0;
  for (const n of names) {
    const b = table.get(n); // the keys are strings: any other value is no key either
    if (b === undefined) return -1;
    m |= b;
  }
  return m;
}

// node_private_set_ops' flag validation // drivers/base/node.c: true when the ops are -EINVAL
export function np_ops_invalid(flags: number, callbacks: number): boolean {
  const migrate = (flags & NP_OPS_MIGRATION) !== 0;
  if (migrate && (callbacks & (NP_CB_MIGRATE_TO | NP_CB_FOLIO_MIGRATE)) !== (NP_CB_MIGRATE_TO | NP_CB_FOLIO_MIGRATE)) return true;
  if ((flags & NP_OPS_MEMPOLICY) !== 0 && (!migrate || (flags & NP_OPS_PROTECT_WRITE) !== 0)) return true;
  if ((flags & (NP_OPS_NUMA_BALANCING | NP_OPS_COMPACTION)) !== 0 && !migrate) return true;
  return false;
}

export class NodePrivateTable {
  /** whether the profile has private nodes at all (else every node is normal) */
  readonly enabled: boolean;
  /** pgdat->private per node position (registered at boot: N_MEMORY_PRIVATE once it has memory) */
  readonly isPrivate: Uint8Array;
  /** np->ops != NULL per node position */
  readonly hasOps: Uint8Array;
  /** np->ops->flags (NP_OPS_*), 0 without ops (node_private_flags) */
  readonly flags: Int32Array;
  /** which np->ops callbacks are non-NULL, bit i = NODE_PRIVATE_CALLBACKS[i] */
  readonly callbacks: Int32Array;
  /** whether any node is private (the allocator's gate can only matter then) */
  readonly any: boolean;

  constructor(config: MachineConfig, profile: Profile) {
    const n = config.nodes.length;
    this.enabled = profile.privateNodes !== null;
    this.isPrivate = new Uint8Array(n);
    this.hasOps = new Uint8Array(n);
    this.flags = new Int32Array(n);
    this.callbacks = new Int32Array(n);
    let any = false;
    // Stryker disable next-line ConditionalExpression: a config with a private node under a profile without private nodes is invalid (the spec refuses it at boot)
    if (this.enabled) {
      config.nodes.forEach((node, pos) => {
        const p = node.private;
        if (p === undefined) return;
        // node_private_register + node_private_set_ops (the config reader rejected invalid ops)
        any = true;
        this.isPrivate[pos] = 1;
        this.hasOps[pos] = 1;
        this.flags[pos] = Math.max(0, namesToMask(p.flags, FLAG_BY_NAME));
        this.callbacks[pos] = Math.max(0, namesToMask(p.callbacks, CB_BY_NAME));
      });
    }
    this.any = any;
  }

  /** node_private_flags(nid) with the flag tested: the node is private and its ops have `flag` (flags stay 0 on a normal node) */
  privateWith(pos: number, flag: number): boolean {
    return (this.flags[pos]! & flag) !== 0;
  }

  /** a private node whose ops lack `flag` (folio_managed_allows_migrate and friends say no) */
  privateWithout(pos: number, flag: number): boolean {
    return this.isPrivate[pos] === 1 && (this.flags[pos]! & flag) === 0;
  }

  snapshot(config: MachineConfig): PrivateNodeSnapshot[] {
    const out: PrivateNodeSnapshot[] = [];
    this.isPrivate.forEach((isPriv, pos) => {
      if (isPriv !== 1) return;
      const f = this.flags[pos]!;
      const c = this.callbacks[pos]!;
      out.push({
        nid: config.nodes[pos]!.nid,
        ops:
          this.hasOps[pos] === 1
            ? { flags: FLAG_NAMES.filter((name) => (f & NP_OPS_FLAGS[name]) !== 0), callbacks: NODE_PRIVATE_CALLBACKS.filter((_, i) => (c & (1 << i)) !== 0) }
            : null,
      });
    });
    return out;
  }
}

/** what node_private_set_ops / _clear_ops / read_sysfs need of the system */
export interface PrivateWorld {
  readonly np: NodePrivateTable;
  readonly nodePos: { get(id: number): number };
  readonly config: MachineConfig;
  /** the node at position pos has present pages */
  hasMemory(pos: number): boolean;
}

// node_private_set_ops // drivers/base/node.c
export function node_private_set_ops(w: PrivateWorld, op: NodePrivateSetOpsOp): OpResult {
  const flags = namesToMask(op.flags, FLAG_BY_NAME);
  const callbacks = namesToMask(op.callbacks, CB_BY_NAME);
  // Stryker disable next-line ConditionalExpression: flags -1 has every bit, NP_OPS_MEMPOLICY with NP_OPS_PROTECT_WRITE: np_ops_invalid refuses it below too
  if (flags < 0) return { ret: '-EINVAL' };
  if (callbacks < 0) return { ret: '-EINVAL' };
  const pos = w.nodePos.get(op.nid);
  if (pos < 0) return { ret: '-EINVAL' }; // !node_possible
  if (np_ops_invalid(flags, callbacks)) return { ret: '-EINVAL' }; // before the lock: even on a normal node
  const np = w.np;
  if (np.isPrivate[pos] !== 1) return { ret: '-ENODEV' };
  np.hasOps[pos] = 1; // silently replaces any ops set before
  np.flags[pos] = flags;
  np.callbacks[pos] = callbacks;
  return { ret: 0 };
}

// node_private_clear_ops // drivers/base/node.c
export function node_private_clear_ops(w: PrivateWorld, op: NodePrivateClearOpsOp): OpResult {
  const pos = w.nodePos.get(op.nid);
  if (pos < 0) return { ret: '-EINVAL' };
  const np = w.np;
  if (np.isPrivate[pos] !== 1) return { ret: '-ENODEV' };
  if (np.hasOps[pos] !== 1) return { ret: '-EINVAL' }; // ops != current ops
  np.hasOps[pos] = 0;
  np.flags[pos] = 0;
  np.callbacks[pos] = 0;
  return { ret: 0 };
}

// has_memory / has_private_memory // drivers/base/node.c (node_read_has_memory, patch 13)
export function read_sysfs(w: PrivateWorld, op: ReadSysfsOp): OpResult {
  const np = w.np;
  const priv = op.attr === 'has_private_memory';
  if (!(priv ? np.enabled : op.attr === 'has_memory')) return { ret: '-ENOENT' };
  const nodes: number[] = [];
  np.isPrivate.forEach((p, pos) => {
    if (!w.hasMemory(pos)) return;
    const isPriv = p === 1;
    if (priv ? isPriv : !isPriv || np.privateWith(pos, NP_OPS_MEMPOLICY)) nodes.push(w.config.nodes[pos]!.nid);
  });
  nodes.sort((a, b) => a - b);
  return { ret: 0, nodes };
}
