// Folio migration (mm/migrate.c), as docs/MODEL.md "Migration" fixes it: a folio moves only when
// its only references are its mappings; the target has the same order, the mappings follow, the
// source is freed. Also move_pages(2) for one page.
import { GFP_BITS, GFP_COMPOSITES, type Errno, type MigrateReason } from '../api/index.js';
import { __alloc_pages, type Allocated } from './alloc.js';
import { folio_ref_count, folioMapped, type Folio, type Holder, type PlacementPath } from './folio.js';
import { emit, findNode, nodeHasMemory, type Machine, type Node, type Task } from './machine.js';
import { __folio_put, prep_new_page } from './pageref.js';
import { folio_managed_allows_migrate } from './private.js';
import type { Vma } from './vma.js';

/** struct migration_target_control (mm/internal.h), plus the task whose context and cpuset apply. */
export interface MigrationTarget {
  readonly task: Task;
  readonly gfp: number;
  readonly preferred: Node;
  readonly nodemask: ReadonlySet<number> | undefined;
  /** the placement ghost's path for the target (default: the migration reason) */
  readonly path?: PlacementPath;
  /**
   * true: allocate with `gfp` as given, without the task's context (current_gfp_context). Only
   * tatashin-v3's long-term target (`targetMayBeMovable`): its __GFP_MOVABLE escaped the pin scope.
   */
  readonly withoutTaskContext?: boolean;
}

/** A task for kernel-context allocations (offline, cma): no pin scope, every node allowed. */
export function kernelContext(machine: Machine): Task {
  return {
    tid: 0,
    nid: machine.nodes[0]?.nid ?? 0,
    mems: new Set(machine.nodes.map((n) => n.nid)),
    flags: new Set(),
    mempolicy: null,
    il_prev: -1,
  };
}

/**
 * alloc_migration_target (mm/migrate.c): a same-order folio from the target's zonelist walk, with
 * __GFP_HIGHMEM added for a source in ZONE_MOVABLE (or HIGHMEM, absent here) so the target may come
 * from the same zones.
 */
export function alloc_migration_target(machine: Machine, source: Folio, mtc: MigrationTarget): Allocated | undefined {
  const gfp = source.zone.name === 'ZONE_MOVABLE' ? mtc.gfp | GFP_BITS.__GFP_HIGHMEM : mtc.gfp;
  return __alloc_pages(machine, mtc.task, gfp, source.order, mtc.preferred, mtc.nodemask, mtc.withoutTaskContext !== true);
}

/**
 * Whether the folio's only references are its mappings (folio_expected_ref_count after unmap):
 * `_refcount` equals the mapped pages, and it is mapped at all (a kernel folio never migrates).
 */
export function folioMigratable(folio: Folio): boolean {
  const mapped = folioMapped(folio);
  return mapped > 0 && folio_ref_count(folio) === mapped;
}

export type MigrateOutcome =
  | { readonly ok: true; readonly folio: Folio }
  | { readonly ok: false; readonly why: 'private' | 'refs' | 'nomem' };

/** A failed migration: the `migrate-failed` event and the outcome. */
function migrate_failed(machine: Machine, reason: MigrateReason, why: 'refs' | 'nomem'): MigrateOutcome {
  emit(machine, { kind: 'migrate-failed', reason, why });
  return { ok: false, why };
}

/**
 * migrate_pages for one folio (mm/migrate.c: migrate_folio_unmap, move_to_new_folio,
 * remove_migration_ptes). A folio on a private node without NP_OPS_MIGRATION never leaves it
 * (try_to_migrate bails: folio_managed_allows_migrate, RFC v4 patch 12). Then the reference check,
 * then the target is allocated (chosen lazily by `target`, so a policy cursor only moves when a
 * target is needed; undefined: no node to allocate from).
 */
