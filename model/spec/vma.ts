// Anonymous user memory: VMAs, page faults and munmap (mm/mmap.c, mm/memory.c), as docs/MODEL.md
// "User memory" fixes them. Each mapped page is a `map` holder on its folio and a pte in its VMA.
import { isMatching } from 'ts-pattern';
import { GFP_COMPOSITES, type Errno, type FolioTarget, type PagePlacement } from '../api/index.js';
import { __alloc_pages } from './alloc.js';
import { type Folio, type Holder } from './folio.js';
import { lookupHandle, nameHandle, setLive } from './handles.js';
import { emit, findTask, type Machine, type Task } from './machine.js';
import { mpol_private_gfp, policy_nodemask, type Mempolicy } from './mempolicy.js';
import { dropHolder, prep_new_page } from './pageref.js';

/** struct vm_area_struct, reduced: an anonymous mapping of `pages` pages owned by `task`. */
export interface Vma {
  readonly handle: string;
  readonly task: Task;
  readonly pages: number;
  readonly folioOrder: number;
  /** vma->vm_policy (mbind); null: the task policy applies */
  policy: Mempolicy | null;
  /** ptes[index]: the folio mapped there, or null */
  readonly ptes: (Folio | null)[];
}

/** The pfn of page `index` of a VMA whose folio is `folio` (pages of a chunk map their folio in order). */
export function vmaPagePfn(vma: Vma, index: number, folio: Folio): number {
  return folio.pfn + (index % 2 ** folio.order);
}

export function pagePlacement(vma: Vma, index: number, folio: Folio): PagePlacement {
  return { index, pfn: vmaPagePfn(vma, index, folio), nid: folio.zone.nid, zone: folio.zone.name };
}

/** Whether `index` is a page of the VMA. */
export function inVma(vma: Vma, index: number | undefined): index is number {
  // Number.isInteger(undefined) is false
  return Number.isInteger(index) && index! >= 0 && index! < vma.pages;
}

/** do_mmap for MAP_ANONYMOUS|MAP_PRIVATE (mm/mmap.c): a new VMA, nothing present yet. */
export function do_mmap(machine: Machine, tid: number, pages: number, folioOrder: number): { ret: 0; vma: string } | Errno {
  const task = findTask(machine, tid);
  if (task === undefined) return '-EINVAL';
  if (!Number.isInteger(pages) || pages < 1) return '-EINVAL';
  if (!Number.isInteger(folioOrder) || folioOrder < 0 || folioOrder > machine.maxOrder) return '-EINVAL';
  if (pages % 2 ** folioOrder !== 0) return '-EINVAL';
  const handle = nameHandle(machine.handles, 'mmap');
  const vma: Vma = { handle, task, pages, folioOrder, policy: null, ptes: Array.from({ length: pages }, () => null) };
  machine.vmas.set(handle, vma);
  setLive(machine.handles, { handle, kind: 'mmap', vma });
  return { ret: 0, vma: handle };
}

/** get_vma_policy (mm/mempolicy.c): the VMA policy, else the task policy. */
export function get_vma_policy(vma: Vma): Mempolicy | null {
  return vma.policy ?? vma.task.mempolicy;
}

/**
 * vma_alloc_folio (mm/mempolicy.c → alloc_pages_mpol) for an anonymous fault: GFP_HIGHUSER_MOVABLE
 * (plus __GFP_PRIVATE under MPOL_F_PRIVATE, RFC v4 patch 13) on the node the effective policy
 * picks, in the task's context (a pin scope strips __GFP_MOVABLE). A policy with no node to pick
 * fails the fault.
 */
export function vma_alloc_folio(machine: Machine, vma: Vma) {
  const pol = get_vma_policy(vma);
  const placement = policy_nodemask(machine, vma.task, pol);
  if (placement === undefined) return undefined;
  const gfp = GFP_COMPOSITES.GFP_HIGHUSER_MOVABLE | mpol_private_gfp(pol);
  return __alloc_pages(machine, vma.task, gfp, vma.folioOrder, placement.preferred, placement.nodemask);
}

