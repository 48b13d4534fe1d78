// The spec as an MmSystem: one function per op, dispatched with ts-pattern.
// Argument checks and their order follow docs/MODEL.md; each failed check changes nothing.
import { match } from 'ts-pattern';
import type {
  AllocPagesOp,
  AllocPagesResult,
  CmaAllocResult,
  DoneResult,
  Errno,
  ErrorResult,
  FolioHolders,
  FreePagesOp,
  GetPageOp,
  GetPageResult,
  MachineConfig,
  MmapResult,
  MmEvent,
  MmSystem,
  MovePagesResult,
  Op,
  OpResult,
  Profile,
  PutPageOp,
  QueryOp,
  QueryResult,
  ReadSysfsResult,
  Snapshot,
  TouchResult,
} from '../api/index.js';
import { __alloc_pages } from './alloc.js';
import { createMachine } from './boot.js';
import { cma_alloc, cma_release } from './cma.js';
import { folio_maybe_dma_pinned, folio_ref_count, folioMapped, folioPincount, folioPins, INT_MAX, type Folio } from './folio.js';
import { gfpMobilityIsBad, gfpZoneIsBad, parseGfp } from './gfp.js';
import { gupCall, releaseGupHandle } from './gup.js';
import { killHandle, lookupHandle, nameHandle, setLive, type HandleRecord, type HandleTable } from './handles.js';
import { offline_pages, online_pages } from './hotplug.js';
import { emit, findNode, findTask, get_pfnblock_migratetype, type Machine } from './machine.js';
import { do_mbind, do_set_mempolicy, setCpusetMems } from './mempolicy.js';
import { move_pages } from './migrate.js';
import { addHolder, dropHolder, prep_new_page } from './pageref.js';
import { node_private_clear_ops, node_private_set_ops, read_sysfs } from './private.js';
import { folioHolders, takeSnapshot } from './snapshot.js';
import { do_mmap, do_munmap, lookupVma, resolveFolioTarget, touchRange } from './vma.js';

/** The spec system, with its state open for white-box tests. */
export interface SpecSystem extends MmSystem {
  readonly machine: Machine;
  readonly handles: HandleTable;
  drainEvents(): readonly MmEvent[];
  holders(): readonly FolioHolders[];
}

/** Fresh result objects, so no caller can alias another op's result. */
const error = (ret: Errno): ErrorResult => ({ ret });
const done = (): DoneResult => ({ ret: 0 });
const result = <T extends object>(r: T | Errno): T | ErrorResult => (typeof r === 'string' ? error(r) : r);
const status = (r: 0 | Errno): DoneResult | ErrorResult => ({ ret: r });

function isOrder(machine: Machine, order: number): boolean {
  return Number.isInteger(order) && order >= 0 && order <= machine.maxOrder;
}

function allocPages(machine: Machine, op: AllocPagesOp): AllocPagesResult | ErrorResult {
  const gfp = parseGfp(op.gfp, machine.profile.privateNodes !== null);
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

  const handle = nameHandle(machine.handles, 'alloc_pages');
  const folio = prep_new_page(machine, page.zone, page.pfn, op.order, false, [{ kind: 'alloc', handle }], {
    path: 'alloc_pages',
    gfp: page.gfp,
  });
  setLive(machine.handles, { handle, kind: 'alloc_pages', folio });
  return {
    ret: 0,
    page: handle,
    pfn: folio.pfn,
    nid: folio.zone.nid,
    zone: folio.zone.name,
    migratetype: get_pfnblock_migratetype(machine, folio.pfn),
  };
}

/** Drop the one holder a k or get_page g handle owns; returns whether that freed a user folio that was unmapped. */
function releaseSingle(machine: Machine, record: Extract<HandleRecord, { folio: Folio }>): boolean {
  killHandle(machine.handles, record.handle);
  const folio = record.folio;
  // Stryker disable next-line ConditionalExpression: handle names are never reused and map holders have none, so the kind test only narrows the type
  const holder = folio.holders.find((h) => (h.kind === 'alloc' || h.kind === 'get') && h.handle === record.handle);
  if (holder === undefined) throw new Error(`spec: handle ${record.handle} holds nothing`);
  const mapped = folioMapped(folio);
  return dropHolder(machine, folio, holder) && folio.user && mapped === 0;
}

function freePages(machine: Machine, op: FreePagesOp): DoneResult | ErrorResult {
  const record = lookupHandle(machine.handles, op.page);
  if (record?.kind !== 'alloc_pages') return error('-EBADF');
  releaseSingle(machine, record); // a k handle's folio is a kernel folio; free_pages never reports freed-unmapped
  return done();
}

function getPage(machine: Machine, op: GetPageOp): GetPageResult | ErrorResult {
  const times = op.times ?? 1;
  if (!Number.isInteger(times) || times < 1 || times > INT_MAX) return error('-EINVAL');
  const folio = resolveFolioTarget(machine, op);
  if (typeof folio === 'string') return error(folio);
  const handle = nameHandle(machine.handles, 'get_page');
  addHolder(machine, folio, { kind: 'get', handle, times });
  setLive(machine.handles, { handle, kind: 'get_page', folio });
  return { ret: 0, ref: handle };
}

