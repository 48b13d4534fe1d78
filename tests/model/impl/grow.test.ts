// growInt32 / growUint8: the length doubles (at least 16) until index `need` fits; contents are kept.
import { describe, expect, test } from 'vitest';
import { growInt32, growUint8 } from '../../../model/impl/grow.js';

describe('grow', () => {
  test('growInt32: twice the length, at least 16, doubled until index need fits, contents kept', () => {
    const small = growInt32(Int32Array.from([7, -8, 9]), 0);
    expect(small.length).toBe(16);
    expect(Array.from(small.subarray(0, 4))).toEqual([7, -8, 9, 0]);
    expect(growInt32(new Int32Array(100), 10).length).toBe(200);
    expect(growInt32(new Int32Array(100), 199).length).toBe(200);
    expect(growInt32(new Int32Array(100), 200).length).toBe(400);
    expect(growInt32(new Int32Array(16), 64).length).toBe(128);
    expect(growInt32(new Int32Array(16), 100).length).toBe(128);
  });

  test('growUint8: the same rule', () => {
    const small = growUint8(Uint8Array.from([1, 2, 3]), 0);
    expect(small.length).toBe(16);
    expect(Array.from(small.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    expect(growUint8(new Uint8Array(100), 10).length).toBe(200);
    expect(growUint8(new Uint8Array(100), 200).length).toBe(400);
    expect(growUint8(new Uint8Array(16), 64).length).toBe(128);
    expect(growUint8(new Uint8Array(16), 100).length).toBe(128);
  });
});
