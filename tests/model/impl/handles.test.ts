// HandleTable: growable handle tables, liveness of GUP / pin handles through their pool entries, pool
// reservation and compaction (live entries to the front, creation order), and parseHandle.
import { describe, expect, test } from 'vitest';
import type { FolioTable } from '../../../model/impl/folios.js';
import { CHAR_C, CHAR_G, CHAR_K, CHAR_U, CHAR_V, HandleTable, parseHandle } from '../../../model/impl/handles.js';

/** a FolioTable stand-in: the folio ids in `live` are allocated; k-handle k is live when k is */
function folios(live: Set<number>): FolioTable {
  return { alive: (id: number) => live.has(id), liveK: (k: number) => (live.has(k) ? k : 0) } as unknown as FolioTable;
}

/** reserve n pool entries and fill them: folio id `serial`, pfns pfn0, pfn0+1, ... */
function fill(h: HandleTable, n: number, serial: number, pfn0: number): number {
  const off = h.reserve(n);
  for (let i = 0; i < n; i++) {
    h.poolSerial[off + i] = serial;
    h.poolPfn[off + i] = pfn0 + i;
  }
  return off;
}

function range(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

describe('HandleTable', () => {
  test('v, c and u tables grow past their first 1024 slots, and only when full', () => {
    const h = new HandleTable(folios(new Set()));
    for (let i = 1; i <= 1100; i++) {
      expect(h.newV()).toBe(i);
      expect(h.newC()).toBe(i);
      expect(h.newPin(0, 0)).toBe(i);
      // a table grows when its next number does not fit, not before
      expect(h.cLive.length).toBe(i < 1024 ? 1024 : 2048);
      expect(h.vLive.length).toBe(i < 1024 ? 1024 : 2048);
      expect(h.uOff.length).toBe(i < 1024 ? 1024 : 2048);
    }
    for (const n of [1, 1023, 1024, 1025, 1100]) {
      expect(h.liveV(n)).toBe(true);
      expect(h.liveC(n)).toBe(true);
      expect(h.liveU(n)).toBe(true);
    }
    for (const n of [0, -1, 1101]) {
      expect(h.liveV(n)).toBe(false);
      expect(h.liveC(n)).toBe(false);
      expect(h.liveU(n)).toBe(false);
    }
  });

  test('a GUP or pin handle is live while every folio its entries name is allocated, and only its own entries count', () => {
    const h = new HandleTable(folios(new Set([1, 2])));
    const gA = h.newGup(fill(h, 2, 1, 100), 2);
    const gB = h.newGup(fill(h, 1, 9, 200), 1); // folio 9 was freed
    const uA = h.newPin(fill(h, 2, 2, 300), 2);
    const uB = h.newPin(fill(h, 1, 9, 400), 1);
    const gC = h.newGup(fill(h, 2, 1, 500), 2);
    const gP = h.newGetPage(2, 1);
    const gD = h.newGetPage(9, 1);
    expect([gA, gB, gC, gP, gD]).toEqual([1, 2, 3, 4, 5]);
    expect([uA, uB]).toEqual([1, 2]);
    expect([h.liveG(gA), h.liveG(gB), h.liveG(gC), h.liveG(gP), h.liveG(gD)]).toEqual([true, false, true, true, false]);
    expect([h.liveU(uA), h.liveU(uB)]).toEqual([true, false]);
    expect([h.liveG(0), h.liveG(6), h.liveU(0), h.liveU(3)]).toEqual([false, false, false, false]);
  });

  test('reserve grows the pool for a call larger than twice its size', () => {
    const h = new HandleTable(folios(new Set([1])));
    const off = fill(h, 5000, 1, 10_000);
    expect(off).toBe(0);
    const g = h.newGup(off, 5000);
    expect(h.liveG(g)).toBe(true);
    expect(Array.from(h.poolPfn.subarray(4990, 5000))).toEqual(range(14_990, 10));
    expect(h.poolSerial[4999]).toBe(1);
  });

  test('compaction keeps live GUP and pin entries in creation order and retires dead handles for good', () => {
    const live = new Set([1, 5]);
    const h = new HandleTable(folios(live));
    const g1 = h.newGup(fill(h, 300, 9, 0), 300); // dead: folio 9 is not allocated
    const u1 = h.newPin(fill(h, 200, 1, 1300), 200);
    const g2 = h.newGetPage(1, 3); // get_page: gArg holds the 3 references
    const g3 = h.newGup(fill(h, 300, 1, 2500), 300);
    const u2 = h.newPin(fill(h, 100, 9, 3800), 100); // dead
    h.newK(5);
    const v1 = h.newV();
    const c1 = h.newC();
    expect([g1, u1, g2, g3, u2, v1, c1]).toEqual([1, 1, 2, 3, 2, 1, 1]);
    expect(h.poolLen).toBe(900);
    // 900 + 400 entries do not fit in 1024: compact (u1 then g3 to the front), then grow
    const off = fill(h, 400, 1, 7000);
    expect(off).toBe(500);
    const g4 = h.newGup(off, 400);
    expect(h.poolLen).toBe(900);
    expect([h.uOff[u1], h.gArg[g3], h.gArg[g2], h.gLen[g2]]).toEqual([0, 200, 3, 0]);
    expect(Array.from(h.poolPfn.subarray(h.uOff[u1]!, h.uOff[u1]! + 200))).toEqual(range(1300, 200));
    expect(Array.from(h.poolPfn.subarray(h.gArg[g3]!, h.gArg[g3]! + 300))).toEqual(range(2500, 300));
    expect(Array.from(h.poolPfn.subarray(h.gArg[g4]!, h.gArg[g4]! + 400))).toEqual(range(7000, 400));
    expect([h.liveU(u1), h.liveG(g2), h.liveG(g3), h.liveG(g4)]).toEqual([true, true, true, true]);
    // g1 and u2 stay dead although their old offsets now hold entries of live folios
    expect([h.liveG(g1), h.liveU(u2)]).toEqual([false, false]);
    h.prune();
    expect(Array.from(h.seq.subarray(0, h.seqLen), (e) => `${'kgvuc'[e & 7]}${e >>> 3}`)).toEqual(['u1', 'g2', 'g3', 'k5', 'v1', 'c1', 'g4']);
  });

  test('handle numbers stay below 2^28 (seq packs them with a 3-bit kind)', () => {
    const h = new HandleTable(folios(new Set()));
    expect(h.newK((1 << 28) - 1)).toBe((1 << 28) - 1);
    expect(() => h.newK(1 << 28)).toThrow('impl: more than 2^28 handles of one kind');
  });
});

describe('parseHandle', () => {
  test('exactly prefix + a decimal number ≥ 1 without leading zero, at most 0x7fffffff', () => {
    expect(parseHandle('k1', CHAR_K)).toBe(1);
    expect(parseHandle('g42', CHAR_G)).toBe(42);
    expect(parseHandle('v7', CHAR_V)).toBe(7);
    expect(parseHandle('u10', CHAR_U)).toBe(10);
    expect(parseHandle('c3', CHAR_C)).toBe(3);
    expect(parseHandle('k2147483647', CHAR_K)).toBe(2147483647);
    for (const bad of ['k01', 'k0', 'k', '', 'g1', 'K1', 'k1a', 'k-1', 'k 1', 'k2147483648', 'k99999999999', 'k100000000000000000000']) {
      expect(parseHandle(bad, CHAR_K)).toBe(0);
    }
    expect(parseHandle(5 as unknown as string, CHAR_K)).toBe(0);
    expect(parseHandle(null as unknown as string, CHAR_K)).toBe(0);
    expect(parseHandle(['k1'] as unknown as string, CHAR_K)).toBe(0);
  });
});
