// Handles: the trace's names for objects created by earlier ops (k alloc_pages, g get_page and
// get_user_pages*, u pin_user_pages*, v mmap, c cma_alloc). A handle lives until its op is undone or
// its folio is freed; a Map keeps creation order. Numbering is per prefix (g is shared).
import { HANDLE_PREFIX } from '../api/index.js';
import type { CmaAllocation } from './cma.js';
import type { Folio } from './folio.js';
import type { Vma } from './vma.js';

export type HandleKind = keyof typeof HANDLE_PREFIX;

/** One page a GUP call took: where it was (index) and which folio/pfn it named. */
export interface GupPageRef {
  readonly index: number;
  readonly pfn: number;
  readonly folio: Folio;
}

export type HandleRecord =
  | { readonly handle: string; readonly kind: 'alloc_pages' | 'get_page'; readonly folio: Folio }
  | {
      readonly handle: string;
      readonly kind: 'get_user_pages' | 'get_user_pages_fast' | 'pin_user_pages' | 'pin_user_pages_fast';
      readonly pages: readonly GupPageRef[];
    }
  | { readonly handle: string; readonly kind: 'mmap'; readonly vma: Vma }
  | { readonly handle: string; readonly kind: 'cma_alloc'; readonly range: CmaAllocation };

export interface HandleTable {
  /** live handles, in creation order */
  readonly live: Map<string, HandleRecord>;
  /** how many handles of each prefix were ever named */
  readonly created: Record<string, number>;
}

export function emptyHandleTable(): HandleTable {
  return { live: new Map(), created: {} };
}

/** Name the next handle of this kind: k1, k2… in order of successful ops (g shared by get_page and GUP). */
export function nameHandle(table: HandleTable, kind: HandleKind): string {
  const prefix = HANDLE_PREFIX[kind];
  table.created[prefix] = (table.created[prefix] ?? 0) + 1;
  return `${prefix}${table.created[prefix]}`;
}

/** Make a named handle live, after its op has succeeded. */
export function setLive(table: HandleTable, record: HandleRecord): void {
  table.live.set(record.handle, record);
}

/** The live handle `name`, optionally only of some kinds. */
export function lookupHandle(table: HandleTable, name: string | undefined, kinds?: readonly HandleKind[]): HandleRecord | undefined {
  // Stryker disable next-line ConditionalExpression: Map.get(undefined) is undefined too (live keys are strings); the check is for the types
  if (name === undefined) return undefined;
  const record = table.live.get(name);
  if (record === undefined || (kinds !== undefined && !kinds.includes(record.kind))) return undefined;
  return record;
}

export function killHandle(table: HandleTable, name: string): void {
  table.live.delete(name);
}

/** Whether a live handle names this folio (k, get_page g, or a page of a GUP call). */
export function handleNamesFolio(record: HandleRecord, folio: Folio): boolean {
  switch (record.kind) {
    case 'alloc_pages':
    case 'get_page':
      return record.folio === folio;
    case 'get_user_pages':
    case 'get_user_pages_fast':
    case 'pin_user_pages':
    case 'pin_user_pages_fast':
      return record.pages.some((p) => p.folio === folio);
    case 'mmap':
    case 'cma_alloc':
      return false;
  }
}

/** The pfns a handle shows in the snapshot (model/api/snapshot.ts). */
export function handlePfns(record: HandleRecord): number[] {
  switch (record.kind) {
    case 'alloc_pages':
    case 'get_page':
      return [record.folio.pfn];
    case 'get_user_pages':
    case 'get_user_pages_fast':
    case 'pin_user_pages':
    case 'pin_user_pages_fast':
      return record.pages.map((p) => p.pfn);
    case 'mmap':
      return [];
    case 'cma_alloc':
      return [record.range.pfn];
  }
}
