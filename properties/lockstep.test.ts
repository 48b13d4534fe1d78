// The main property: on generated machines, spec and impl agree on every result and on the full
// state, and every invariant holds after every op (short sequences, many machines).
import { expect, test } from 'vitest';
import { SHORT_RUN_MINIMUMS } from './coverage.js';
import { runSuite } from './suite.js';

test('linux-6.12: spec and impl agree and every invariant holds (short sequences)', () => {
  const r = runSuite('short sequences', 'linux-6.12', 15000, 25);
  console.log(r.coverage.table(SHORT_RUN_MINIMUMS));
  expect(r.report ?? 'no counterexample').toBe('no counterexample');
  expect(r.coverage.shortfalls(SHORT_RUN_MINIMUMS)).toEqual([]);
});
