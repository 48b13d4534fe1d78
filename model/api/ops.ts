// The operation union and its results: the trace vocabulary of DESIGN.md §8.
// Later areas (GUP, mempolicy, hotplug, private nodes) add members to `Op` and `OpResult`; every
// consumer matches on `op` exhaustively, so the compiler lists what a new member still needs.
import type { Errno, Migratetype, ZoneName } from './flags.js';

/** A handle names an object created by an earlier successful op: k1… (alloc_pages), g1… (get_page). */
export type Handle = string;

export const HANDLE_PREFIX = {
  alloc_pages: 'k',
  get_page: 'g',
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

export interface GetPageOp {
  readonly op: 'get_page';
  /** a live k-handle or g-handle naming the folio */
  readonly page: Handle;
  /** references taken at once (default 1); `_refcount` wraps as a signed 32-bit integer */
  readonly times?: number;
}

export interface PutPageOp {
  readonly op: 'put_page';
  /** a live g-handle; drops every reference that get_page took */
  readonly ref: Handle;
}

export interface QueryOp {
  readonly op: 'query';
  /** a live k-handle or g-handle */
  readonly page: Handle;
}

export type Op = AllocPagesOp | FreePagesOp | GetPageOp | PutPageOp | QueryOp;
export type OpName = Op['op'];
export const OP_NAMES: readonly OpName[] = ['alloc_pages', 'free_pages', 'get_page', 'put_page', 'query'];

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

export type OpResult = ErrorResult | AllocPagesResult | GetPageResult | DoneResult | QueryResult;

export function isError(r: OpResult): r is ErrorResult {
  return typeof r.ret === 'string';
}
