// The operation union and its results: the trace vocabulary of DESIGN.md §8.
// Later areas (GUP, mempolicy, hotplug, private nodes) add members to `Op` and `OpResult`; every
// consumer matches on `op` exhaustively, so the compiler lists what a new member still needs.
import type { Errno, Migratetype, ZoneName } from './flags.js';

/**
 * A handle names an object created by an earlier successful op: k1… (alloc_pages), g1… (get_page,
 * get_user_pages[_fast]), v1… (mmap), u1… (pin_user_pages[_fast]), c1… (cma_alloc).
 */
export type Handle = string;

export const HANDLE_PREFIX = {
  alloc_pages: 'k',
  get_page: 'g',
  get_user_pages: 'g',
  get_user_pages_fast: 'g',
  mmap: 'v',
  pin_user_pages: 'u',
  pin_user_pages_fast: 'u',
  cma_alloc: 'c',
} as const;

export interface AllocPagesOp {
  readonly op: 'alloc_pages';
  /** flag or composite names; an unknown name is -EINVAL (DESIGN.md §3 step 1) */
  readonly gfp: readonly string[];
  readonly order: number;
  /** preferred node; default the task's node */
  readonly nid?: number;
  readonly nodemask?: readonly number[];
  /** the calling task (cpuset for __GFP_HARDWALL, default node); default the first task */
  readonly task?: number;
}

export interface FreePagesOp {
  readonly op: 'free_pages';
  /** a live k-handle; drops the allocation's reference */
  readonly page: Handle;
}

/** A folio named either by a handle (`page`) or by a user address (`vma` + `index`). */
export interface FolioTarget {
  /** a live k-handle or g-handle */
  readonly page?: Handle;
  readonly vma?: Handle;
  readonly index?: number;
}

export interface GetPageOp extends FolioTarget {
  readonly op: 'get_page';
  /** references taken at once (default 1); `_refcount` wraps as a signed 32-bit integer */
  readonly times?: number;
}

export interface PutPageOp {
  readonly op: 'put_page';
  /** a live g-handle; drops every reference that its get_page / get_user_pages call took */
  readonly ref: Handle;
}

export interface QueryOp extends FolioTarget {
  readonly op: 'query';
}

export interface MmapOp {
  readonly op: 'mmap';
  readonly task: number;
  readonly pages: number;
  /** order of the anonymous folios faulted in (default 0); `pages` must be a multiple of 2^folioOrder */
  readonly folioOrder?: number;
}

export interface TouchOp {
  readonly op: 'touch';
  readonly vma: Handle;
  readonly index: number;
  /** pages from index (default 1) */
  readonly count?: number;
}

export interface MunmapOp {
  readonly op: 'munmap';
  readonly vma: Handle;
}

export type GupOpName = 'get_user_pages' | 'get_user_pages_fast' | 'pin_user_pages' | 'pin_user_pages_fast';

export interface GupOp {
  readonly op: GupOpName;
  readonly vma: Handle;
  readonly index: number;
  readonly nr: number;
  /** FOLL_* names; an unknown name makes the arguments invalid */
  readonly gup_flags: readonly string[];
}

export interface UnpinUserPagesOp {
  readonly op: 'unpin_user_pages';
  /** a live u-handle: releases every pin its call took */
  readonly pin: Handle;
}

export interface SetMempolicyOp {
  readonly op: 'set_mempolicy';
  readonly task: number;
  /** MPOL_DEFAULT, MPOL_LOCAL, MPOL_PREFERRED, MPOL_BIND, MPOL_INTERLEAVE */
  readonly mode: string;
  readonly nodes?: readonly number[];
}

export interface MbindOp {
  readonly op: 'mbind';
  readonly vma: Handle;
  readonly mode: string;
  readonly nodes?: readonly number[];
  /** MPOL_MF_STRICT, MPOL_MF_MOVE, MPOL_MF_MOVE_ALL */
  readonly flags?: readonly string[];
}

export interface SetCpusetMemsOp {
  readonly op: 'set_cpuset_mems';
  readonly task: number;
  readonly nodes: readonly number[];
}

export interface MovePagesOp {
  readonly op: 'move_pages';
  readonly vma: Handle;
  readonly index: number;
  readonly node: number;
}

export interface OnlinePagesOp {
  readonly op: 'online_pages';
  readonly nid: number;
  readonly startPfn: number;
  readonly pages: number;
  readonly type: 'online_movable' | 'online_kernel';
}

export interface OfflinePagesOp {
  readonly op: 'offline_pages';
  readonly startPfn: number;
  readonly pages: number;
}

export interface CmaAllocOp {
  readonly op: 'cma_alloc';
  /** CMA area number (config order, see model/api/config.ts) */
  readonly area: number;
  readonly count: number;
}

