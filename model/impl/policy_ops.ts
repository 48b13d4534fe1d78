// set_mempolicy, mbind, the cpuset rebind and move_pages (mm/mempolicy.c, mm/migrate.c,
// kernel/cgroup/cpuset.c; MODEL.md "Mempolicy").
import { GFP_BITS, MPOL_MF_FLAGS } from '../api/index.js';
import type { MbindOp, MovePagesOp, OpResult, SetCpusetMemsOp, SetMempolicyOp } from '../api/index.js';
import { CHAR_V, parseHandle } from './handles.js';
import { MPOL_BIND, MPOL_INTERLEAVE, MPOL_PREFERRED, mpol_new, mpol_rebind_nodemask, mpolMode } from './mempolicy.js';
import type { Mempolicy } from './mempolicy.js';
import { folio_migratable, migrate_folio, MIGRATE_OK, MIGRATE_REFS } from './migrate.js';
import { NP_CB_MIGRATE_TO, NP_OPS_MIGRATION } from './node_private.js';
import { __GFP_PRIVATE, err, GFP_HIGHUSER_MOVABLE, type ImplSystem } from './system.js';
import { PTE_NONE } from './vma.js';

const MPOL_MF_STRICT = MPOL_MF_FLAGS.MPOL_MF_STRICT;
const MF_BY_NAME: ReadonlyMap<string, number> = new Map(Object.entries(MPOL_MF_FLAGS));
const __GFP_THISNODE = GFP_BITS.__GFP_THISNODE;

/** get_nodes (ids 0..MAX_NUMNODES-1) then mpol_new relative to task t's cpuset; -1 for -EINVAL */
function new_policy(sys: ImplSystem, modeName: string, nodes: readonly number[] | undefined, t: number): Mempolicy | null | -1 {
  const mode = mpolMode(modeName);
  if (mode < 0) return -1;
  if (nodes !== undefined) for (const n of nodes) if (!(Number.isInteger(n) && n >= 0 && n < MAX_NUMNODES)) return -1;
  return mpol_new(sys, mode, nodes, sys.tasks.memsNids[t]!);
}

/** MAX_NUMNODES of the model */
const MAX_NUMNODES = 1024;

// do_set_mempolicy // mm/mempolicy.c
export function set_mempolicy(sys: ImplSystem, op: SetMempolicyOp): OpResult {
  const t = sys.tasks.pos.get(op.task);
  if (t < 0) return err('-EINVAL');
  const pol = new_policy(sys, op.mode, op.nodes, t);
  if (pol === -1) return err('-EINVAL');
  sys.tasks.policy[t] = pol;
  sys.tasks.ilPrev[t] = -1;
  return { ret: 0 };
}

// do_mbind // mm/mempolicy.c
export function mbind(sys: ImplSystem, op: MbindOp): OpResult {
  const v = parseHandle(op.vma, CHAR_V);
  if (!sys.handles.liveV(v)) return err('-EBADF');
  let mf = 0;
  for (const name of op.flags ?? []) {
    const f = MF_BY_NAME.get(name);
    if (f === undefined) return err('-EINVAL');
    mf |= f;
  }
  const t = sys.vmas.task[v]!;
  const pol = new_policy(sys, op.mode, op.nodes, t);
  if (pol === -1) return err('-EINVAL');
  sys.vmas.policy[v] = pol;
  if (pol === null || (pol.mode !== MPOL_BIND && pol.mode !== MPOL_INTERLEAVE && pol.mode !== MPOL_PREFERRED)) return { ret: 0 };
  const move = (mf & ~MPOL_MF_STRICT) !== 0;
  const strict = (mf & MPOL_MF_STRICT) !== 0;
  // Stryker disable next-line ConditionalExpression: a shortcut; without flags the walk below only sets `left`, which then goes unread
  if (!move && !strict) return { ret: 0 };
  // queue_pages_range + migrate_pages: present folios off the mask, ascending index
  const mm = sys.mm;
  const pte = sys.vmas.pte;
  const o = sys.vmas.off[v]!;
  const pages = sys.vmas.pages[v]!;
  const n = 1 << sys.vmas.folioOrder[v]!;
  const mems = sys.tasks.mems[t]!;
  const np = sys.np;
  // alloc_migration_target_by_mpol: MPOL_F_PRIVATE adds __GFP_PRIVATE
  const gfp = pol.private ? GFP_HIGHUSER_MOVABLE | __GFP_PRIVATE : GFP_HIGHUSER_MOVABLE;
  let left = false;
  for (let c = 0; c < pages; c += n) {
    const pfn = pte[o + c]!;
    if (pfn === PTE_NONE) continue;
    const idx = pfn - mm.base;
    const node = mm.zoneNodePos[mm.zoneOf[idx]!]!;
    if (pol.mask.has(node)) continue;
    // queue_folios_pte_range: a private folio without NP_OPS_MIGRATION is skipped, not counted
    if (np.privateWithout(node, NP_OPS_MIGRATION)) continue;
    if (!move) {
      left = true;
      continue;
    }
    if (!folio_migratable(mm, idx)) {
      left = true;
      continue;
    }
    // the target is chosen only once it is needed; never NIL: a new policy has nodes
    const preferred = sys.policy_node(t, pol);
    if (migrate_folio(sys, idx, gfp, preferred, sys.polMask, mems) !== MIGRATE_OK) {
      left = true;
      continue;
    }
    const now = pte[o + c]! - mm.base;
    if (!pol.mask.has(mm.zoneNodePos[mm.zoneOf[now]!]!)) left = true;
  }
  return strict && left ? err('-EIO') : { ret: 0 };
}

