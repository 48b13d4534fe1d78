// Handles: the trace's names for objects created by earlier ops (k1… alloc_pages, g1… get_page).
// A handle lives until its op is undone or its folio is freed; a Map keeps creation order.
import { HANDLE_PREFIX } from '../api/index.js';
import type { Folio } from './folio.js';

export type HandleKind = keyof typeof HANDLE_PREFIX;

export interface HandleRecord {
  readonly handle: string;
  /** the op that created it */
  readonly kind: HandleKind;
  readonly folio: Folio;
}

export interface HandleTable {
  /** live handles, in creation order */
  readonly live: Map<string, HandleRecord>;
  /** how many handles of each kind were ever created */
  readonly created: Record<HandleKind, number>;
}

export function emptyHandleTable(): HandleTable {
  return { live: new Map(), created: { alloc_pages: 0, get_page: 0 } };
}

/** Name the next handle of this kind: k1, k2… in order of successful ops. */
export function nameHandle(table: HandleTable, kind: HandleKind): string {
  table.created[kind] += 1;
  return `${HANDLE_PREFIX[kind]}${table.created[kind]}`;
}

/** Make a named handle live, after its op has succeeded. */
export function setLive(table: HandleTable, handle: string, kind: HandleKind, folio: Folio): void {
  table.live.set(handle, { handle, kind, folio });
}

/** The live handle `name`, optionally only of one kind. */
export function lookupHandle(table: HandleTable, name: string, kind?: HandleKind): HandleRecord | undefined {
  const record = table.live.get(name);
  if (record === undefined || (kind !== undefined && record.kind !== kind)) return undefined;
  return record;
}

export function killHandle(table: HandleTable, name: string): void {
  table.live.delete(name);
}
