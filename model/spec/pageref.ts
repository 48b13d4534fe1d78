// Taking and dropping folio references (include/linux/page_ref.h, mm/swap.c), with exact holders.
import { crossesInt32, folio_ref_count, holderRefs, type Folio, type Holder } from './folio.js';
import { free_one_page } from './free.js';
import { emit, type Machine, type Zone } from './machine.js';

/** prep_new_page (mm/page_alloc.c): a fresh folio whose only holder is the allocation. */
export function prep_new_page(machine: Machine, zone: Zone, pfn: number, order: number, holder: Holder): Folio {
  const folio: Folio = { pfn, order, zone, holders: [holder] };
  machine.folios.set(pfn, folio);
  return folio;
}

/** page_ref_add (include/linux/page_ref.h): no overflow check; a wrap is only reported. */
export function addHolder(machine: Machine, folio: Folio, holder: Holder): void {
  if (crossesInt32(folio_ref_count(folio), holderRefs(holder))) emit(machine, { kind: 'refcount-wrap' });
  folio.holders.push(holder);
}

/**
 * Drop one holder's references (page_ref_sub_and_test / folio_put_refs). The folio is freed only
 * when this leaves `_refcount` at exactly 0; returns whether it was.
 */
export function dropHolder(machine: Machine, folio: Folio, holder: Holder): boolean {
  if (crossesInt32(folio_ref_count(folio), -holderRefs(holder))) emit(machine, { kind: 'refcount-wrap' });
  folio.holders.splice(folio.holders.indexOf(holder), 1);
  if (folio_ref_count(folio) !== 0) return false;
  __folio_put(machine, folio);
  return true;
}

/** __folio_put (mm/swap.c): the last reference is gone, so the pages go back to the buddy allocator. */
export function __folio_put(machine: Machine, folio: Folio): void {
  machine.folios.delete(folio.pfn);
  free_one_page(machine, folio.zone, folio.pfn, folio.order);
}
