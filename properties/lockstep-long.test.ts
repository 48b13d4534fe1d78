// The same property over long sequences, where memory runs out, fragments and coalesces again.
import { expect, test } from 'vitest';
import { LONG_RUN_MINIMUMS } from './coverage.js';
import { runSuite } from './suite.js';

test('linux-6.12: spec and impl agree and every invariant holds (long sequences)', () => {
  const r = runSuite('long sequences', 'linux-6.12', 2500, 150, 1);
  console.log(r.coverage.table(LONG_RUN_MINIMUMS));
  expect(r.report ?? 'no counterexample').toBe('no counterexample');
  expect(r.coverage.shortfalls(LONG_RUN_MINIMUMS)).toEqual([]);
});
