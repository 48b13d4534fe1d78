import { expect, test } from 'vitest';
import { deepEqual, firstDifference } from '../../properties/diff.js';

test('equal structures have no difference', () => {
  expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
  expect(firstDifference({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBeUndefined();
});

test('the first difference is named by its JSON path with both values', () => {
  expect(firstDifference({ zones: [{ nrFree: [1, 2] }] }, { zones: [{ nrFree: [1, 3] }] }, 'state')).toBe('state.zones[0].nrFree[1]: spec 2, impl 3');
  expect(firstDifference({ ret: 0 }, { ret: 0, pages: [] }, 'result')).toBe('result.pages: spec absent, impl []');
  expect(firstDifference([1, 2], [1], 'x')).toBe('x[1]: spec 2, impl absent');
  expect(firstDifference(1, '1')).toBe('(root): spec 1, impl "1"');
});

test('a key that holds undefined on one side only still counts as a difference', () => {
  expect(deepEqual({ a: undefined }, {})).toBe(false);
  expect(firstDifference({ a: undefined }, {}, 'r')).toBe('r: spec keys [a], impl keys []');
});

test('an equal element before the differing one is skipped', () => {
  expect(firstDifference({ zones: [{ a: 1 }, { a: 2 }] }, { zones: [{ a: 1 }, { a: 3 }] }, 's')).toBe('s.zones[1].a: spec 2, impl 3');
});
