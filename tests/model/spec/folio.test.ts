import { test, expect } from 'vitest';
import {
  addInt32,
  crossesInt32,
  folio_maybe_dma_pinned,
  folio_nr_pages,
  folio_ref_count,
  folio_test_large,
  folioHolderRefs,
  folioPincount,
  holderRefs,
  INT_MAX,
  INT_MIN,
  type Folio,
  type Holder,
} from '../../../model/spec/folio.js';
import { oneZone, spec, zoneOf } from './helpers.js';

const zone = zoneOf(spec(oneZone(2, 1, 0, 4)), 0, 'ZONE_NORMAL');
const folio = (order: number, holders: Holder[]): Folio => ({ pfn: 0, order, zone, user: false, holders, placement: { path: 'alloc_pages', gfp: 0 } });
const gets = (...times: number[]): Holder[] => times.map((t, i) => ({ kind: 'get', handle: `g${i + 1}`, times: t }));
const alloc: Holder = { kind: 'alloc', handle: 'k1' };

test('int32 helpers', () => {
  expect(INT_MAX).toBe(2147483647);
  expect(INT_MIN).toBe(-2147483648);
  expect(addInt32(INT_MAX, 1)).toBe(INT_MIN);
  expect(addInt32(INT_MIN, -1)).toBe(INT_MAX);
  expect(addInt32(-5, 7)).toBe(2);
  expect(crossesInt32(INT_MAX, 1)).toBe(true);
  expect(crossesInt32(INT_MAX - 1, 1)).toBe(false);
  expect(crossesInt32(INT_MIN, -1)).toBe(true);
  expect(crossesInt32(-1, 1)).toBe(false);
  expect(crossesInt32(INT_MIN + 1, -1)).toBe(false); // exactly INT_MIN is in range
  expect(crossesInt32(INT_MAX, 0)).toBe(false);
});

test('holder contributions', () => {
  expect(holderRefs(alloc)).toBe(1);
  expect(holderRefs({ kind: 'get', handle: 'g1', times: 5 })).toBe(5);
});

test('a pin is GUP_PIN_COUNTING_BIAS on a small folio by default, 1 on a large one or under linux-5.6', () => {
  const pin: Holder = { kind: 'pin', handle: 'u1', index: 0, longterm: false };
  expect(holderRefs(pin)).toBe(1024);
  expect(holderRefs(pin, true)).toBe(1);
  expect(holderRefs(pin, false, true)).toBe(1);
  expect(holderRefs(pin, false, false)).toBe(1024);
  expect(folioHolderRefs(folio(0, [pin]), pin)).toBe(1024);
  expect(folioHolderRefs(folio(1, [pin]), pin)).toBe(1);
  expect(folioHolderRefs({ ...folio(0, [pin]), pinCountsLikeGet: true }, pin)).toBe(1);
  expect(folioHolderRefs({ ...folio(0, [pin]), pinCountsLikeGet: false }, pin)).toBe(1024);
  expect(folio_ref_count({ ...folio(0, [alloc, pin]), pinCountsLikeGet: true })).toBe(2);
});

test('folio_ref_count is the holders sum wrapped to signed 32 bits', () => {
  expect(folio_ref_count(folio(0, [alloc]))).toBe(1);
  expect(folio_ref_count(folio(0, [alloc, ...gets(3, 4)]))).toBe(8);
  expect(folio_ref_count(folio(0, [alloc, ...gets(INT_MAX)]))).toBe(INT_MIN);
  expect(folio_ref_count(folio(0, [alloc, ...gets(INT_MAX, INT_MAX)]))).toBe(-1);
  expect(folio_ref_count(folio(0, [alloc, ...gets(INT_MAX, INT_MAX, 1)]))).toBe(0);
  expect(folio_ref_count(folio(0, [...gets(INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX)]))).toBe(INT_MAX - 4);
  expect(folio_ref_count(folio(0, []))).toBe(0);
});

test('folio_maybe_dma_pinned on a small folio: (unsigned)_refcount >= 1024, false positives included', () => {
  expect(folio_maybe_dma_pinned(folio(0, [alloc, ...gets(1022)]))).toBe(false); // 1023
  expect(folio_maybe_dma_pinned(folio(0, [alloc, ...gets(1023)]))).toBe(true); // 1024 plain references
  expect(folio_maybe_dma_pinned(folio(0, [alloc, ...gets(INT_MAX)]))).toBe(true); // negative after wrap
  expect(folio_maybe_dma_pinned(folio(0, [alloc, ...gets(INT_MAX, INT_MAX)]))).toBe(true); // -1 = 0xffffffff
  expect(folio_maybe_dma_pinned(folio(0, [alloc, ...gets(INT_MAX, INT_MAX, 1)]))).toBe(false); // 0
});

test('folio_maybe_dma_pinned on a large folio looks only at _pincount', () => {
  expect(folio_maybe_dma_pinned(folio(1, [alloc, ...gets(1023)]))).toBe(false);
  expect(folio_maybe_dma_pinned(folio(2, [alloc, ...gets(INT_MAX)]))).toBe(false);
  expect(folioPincount(folio(2, [alloc]))).toBe(0);
});

test('folio_test_large and folio_nr_pages', () => {
  expect(folio_test_large(folio(0, []))).toBe(false);
  expect(folio_test_large(folio(1, []))).toBe(true);
  expect(folio_nr_pages(folio(3, []))).toBe(8);
});