// cpuset_change_task_nodemask → mpol_rebind_task / mpol_rebind_mm // kernel/cgroup/cpuset.c
export function set_cpuset_mems(sys: ImplSystem, op: SetCpusetMemsOp): OpResult {
  const t = sys.tasks.pos.get(op.task);
  if (t < 0) return err('-EINVAL');
  if (op.nodes.length === 0) return err('-EINVAL');
  for (const nid of op.nodes) if (sys.nodePos.get(nid) < 0) return err('-EINVAL');
  const mems = [...new Set(op.nodes)].sort((a, b) => a - b);
  sys.tasks.setMems(t, mems, sys.nrNodes, sys.nodePos);
  const rebind = (pol: Mempolicy | null) => {
    if (pol !== null) mpol_rebind_nodemask(sys, pol, mems);
  };
  rebind(sys.tasks.policy[t]!);
  const vmas = sys.vmas;
  // a dead VMA's policy is null: rebind skips it
  for (let v = 1; v <= sys.handles.vCount; v++) if (vmas.task[v] === t) rebind(vmas.policy[v]!);
  return { ret: 0 };
}

// do_pages_move for one page // mm/migrate.c
export function move_pages(sys: ImplSystem, op: MovePagesOp): OpResult {
  const v = parseHandle(op.vma, CHAR_V);
  if (!sys.handles.liveV(v)) return err('-EBADF');
  const index = op.index;
  if (!(Number.isInteger(index) && index >= 0 && index < sys.vmas.pages[v]!)) return err('-EFAULT');
  const pos = sys.nodePos.get(op.node);
  // Stryker disable next-line ConditionalExpression: hasMemory(-1) below is false too (it reads past the zone table: NaN > 0)
  if (pos < 0) return err('-ENODEV');
  if (!sys.hasMemory(pos)) return err('-ENODEV');
  const t = sys.vmas.task[v]!;
  if (!sys.tasks.mems[t]!.has(pos)) return err('-EACCES');
  const pfn = sys.vmas.pte[sys.vmas.off[v]! + index]!;
  if (pfn === PTE_NONE) return { ret: 0, status: '-ENOENT' };
  const mm = sys.mm;
  const head = sys.headOfPte(v, index, pfn);
  const np = sys.np;
  const src = mm.zoneNodePos[mm.zoneOf[head]!]!;
  // __add_folio_for_migration: folio_managed_allows_migrate (NP_OPS_MIGRATION) first
  if (np.privateWithout(src, NP_OPS_MIGRATION)) return { ret: 0, status: '-ENOENT' };
  if (src === pos) return { ret: 0, status: op.node };
  let gfp = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE;
  if (np.isPrivate[pos] === 1) {
    // migrate_folios_to_node → node_private_migrate_to: the driver's migrate_to (cxl_mempolicy's gfp)
    if ((np.callbacks[pos]! & NP_CB_MIGRATE_TO) === 0) return { ret: 0, status: '-ENODEV' };
    gfp |= __GFP_PRIVATE;
  }
  const r = migrate_folio(sys, head, gfp, pos, null, sys.tasks.mems[t]!);
  if (r === MIGRATE_OK) return { ret: 0, status: op.node };
  return { ret: 0, status: r === MIGRATE_REFS ? '-EBUSY' : '-ENOMEM' };
}