/**
 * do_anonymous_page (mm/memory.c): fault in the chunk holding `index`: one folio of the VMA's
 * folio order, every page of it mapped. Returns the folio, or undefined for -ENOMEM.
 */
export function do_anonymous_page(machine: Machine, vma: Vma, index: number): Folio | undefined {
  const nr = 2 ** vma.folioOrder;
  const base = index - (index % nr);
  const page = vma_alloc_folio(machine, vma);
  if (page === undefined) return undefined;
  const holders: Holder[] = [];
  for (let i = base; i < base + nr; i++) holders.push({ kind: 'map', vma: vma.handle, index: i });
  const folio = prep_new_page(machine, page.zone, page.pfn, vma.folioOrder, true, holders, { path: 'fault', gfp: page.gfp });
  for (let i = base; i < base + nr; i++) vma.ptes[i] = folio;
  emit(machine, { kind: 'fault', order: vma.folioOrder });
  return folio;
}

/**
 * touch {vma, index, count}: fault in every chunk of [index, index+count) that is not present, in
 * ascending index (handle_mm_fault per chunk). Returns the pages mapped, or -ENOMEM at the first
 * failure (earlier chunks stay).
 */
export function touchRange(machine: Machine, vma: Vma, index: number, count: number): { ret: 0; pages: PagePlacement[] } | Errno {
  if (!Number.isInteger(count) || count < 1 || !inVma(vma, index) || index + count > vma.pages) return '-EFAULT';
  const pages: PagePlacement[] = [];
  for (let i = index; i < index + count; i++) {
    if (vma.ptes[i] !== null) continue;
    const folio = do_anonymous_page(machine, vma, i);
    if (folio === undefined) return '-ENOMEM';
    const nr = 2 ** folio.order;
    for (let j = i - (i % nr); j < i - (i % nr) + nr; j++) pages.push(pagePlacement(vma, j, folio));
  }
  return { ret: 0, pages };
}

/** do_vmi_munmap → zap_pte_range (mm/memory.c): unmap every present page in index order. */
export function do_munmap(machine: Machine, vma: Vma): void {
  for (const [i, folio] of vma.ptes.entries()) {
    if (folio === null) continue;
    vma.ptes[i] = null;
    const holder = folio.holders.find((h) => isMatching({ kind: 'map', vma: vma.handle, index: i }, h));
    if (holder === undefined) throw new Error(`spec: pte ${i} of ${vma.handle} has no map holder`);
    dropHolder(machine, folio, holder);
  }
  machine.vmas.delete(vma.handle);
  machine.handles.live.delete(vma.handle);
}

/** The live VMA named `handle`. */
export function lookupVma(machine: Machine, handle: string | undefined): Vma | undefined {
  const record = lookupHandle(machine.handles, handle, ['mmap']);
  return record?.kind === 'mmap' ? record.vma : undefined;
}

/**
 * The folio an op names: `page` (a k-handle, a get_page g-handle, or a GUP g-handle meaning its
 * first page's folio), else `vma` + `index`. -EINVAL when neither is given.
 */
export function resolveFolioTarget(machine: Machine, target: FolioTarget): Folio | Errno {
  if (target.page !== undefined) {
    const record = lookupHandle(machine.handles, target.page);
    if (record?.kind === 'alloc_pages' || record?.kind === 'get_page') return record.folio;
    if (record?.kind === 'get_user_pages' || record?.kind === 'get_user_pages_fast') return record.pages[0]!.folio;
    return '-EBADF';
  }
  if (target.vma !== undefined) {
    const vma = lookupVma(machine, target.vma);
    if (vma === undefined) return '-EBADF';
    if (!inVma(vma, target.index)) return '-EFAULT';
    return vma.ptes[target.index] ?? '-ENOENT';
  }
  return '-EINVAL';
}
