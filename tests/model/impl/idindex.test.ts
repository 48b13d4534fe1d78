// IdIndex: small non-negative integer ids in a dense table, every other id (negative, fractional,
// 1024 and above) in a Map; the first occurrence of a duplicate wins.
import { describe, expect, test } from 'vitest';
import { IdIndex } from '../../../model/impl/idindex.js';

describe('IdIndex', () => {
  test('dense and sparse ids, duplicates, unknown ids', () => {
    const ix = new IdIndex([5, -1, 1024, 0.5, 5, 2000, 1023, 0]);
    expect(ix.get(5)).toBe(0);
    expect(ix.get(-1)).toBe(1);
    expect(ix.get(1024)).toBe(2);
    expect(ix.get(0.5)).toBe(3);
    expect(ix.get(2000)).toBe(5);
    expect(ix.get(1023)).toBe(6);
    expect(ix.get(0)).toBe(7);
    for (const id of [1, 3, 4, 6, 7, 1022, 1025, -2, 1.5, NaN]) expect(ix.get(id)).toBe(-1);
  });

  test('only large or negative ids', () => {
    const ix = new IdIndex([1024, -3]);
    expect(ix.get(1024)).toBe(0);
    expect(ix.get(-3)).toBe(1);
    expect(ix.get(0)).toBe(-1);
    expect(new IdIndex([]).get(0)).toBe(-1);
  });
});
