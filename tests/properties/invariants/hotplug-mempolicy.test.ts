import { expect, test } from 'vitest';
import type { OpResult } from '../../../model/api/index.js';
import { movableOfflinable } from '../../../properties/invariants/hotplug.js';
import { bindRespected } from '../../../properties/invariants/mempolicy.js';
import { ctx, folio, holders, state, zone } from './fixtures.js';

const offline = { op: 'offline_pages' as const, startPfn: 8, pages: 4 };
const eintr: OpResult = { ret: '-EINTR' };
const before = state({ zones: [zone('ZONE_NORMAL', [[0, 2], [4, 2]]), zone('ZONE_MOVABLE', [[9, 0], [10, 1], [12, 2]])], folios: [folio(8, 0, 1025, 0, 1)] });

test('hotplug/movable-offlinable: a long-term pin must never block offlining ZONE_MOVABLE', () => {
  const h = [holders(8, 0, { mapped: 1, pins: 1, longtermPins: 1 })];
  expect(movableOfflinable.check(ctx(before, { op: offline, result: eintr, before, holdersBefore: h }))).toEqual([
    'offline_pages [8, 12) in ZONE_MOVABLE of node 0 is blocked (-EINTR) by a long-term pin on folio pfn 8',
  ]);
});

test('hotplug/movable-offlinable: a short-term reference or missing memory may block it', () => {
  const get = [holders(8, 0, { mapped: 1, gets: 1 })];
  expect(movableOfflinable.check(ctx(before, { op: offline, result: eintr, before, holdersBefore: get }))).toEqual([]);
  const mappedOnly = [holders(8, 0, { mapped: 1 })];
  const nomem = [{ kind: 'migrate-failed' as const, reason: 'offline' as const, why: 'nomem' as const }];
  expect(movableOfflinable.check(ctx(before, { op: offline, result: eintr, before, holdersBefore: mappedOnly, events: nomem }))).toEqual([]);
  expect(movableOfflinable.check(ctx(before, { op: offline, result: eintr, before, holdersBefore: mappedOnly, events: [] }))).toEqual([
    'offline_pages [8, 12) in ZONE_MOVABLE of node 0 failed (-EINTR) although its folios had no extra references and targets were available',
  ]);
});

test('hotplug/movable-offlinable: a private node without NP_OPS_MIGRATION is the driver\'s to empty', () => {
  const mappedOnly = [holders(8, 0, { mapped: 1 })];
  const refused = [{ kind: 'private-migrate-refused' as const, reason: 'offline' as const }];
  expect(movableOfflinable.check(ctx(before, { op: offline, result: eintr, before, holdersBefore: mappedOnly, events: refused }))).toEqual([]);
});

test('hotplug/movable-offlinable: isolation of ZONE_MOVABLE fails only on CMA', () => {
  expect(movableOfflinable.check(ctx(before, { op: offline, result: { ret: '-EBUSY' }, before }))).toEqual([
    'offline_pages [8, 12) in ZONE_MOVABLE of node 0 failed isolation (-EBUSY) without a CMA pageblock',
  ]);
  expect(movableOfflinable.check(ctx(before, { op: { ...offline, startPfn: 0 }, result: { ret: '-EBUSY' }, before }))).toEqual([]);
});

test('mempolicy/bind-respected: a new fault outside the BIND mask', () => {
  const policy = { mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1], private: false };
  const vma = (pfn: number | null) => ({ handle: 'v1', task: 1, pages: 1, folioOrder: 0, policy, ptes: [pfn] });
  const b = state({ handles: [{ handle: 'v1', pfns: [] }], vmas: [vma(null)] });
  const a = state({ folios: [folio(0, 0, 1, 0, 1)], handles: b.handles, vmas: [vma(0)] });
  const touch = { op: 'touch' as const, vma: 'v1', index: 0 };
  expect(bindRespected.check(ctx(a, { op: touch, before: b }))).toEqual(['v1[0] under MPOL_BIND [1] landed on node 0 (pfn 0)']);
  const allowed = { ...policy, nodes: [0] };
  const b0 = { ...b, vmas: [{ ...vma(null), policy: allowed }] };
  const a0 = { ...a, vmas: [{ ...vma(0), policy: allowed }] };
  expect(bindRespected.check(ctx(a0, { op: touch, before: b0 }))).toEqual([]);
});

test('mempolicy/bind-respected: a page a long-term pin faulted in and then migrated is not judged as a fault', () => {
  const policy = { mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1], private: true };
  const vma = (pfn: number | null) => ({ handle: 'v1', task: 1, pages: 1, folioOrder: 0, policy, ptes: [pfn] });
  const b = state({ handles: [{ handle: 'v1', pfns: [] }], vmas: [vma(null)] });
  const a = state({ folios: [folio(0, 0, 1025, 0, 1)], handles: b.handles, vmas: [vma(0)] });
  const pin = { op: 'pin_user_pages' as const, vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] };
  const migrated = [holders(0, 0, { mapped: 1, pins: 1, longtermPins: 1, placement: { path: 'longterm', gfp: 0x100cc0 } })];
  expect(bindRespected.check(ctx(a, { op: pin, result: { ret: '-ENOMEM' }, before: b, holders: migrated }))).toEqual([]);
  const faulted = [holders(0, 0, { mapped: 1, pins: 1, longtermPins: 1, placement: { path: 'fault', gfp: 0x100cca } })];
  expect(bindRespected.check(ctx(a, { op: pin, before: b, holders: faulted }))).toEqual(['v1[0] under MPOL_BIND [1] landed on node 0 (pfn 0)']);
});
