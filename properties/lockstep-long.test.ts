// The same property over long sequences, where memory runs out, fragments and coalesces again.
import { expect, test } from 'vitest';
import { runSuite } from './suite.js';

test('linux-6.12: spec and impl agree and every invariant holds (long sequences)', () => {
  const r = runSuite('long sequences', 'linux-6.12', 4000, 150, 1);
  console.log(r.coverage.table());
  expect(r.report ?? 'no counterexample').toBe('no counterexample');
  expect(r.coverage.shortfalls()).toEqual([]);
});
