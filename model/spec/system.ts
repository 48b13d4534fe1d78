// The spec as an MmSystem: one function per op, dispatched with ts-pattern.
// Argument checks and their order follow docs/MODEL.md; each failed check changes nothing.
import { match } from 'ts-pattern';
import type {
  AllocPagesOp,
  AllocPagesResult,
  ErrorResult,
  FreePagesOp,
  GetPageOp,
  GetPageResult,
  DoneResult,
  Errno,
  MachineConfig,
  MmEvent,
  MmSystem,
  Op,
  OpResult,
  Profile,
  PutPageOp,
  QueryOp,
  QueryResult,
  Snapshot,
} from '../api/index.js';
import { __alloc_pages } from './alloc.js';
import { createMachine } from './boot.js';
import { folio_maybe_dma_pinned, folio_ref_count, folioPincount, INT_MAX, type Folio, type Holder } from './folio.js';
import { gfpMobilityIsBad, gfpZoneIsBad, parseGfp } from './gfp.js';
import { emptyHandleTable, killHandle, lookupHandle, nameHandle, setLive, type HandleRecord, type HandleTable } from './handles.js';
import { findNode, findTask, get_pfnblock_migratetype, type Machine } from './machine.js';
import { addHolder, dropHolder, prep_new_page } from './pageref.js';
import { takeSnapshot } from './snapshot.js';

/** The spec system, with its state open for white-box tests. */
export interface SpecSystem extends MmSystem {
  readonly machine: Machine;
  readonly handles: HandleTable;
  drainEvents(): readonly MmEvent[];
}

/** Fresh result objects, so no caller can alias another op's result. */
const error = (ret: Errno): ErrorResult => ({ ret });
const done = (): DoneResult => ({ ret: 0 });

function isOrder(machine: Machine, order: number): boolean {
  return Number.isInteger(order) && order >= 0 && order <= machine.maxOrder;
}

function allocPages(machine: Machine, handles: HandleTable, op: AllocPagesOp): AllocPagesResult | ErrorResult {
  const gfp = parseGfp(op.gfp);
  if (gfp === undefined) return error('-EINVAL');
  if (gfpZoneIsBad(gfp)) return error('-EINVAL');
  if (gfpMobilityIsBad(gfp)) return error('-EINVAL');
  if (!isOrder(machine, op.order)) return error('-EINVAL');
  // Model additions after the MODEL.md checks: the task and the preferred node must exist.
  const task = op.task === undefined ? machine.tasks[0] : findTask(machine, op.task);
  if (task === undefined) return error('-EINVAL');
  const preferred = findNode(machine, op.nid ?? task.nid);
  if (preferred === undefined) return error('-EINVAL');
  const nodemask = op.nodemask === undefined ? undefined : new Set(op.nodemask);

  const page = __alloc_pages(machine, task, gfp, op.order, preferred, nodemask);
  if (page === undefined) return error('-ENOMEM');

  const handle = nameHandle(handles, 'alloc_pages');
  const folio = prep_new_page(machine, page.zone, page.pfn, op.order, { kind: 'alloc', handle });
  setLive(handles, handle, 'alloc_pages', folio);
  return {
    ret: 0,
    page: handle,
    pfn: folio.pfn,
    nid: folio.zone.nid,
    zone: folio.zone.name,
    migratetype: get_pfnblock_migratetype(machine, folio.pfn),
  };
}

function holderOf(record: HandleRecord): Holder {
  const holder = record.folio.holders.find((h) => h.handle === record.handle);
  if (holder === undefined) throw new Error(`spec: handle ${record.handle} holds nothing`);
  return holder;
}

/** Drop the references a handle holds; if that frees the folio, every handle naming it dies too. */
function release(machine: Machine, handles: HandleTable, record: HandleRecord): void {
  killHandle(handles, record.handle);
  const freed = dropHolder(machine, record.folio, holderOf(record));
  if (!freed) return;
  for (const other of [...handles.live.values()]) {
    if (other.folio === record.folio) killHandle(handles, other.handle);
  }
}

function freePages(machine: Machine, handles: HandleTable, op: FreePagesOp): DoneResult | ErrorResult {
  const record = lookupHandle(handles, op.page, 'alloc_pages');
  if (record === undefined) return error('-EBADF');
  release(machine, handles, record);
  return done();
}

function getPage(machine: Machine, handles: HandleTable, op: GetPageOp): GetPageResult | ErrorResult {
  const times = op.times ?? 1;
  if (!Number.isInteger(times) || times < 1 || times > INT_MAX) return error('-EINVAL');
  const record = lookupHandle(handles, op.page);
  if (record === undefined) return error('-EBADF');
  const handle = nameHandle(handles, 'get_page');
  addHolder(machine, record.folio, { kind: 'get', handle, times });
  setLive(handles, handle, 'get_page', record.folio);
  return { ret: 0, ref: handle };
}

function putPage(machine: Machine, handles: HandleTable, op: PutPageOp): DoneResult | ErrorResult {
  const record = lookupHandle(handles, op.ref, 'get_page');
  if (record === undefined) return error('-EBADF');
  release(machine, handles, record);
  return done();
}

function queryFolio(machine: Machine, folio: Folio): QueryResult {
  return {
    ret: 0,
    pfn: folio.pfn,
    nid: folio.zone.nid,
    zone: folio.zone.name,
    migratetype: get_pfnblock_migratetype(machine, folio.pfn),
    order: folio.order,
    refcount: folio_ref_count(folio),
    pincount: folioPincount(folio),
    maybe_dma_pinned: folio_maybe_dma_pinned(folio),
    mapped: 0,
  };
}

function query(machine: Machine, handles: HandleTable, op: QueryOp): QueryResult | ErrorResult {
  const record = lookupHandle(handles, op.page);
  if (record === undefined) return error('-EBADF');
  return queryFolio(machine, record.folio);
}

export function createSpecSystem(config: MachineConfig, profile: Profile): SpecSystem {
  const machine = createMachine(config, profile);
  const handles = emptyHandleTable();

  function apply(op: Op): OpResult {
    return match(op)
      .with({ op: 'alloc_pages' }, (o) => allocPages(machine, handles, o))
      .with({ op: 'free_pages' }, (o) => freePages(machine, handles, o))
      .with({ op: 'get_page' }, (o) => getPage(machine, handles, o))
      .with({ op: 'put_page' }, (o) => putPage(machine, handles, o))
      .with({ op: 'query' }, (o) => query(machine, handles, o))
      .exhaustive();
  }

  function snapshot(): Snapshot {
    return takeSnapshot(machine, handles);
  }

  function drainEvents(): readonly MmEvent[] {
    return machine.events.splice(0, machine.events.length);
  }

  return { machine, handles, apply, snapshot, drainEvents };
}
