// The allocation entry point: __alloc_pages_noprof, prepare_alloc_pages and get_page_from_freelist
// (mm/page_alloc.c), without watermarks, reclaim, OOM or pcp lists (docs/MODEL.md "Allocation").
import { ZONE_NAMES, type Migratetype } from '../api/index.js';
import { current_alloc_flags_cma, current_gfp_context, gfp_migratetype, gfp_zone } from './gfp.js';
import { emit, type Machine, type Node, type Task, type Zone } from './machine.js';
import { numa_zone_alloc_allowed, zone_has_suitable_block } from './private.js';
import { __rmqueue } from './rmqueue.js';
import { cpuset_zone_allowed, for_each_zone_zonelist_nodemask, node_zonelist } from './zonelist.js';

/** struct alloc_context (mm/internal.h) plus the one alloc_flags bit the model uses. */
export interface AllocContext {
  readonly zonelist: readonly Zone[];
  readonly nodemask: ReadonlySet<number> | undefined;
  readonly highest_zoneidx: number;
  readonly migratetype: Migratetype;
  /** ALLOC_CMA in alloc_flags (gfp_to_alloc_flags_cma) */
  readonly alloc_cma: boolean;
}

/** prepare_alloc_pages (mm/page_alloc.c) */
export function prepare_alloc_pages(gfp: number, preferred: Node, nodemask: ReadonlySet<number> | undefined): AllocContext {
  const migratetype = gfp_migratetype(gfp);
  return {
    zonelist: node_zonelist(preferred, gfp),
    nodemask,
    highest_zoneidx: ZONE_NAMES.indexOf(gfp_zone(gfp)),
    migratetype,
    // gfp_to_alloc_flags_cma: only movable requests may use CMA pageblocks.
    alloc_cma: migratetype === 'MIGRATE_MOVABLE',
  };
}

export interface Allocated {
  readonly zone: Zone;
  readonly pfn: number;
  /** the mask the allocation ran with, after current_gfp_context (the placement ghost's gfp) */
  readonly gfp: number;
}

/**
 * get_page_from_freelist (mm/page_alloc.c): the first eligible zone where __rmqueue succeeds.
 * numa_zone_alloc_allowed (RFC v4 patch 03) is the private-node gate, then the cpuset check. The
 * first gated zone that __rmqueue would have served is reported once (`private-gate`).
 */
export function get_page_from_freelist(
  machine: Machine,
  task: Task,
  gfp: number,
  order: number,
  ac: AllocContext,
): Allocated | undefined {
  let gateReported = false;
  for (const zone of for_each_zone_zonelist_nodemask(ac.zonelist, ac.highest_zoneidx, ac.nodemask)) {
    if (!numa_zone_alloc_allowed(machine, zone, gfp, ac.migratetype)) {
      if (!gateReported && zone_has_suitable_block(machine, zone, order, ac.migratetype, ac.alloc_cma)) {
        gateReported = true;
        emit(machine, { kind: 'private-gate' });
      }
      continue;
    }
    if (!cpuset_zone_allowed(task, zone, gfp)) continue;
    const pfn = __rmqueue(machine, zone, order, ac.migratetype, ac.alloc_cma);
    if (pfn !== undefined) return { zone, pfn, gfp };
  }
  return undefined;
}

/**
 * __alloc_pages_noprof (mm/page_alloc.c): apply the task's context, then walk the zonelist once.
 * The caller has already rejected bad masks and orders. undefined means -ENOMEM.
 *
 * linux-5.10 (`longtermCmaOnly`): the pin scope is memalloc_nocma, so the mask keeps __GFP_MOVABLE
 * and only ALLOC_CMA is cleared (current_alloc_flags; fixed by 8e3560d963d2, 5.13).
 * `applyContext` false: the task's context is not applied at all (tatashin-v3's long-term
 * migration target, gup.ts longtermMigrationTarget).
 */
export function __alloc_pages(
  machine: Machine,
  task: Task,
  gfp: number,
  order: number,
  preferred: Node,
  nodemask: ReadonlySet<number> | undefined,
  applyContext = true,
): Allocated | undefined {
  const nocma = machine.profile.historicalRules.longtermCmaOnly;
  if (applyContext) gfp = current_gfp_context(task, gfp, nocma);
  let ac = prepare_alloc_pages(gfp, preferred, nodemask);
  if (applyContext) ac = { ...ac, alloc_cma: current_alloc_flags_cma(task, ac.alloc_cma, nocma) };
  const page = get_page_from_freelist(machine, task, gfp, order, ac);
  if (page !== undefined && page.zone.nid !== preferred.nid) emit(machine, { kind: 'remote-node' });
  return page;
}