export interface CmaReleaseOp {
  readonly op: 'cma_release';
  readonly cma: Handle;
}

export interface NodePrivateSetOpsOp {
  readonly op: 'node_private_set_ops';
  readonly nid: number;
  /** NP_OPS_* names; an unknown name is -EINVAL */
  readonly flags: readonly string[];
  /** node_private_ops callbacks the driver provides; an unknown name is -EINVAL */
  readonly callbacks: readonly string[];
}

export interface NodePrivateClearOpsOp {
  readonly op: 'node_private_clear_ops';
  readonly nid: number;
}

export interface ReadSysfsOp {
  readonly op: 'read_sysfs';
  /** has_memory or has_private_memory */
  readonly attr: string;
}

export type Op =
  | AllocPagesOp
  | FreePagesOp
  | GetPageOp
  | PutPageOp
  | QueryOp
  | MmapOp
  | TouchOp
  | MunmapOp
  | GupOp
  | UnpinUserPagesOp
  | SetMempolicyOp
  | MbindOp
  | SetCpusetMemsOp
  | MovePagesOp
  | OnlinePagesOp
  | OfflinePagesOp
  | CmaAllocOp
  | CmaReleaseOp
  | NodePrivateSetOpsOp
  | NodePrivateClearOpsOp
  | ReadSysfsOp;
export type OpName = Op['op'];
export const OP_NAMES: readonly OpName[] = [
  'alloc_pages',
  'free_pages',
  'get_page',
  'put_page',
  'query',
  'mmap',
  'touch',
  'munmap',
  'get_user_pages',
  'get_user_pages_fast',
  'pin_user_pages',
  'pin_user_pages_fast',
  'unpin_user_pages',
  'set_mempolicy',
  'mbind',
  'set_cpuset_mems',
  'move_pages',
  'online_pages',
  'offline_pages',
  'cma_alloc',
  'cma_release',
  'node_private_set_ops',
  'node_private_clear_ops',
  'read_sysfs',
];

export interface ErrorResult {
  readonly ret: Errno;
}

/** Where a folio lives; `migratetype` is always the pageblock type at `pfn`. */
export interface Placement {
  readonly pfn: number;
  readonly nid: number;
  readonly zone: ZoneName;
  readonly migratetype: Migratetype;
}

export interface AllocPagesResult extends Placement {
  readonly ret: 0;
  readonly page: Handle;
}

export interface GetPageResult {
  readonly ret: 0;
  readonly ref: Handle;
}

export interface DoneResult {
  readonly ret: 0;
}

export interface QueryResult extends Placement {
  readonly ret: 0;
  readonly order: number;
  /** folio `_refcount` as a signed 32-bit value */
  readonly refcount: number;
  /** folio `_pincount` (0 for small folios) */
  readonly pincount: number;
  readonly maybe_dma_pinned: boolean;
  /** user mappings of the folio's pages */
  readonly mapped: number;
}

export interface MmapResult {
  readonly ret: 0;
  readonly vma: Handle;
}

/** A page placed by a fault or a GUP call. */
export interface PagePlacement {
  readonly index: number;
  readonly pfn: number;
  readonly nid: number;
  readonly zone: ZoneName;
}

export interface TouchResult {
  readonly ret: 0;
  /** the pages this call faulted in, ascending index */
  readonly pages: readonly PagePlacement[];
}

export interface GupPage extends PagePlacement {
  /** the folio was migrated by this call's FOLL_LONGTERM path */
  readonly migrated: boolean;
}

export interface GupResult {
  /** pages taken (> 0) */
  readonly ret: number;
  /** g-handle (get_user_pages*) or u-handle (pin_user_pages*) */
  readonly ref?: Handle;
  readonly pin?: Handle;
  readonly pages: readonly GupPage[];
}

export interface MovePagesResult {
  readonly ret: 0;
  /** the page's node afterwards, or why it did not move */
  readonly status: number | Errno;
}

export interface CmaAllocResult {
  readonly ret: 0;
  readonly cma: Handle;
  readonly pfn: number;
  readonly nid: number;
  readonly zone: ZoneName;
}

export interface ReadSysfsResult {
  readonly ret: 0;
  /** node ids, ascending */
  readonly nodes: readonly number[];
}

export type OpResult =
  | ErrorResult
  | AllocPagesResult
  | GetPageResult
  | DoneResult
  | QueryResult
  | MmapResult
  | TouchResult
  | GupResult
  | MovePagesResult
  | CmaAllocResult
  | ReadSysfsResult;

export function isError(r: OpResult): r is ErrorResult {
  return typeof r.ret === 'string';
}
