// alloc/zone-eligible: an allocation lands only where its gfp allows (DESIGN.md §3, §9).
// The invariant decodes gfp on its own, from the kernel's table (include/linux/gfp.h), so that a
// wrong gfp_zone in either implementation cannot hide behind itself.
import { GFP_BITS, GFP_NAMES, ZONE_NAMES } from '../../model/api/index.js';
import type { AllocPagesOp, MachineConfig, ZoneName } from '../../model/api/index.js';
import type { Invariant, InvariantContext } from '../findings.js';
import { pageblockTypes, typesCovered } from './layout.js';

/** Low four gfp bits -> highest zone, for the valid combinations only. */
const HIGHEST_ZONE: Readonly<Record<number, ZoneName>> = {
  0x0: 'ZONE_NORMAL',
  0x1: 'ZONE_DMA',
  0x2: 'ZONE_NORMAL', // HIGHMEM without CONFIG_HIGHMEM
  0x4: 'ZONE_DMA32',
  0x8: 'ZONE_NORMAL',
  0x9: 'ZONE_DMA',
  0xa: 'ZONE_MOVABLE',
  0xc: 'ZONE_DMA32',
};

export interface GfpRules {
  readonly highestZone: ZoneName;
  readonly allocCma: boolean;
  readonly thisNode: boolean;
  readonly hardwall: boolean;
}

/** What a successful allocation's gfp allows, or undefined when the gfp cannot succeed. */
export function gfpRules(gfp: readonly string[], inPinScope = false): GfpRules | undefined {
  let mask = 0;
  for (const name of gfp) {
    const v = (GFP_NAMES as Record<string, number>)[name];
    if (v === undefined) return undefined;
    mask |= v;
  }
  if (inPinScope) mask &= ~GFP_BITS.__GFP_MOVABLE;
  const highestZone = HIGHEST_ZONE[mask & 0x0f];
  if (!highestZone) return undefined;
  const movable = (mask & GFP_BITS.__GFP_MOVABLE) !== 0;
  const reclaimable = (mask & GFP_BITS.__GFP_RECLAIMABLE) !== 0;
  return {
    highestZone,
    allocCma: movable && !reclaimable,
    thisNode: (mask & GFP_BITS.__GFP_THISNODE) !== 0,
    hardwall: (mask & GFP_BITS.__GFP_HARDWALL) !== 0,
  };
}

function taskOf(config: MachineConfig, tid: number | undefined) {
  const tasks = config.tasks ?? [{ tid: 1, nid: config.nodes[0]?.nid ?? 0 }];
  return tid === undefined ? tasks[0] : tasks.find((t) => t.tid === tid);
}

export const zoneEligible: Invariant = {
  id: 'alloc/zone-eligible',
  claim: 'every allocation lies in a zone <= gfp_zone, in the nodemask, never in CMA without ALLOC_CMA, never in an ISOLATE pageblock',
  check({ config, snapshot, op, result, before }: InvariantContext) {
    if (op?.op !== 'alloc_pages' || !result || result.ret !== 0 || !('page' in result)) return [];
    const a: AllocPagesOp = op;
    const errs: string[] = [];
    const rules = gfpRules(a.gfp);
    if (!rules) return [`alloc_pages succeeded with gfp [${a.gfp.join(', ')}], which cannot be satisfied`];
    if (ZONE_NAMES.indexOf(result.zone) > ZONE_NAMES.indexOf(rules.highestZone)) {
      errs.push(`landed in ${result.zone}, above gfp_zone = ${rules.highestZone}`);
    }
    if (a.nodemask && !a.nodemask.includes(result.nid)) errs.push(`landed on node ${result.nid}, outside nodemask [${a.nodemask.join(',')}]`);
    const task = taskOf(config, a.task);
    const preferred = a.nid ?? task?.nid;
    if (rules.thisNode && result.nid !== preferred) errs.push(`__GFP_THISNODE from node ${preferred} landed on node ${result.nid}`);
    // the cpuset in force when the allocation ran (set_cpuset_mems may have changed the config's)
    const mems = (before ?? snapshot).tasks.find((t) => t.tid === task?.tid)?.mems ?? task?.mems;
    if (rules.hardwall && mems && !mems.includes(result.nid)) errs.push(`__GFP_HARDWALL landed on node ${result.nid}, outside the task's mems`);
    const types = typesCovered(pageblockTypes(snapshot), config.pageblockOrder, result.pfn, 2 ** a.order);
    if (!rules.allocCma && types.includes('MIGRATE_CMA')) errs.push(`a request without ALLOC_CMA got pfn ${result.pfn} in a CMA pageblock`);
    if (types.includes('MIGRATE_ISOLATE')) errs.push(`pfn ${result.pfn} lies in an isolated pageblock`);
    return errs;
  },
};

export const ALLOC_INVARIANTS: readonly Invariant[] = [zoneEligible];