/** put_page takes a g handle: a get_page reference or a get_user_pages* call's references. */
function putPage(machine: Machine, op: PutPageOp): DoneResult | ErrorResult {
  const record = lookupHandle(machine.handles, op.ref);
  if (record?.kind === 'get_page') {
    if (releaseSingle(machine, record)) emit(machine, { kind: 'freed-unmapped' });
  } else if (record?.kind === 'get_user_pages' || record?.kind === 'get_user_pages_fast') {
    releaseGupHandle(machine, record);
  } else {
    return error('-EBADF');
  }
  return done();
}

function queryFolio(machine: Machine, folio: Folio): QueryResult {
  const maybe = folio_maybe_dma_pinned(folio);
  if (maybe && folioPins(folio) === 0) emit(machine, { kind: 'dma-pinned-false-positive' });
  return {
    ret: 0,
    pfn: folio.pfn,
    nid: folio.zone.nid,
    zone: folio.zone.name,
    migratetype: get_pfnblock_migratetype(machine, folio.pfn),
    order: folio.order,
    refcount: folio_ref_count(folio),
    pincount: folioPincount(folio),
    maybe_dma_pinned: maybe,
    mapped: folioMapped(folio),
  };
}

function query(machine: Machine, op: QueryOp): QueryResult | ErrorResult {
  const folio = resolveFolioTarget(machine, op);
  if (typeof folio === 'string') return error(folio);
  return queryFolio(machine, folio);
}

function vmaOp<R extends object>(machine: Machine, handle: string, f: (vma: NonNullable<ReturnType<typeof lookupVma>>) => R | ErrorResult): R | ErrorResult {
  const vma = lookupVma(machine, handle);
  return vma === undefined ? error('-EBADF') : f(vma);
}

export function createSpecSystem(config: MachineConfig, profile: Profile): SpecSystem {
  const machine = createMachine(config, profile);

  function apply(op: Op): OpResult {
    return match(op)
      .with({ op: 'alloc_pages' }, (o) => allocPages(machine, o))
      .with({ op: 'free_pages' }, (o) => freePages(machine, o))
      .with({ op: 'get_page' }, (o) => getPage(machine, o))
      .with({ op: 'put_page' }, (o) => putPage(machine, o))
      .with({ op: 'query' }, (o) => query(machine, o))
      .with({ op: 'mmap' }, (o): MmapResult | ErrorResult => result(do_mmap(machine, o.task, o.pages, o.folioOrder ?? 0)))
      .with({ op: 'touch' }, (o) => vmaOp(machine, o.vma, (vma): TouchResult | ErrorResult => result(touchRange(machine, vma, o.index, o.count ?? 1))))
      .with({ op: 'munmap' }, (o) =>
        vmaOp(machine, o.vma, (vma) => {
          do_munmap(machine, vma);
          return done();
        }),
      )
      .with(
        { op: 'get_user_pages' },
        { op: 'get_user_pages_fast' },
        { op: 'pin_user_pages' },
        { op: 'pin_user_pages_fast' },
        (o) => gupCall(machine, o, (h) => lookupVma(machine, h)),
      )
      .with({ op: 'unpin_user_pages' }, (o) => {
        const record = lookupHandle(machine.handles, o.pin, ['pin_user_pages', 'pin_user_pages_fast']);
        if (record === undefined || !('pages' in record)) return error('-EBADF');
        releaseGupHandle(machine, record);
        return done();
      })
      .with({ op: 'set_mempolicy' }, (o) => {
        const task = findTask(machine, o.task);
        if (task === undefined) return error('-EINVAL');
        return status(do_set_mempolicy(machine, task, o.mode, o.nodes));
      })
      .with({ op: 'mbind' }, (o) => vmaOp(machine, o.vma, (vma) => status(do_mbind(machine, vma, o.mode, o.nodes, o.flags))))
      .with({ op: 'set_cpuset_mems' }, (o) => {
        const task = findTask(machine, o.task);
        if (task === undefined) return error('-EINVAL');
        return status(setCpusetMems(machine, task, o.nodes));
      })
      .with({ op: 'move_pages' }, (o) =>
        vmaOp(machine, o.vma, (vma): MovePagesResult | ErrorResult => result(move_pages(machine, vma, o.index, o.node))),
      )
      .with({ op: 'online_pages' }, (o) => status(online_pages(machine, o.nid, o.startPfn, o.pages, o.type)))
      .with({ op: 'offline_pages' }, (o) => status(offline_pages(machine, o.startPfn, o.pages)))
      .with({ op: 'cma_alloc' }, (o): CmaAllocResult | ErrorResult => result(cma_alloc(machine, o.area, o.count)))
      .with({ op: 'cma_release' }, (o) => {
        const record = lookupHandle(machine.handles, o.cma);
        if (record?.kind !== 'cma_alloc') return error('-EBADF');
        cma_release(machine, record.range);
        return done();
      })
      .with({ op: 'node_private_set_ops' }, (o) => status(node_private_set_ops(machine, o.nid, o.flags, o.callbacks)))
      .with({ op: 'node_private_clear_ops' }, (o) => status(node_private_clear_ops(machine, o.nid)))
      .with({ op: 'read_sysfs' }, (o): ReadSysfsResult | ErrorResult => result(read_sysfs(machine, o.attr)))
      .exhaustive();
  }

  function snapshot(): Snapshot {
    return takeSnapshot(machine);
  }

  function drainEvents(): readonly MmEvent[] {
    return machine.events.splice(0, machine.events.length);
  }

  function holders(): readonly FolioHolders[] {
    return folioHolders(machine);
  }

  return { machine, handles: machine.handles, apply, snapshot, drainEvents, holders };
}
