// Taking and dropping folio references (include/linux/page_ref.h, mm/swap.c), with exact holders.
import { crossesInt32, folio_ref_count, folioHolderRefs, type Folio, type Holder, type Placement, type PlacementPath } from './folio.js';
import { free_one_page } from './free.js';
import { handleNamesFolio, killHandle } from './handles.js';
import { emit, type Machine, type Zone } from './machine.js';
import { node_is_private } from './private.js';

/**
 * prep_new_page (mm/page_alloc.c): a fresh folio whose holders are the allocating party's, with its
 * placement ghost. A folio placed on a private node is reported (`private-placement`).
 */
export function prep_new_page(
  machine: Machine,
  zone: Zone,
  pfn: number,
  order: number,
  user: boolean,
  holders: Holder[],
  placement: Placement,
): Folio {
  // linux-5.6 (eddb1c228f79): FOLL_PIN counted like FOLL_GET; the folio derives its counters so.
  const likeGet = machine.profile.historicalRules.pinCountsLikeGet ? { pinCountsLikeGet: true } : {};
  const folio: Folio = { pfn, order, zone, user, holders, placement, ...likeGet };
  machine.folios.set(pfn, folio);
  if (node_is_private(machine, zone.nid)) emit(machine, { kind: 'private-placement', path: placementEventPath(placement.path) });
  return folio;
}

/** The `private-placement` event's path: the migration reasons are folded into `other`. */
function placementEventPath(path: PlacementPath): 'alloc_pages' | 'fault' | 'migrate_to' | 'mpol-migrate' | 'other' {
  return path === 'alloc_pages' || path === 'fault' || path === 'migrate_to' || path === 'mpol-migrate' ? path : 'other';
}

/** page_ref_add (include/linux/page_ref.h): no overflow check; a wrap is only reported. */
export function addHolder(machine: Machine, folio: Folio, holder: Holder): void {
  if (crossesInt32(folio_ref_count(folio), folioHolderRefs(folio, holder))) emit(machine, { kind: 'refcount-wrap' });
  folio.holders.push(holder);
}

/**
 * Drop one holder's references (page_ref_sub_and_test / folio_put_refs). The folio is freed only
 * when this leaves `_refcount` at exactly 0; returns whether it was.
 */
export function dropHolder(machine: Machine, folio: Folio, holder: Holder): boolean {
  if (crossesInt32(folio_ref_count(folio), -folioHolderRefs(folio, holder))) emit(machine, { kind: 'refcount-wrap' });
  folio.holders.splice(folio.holders.indexOf(holder), 1);
  if (folio_ref_count(folio) !== 0) return false;
  __folio_put(machine, folio);
  return true;
}

/**
 * Forget a folio that no longer exists: every handle still naming it dies (in the kernel those
 * holders would be use-after-free bugs; their references on other folios stay, leaked), and a
 * page table entry still pointing at it is cleared (the VMA stays).
 */
export function forgetFolio(machine: Machine, folio: Folio): void {
  machine.folios.delete(folio.pfn);
  for (const record of [...machine.handles.live.values()]) {
    if (handleNamesFolio(record, folio)) killHandle(machine.handles, record.handle);
  }
  for (const h of folio.holders) {
    // Stryker disable next-line ConditionalExpression: equivalent, a holder that is not a mapping names no VMA (machine.vmas.get(undefined) is undefined); the test narrows the type
    if (h.kind !== 'map') continue;
    const vma = machine.vmas.get(h.vma);
    if (vma !== undefined && vma.ptes[h.index] === folio) vma.ptes[h.index] = null;
  }
  folio.holders.length = 0;
}

/** __folio_put (mm/swap.c): the last reference is gone, so the pages go back to the buddy allocator. */
export function __folio_put(machine: Machine, folio: Folio): void {
  forgetFolio(machine, folio);
  free_one_page(machine, folio.zone, folio.pfn, folio.order);
}