export function migrate_folio(
  machine: Machine,
  source: Folio,
  reason: MigrateReason,
  target: () => MigrationTarget | undefined,
): MigrateOutcome {
  if (!folio_managed_allows_migrate(machine, source)) {
    emit(machine, { kind: 'private-migrate-refused', reason });
    return { ok: false, why: 'private' };
  }
  if (!folioMigratable(source)) return migrate_failed(machine, reason, 'refs');
  const mtc = target();
  if (mtc === undefined) return migrate_failed(machine, reason, 'nomem');
  const page = alloc_migration_target(machine, source, mtc);
  if (page === undefined) return migrate_failed(machine, reason, 'nomem');
  const maps = source.holders.filter((h): h is Extract<Holder, { kind: 'map' }> => h.kind === 'map');
  const dst = prep_new_page(machine, page.zone, page.pfn, source.order, true, [...maps], { path: mtc.path ?? reason, gfp: page.gfp });
  // a map holder's VMA is live: do_munmap drops the holders of the pages it unmaps
  for (const h of maps) machine.vmas.get(h.vma)!.ptes[h.index] = dst;
  // The source's references are gone with its mappings; any other holder could only be left over
  // from a wrapped count, and dies with the source (__folio_put forgets every holder).
  __folio_put(machine, source);
  emit(machine, {
    kind: 'migrate',
    reason,
    fromZone: source.zone.name,
    toZone: dst.zone.name,
    remote: dst.zone.nid !== source.zone.nid,
  });
  return { ok: true, folio: dst };
}

/**
 * migrate_folios_to_node (mm/migrate.c, RFC v4 patch 12) for move_pages: a private destination
 * goes through node_private_migrate_to, i.e. the driver's migrate_to callback (-ENODEV without
 * one), which allocates as the cxl_mempolicy driver does: GFP_HIGHUSER_MOVABLE | __GFP_THISNODE |
 * __GFP_PRIVATE on that node. Any other destination: GFP_HIGHUSER_MOVABLE | __GFP_THISNODE.
 */
export function migrate_folios_to_node(machine: Machine, folio: Folio, node: Node, task: Task): MigrateOutcome | '-ENODEV' {
  const base = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE | GFP_BITS.__GFP_THISNODE;
  if (node.private === null) {
    return migrate_folio(machine, folio, 'move_pages', () => ({ task, gfp: base, preferred: node, nodemask: undefined }));
  }
  return node_private_migrate_to(machine, folio, node, task);
}

/** node_private_migrate_to (include/linux/node_private.h): the driver's migrate_to, or -ENODEV. */
export function node_private_migrate_to(machine: Machine, folio: Folio, node: Node, task: Task): MigrateOutcome | '-ENODEV' {
  if (node.private?.ops?.callbacks.has('migrate_to') !== true) return '-ENODEV';
  const gfp = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE | GFP_BITS.__GFP_THISNODE | GFP_BITS.__GFP_PRIVATE;
  return migrate_folio(machine, folio, 'move_pages', () => ({ task, gfp, preferred: node, nodemask: undefined, path: 'migrate_to' }));
}

/**
 * move_pages(2) for one page (mm/migrate.c do_pages_move → add_folio_for_migration →
 * do_move_pages_to_node): the checks of docs/MODEL.md, then the status. A folio on a private
 * node without NP_OPS_MIGRATION is -ENOENT (__add_folio_for_migration), before the same-node test.
 */
export function move_pages(machine: Machine, vma: Vma, index: number, nid: number): { ret: 0; status: number | Errno } | Errno {
  if (!Number.isInteger(index) || index < 0 || index >= vma.pages) return '-EFAULT';
  if (!nodeHasMemory(machine, nid)) return '-ENODEV'; // node_state(node, N_MEMORY); an unknown nid has none
  if (!vma.task.mems.has(nid)) return '-EACCES';
  const folio = vma.ptes[index];
  if (folio == null) return { ret: 0, status: '-ENOENT' };
  if (!folio_managed_allows_migrate(machine, folio)) {
    emit(machine, { kind: 'private-migrate-refused', reason: 'move_pages' });
    return { ret: 0, status: '-ENOENT' };
  }
  if (folio.zone.nid === nid) return { ret: 0, status: nid };
  const outcome = migrate_folios_to_node(machine, folio, findNode(machine, nid)!, vma.task);
  if (outcome === '-ENODEV') return { ret: 0, status: '-ENODEV' };
  if (outcome.ok) return { ret: 0, status: outcome.folio.zone.nid };
  return { ret: 0, status: outcome.why === 'refs' ? '-EBUSY' : '-ENOMEM' };
}
