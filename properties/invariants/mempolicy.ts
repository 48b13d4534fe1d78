// mempolicy/bind-respected: a fault under MPOL_BIND lands on a node of the mask or fails, and so does
// an mbind MPOL_MF_MOVE migration under it (DESIGN.md §5, §9).
import type { PolicySnapshot, Snapshot, VmaSnapshot } from '../../model/api/index.js';
import type { Invariant, InvariantContext } from '../findings.js';
import { zoneOf, zoneRanges } from './layout.js';

function effectivePolicy(s: Snapshot, vma: VmaSnapshot): PolicySnapshot | null {
  return vma.policy ?? s.tasks.find((t) => t.tid === vma.task)?.policy ?? null;
}

const PLACING_OPS = new Set(['touch', 'get_user_pages', 'get_user_pages_fast', 'pin_user_pages', 'pin_user_pages_fast', 'mbind']);

export const bindRespected: Invariant = {
  id: 'mempolicy/bind-respected',
  claim: 'a fault (or an mbind migration) under MPOL_BIND lands on a node of the mask or fails',
  check({ op, snapshot, before, holders }: InvariantContext) {
    if (!op || !before || !PLACING_OPS.has(op.op)) return [];
    const errs: string[] = [];
    // how each folio got where it is (the spec's ghost): a FOLL_LONGTERM call may fault a page in and
    // then migrate it, policy-free, in the same op, whatever the call returns
    const placedBy = new Map((holders ?? []).map((h) => [h.pfn, h.placement.path]));
    const path = (pfn: number) => {
      const f = snapshot.folios.find((x) => pfn >= x.pfn && pfn < x.pfn + 2 ** x.order);
      return f ? placedBy.get(f.pfn) : undefined;
    };
    const zones = zoneRanges(snapshot);
    const prev = new Map(before.vmas.map((v) => [v.handle, v]));
    for (const v of snapshot.vmas) {
      const was = prev.get(v.handle);
      if (!was) continue;
      // mbind judges by the policy it set; a fault by the policy in force when it happened
      const policy = op.op === 'mbind' ? effectivePolicy(snapshot, v) : effectivePolicy(before, was);
      if (policy?.mode !== 'MPOL_BIND') continue;
      v.ptes.forEach((pfn, i) => {
        const old = was.ptes[i];
        if (pfn === null || pfn === old) return;
        // only new faults (and mbind's own moves); other migrations ignore policy
        if (op.op !== 'mbind' && (old !== null || (holders && path(pfn) !== 'fault'))) return;
        const nid = zoneOf(zones, pfn)?.nid;
        if (nid === undefined || !policy.nodes.includes(nid)) {
          errs.push(`${v.handle}[${i}] under MPOL_BIND [${policy.nodes.join(',')}] landed on node ${nid ?? '?'} (pfn ${pfn})`);
        }
      });
    }
    return errs;
  },
};

export const MEMPOLICY_INVARIANTS: readonly Invariant[] = [bindRespected];
