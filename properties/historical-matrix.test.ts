// The historical profiles: with fixed seeds, the fuzzer must find each profile's documented bug on its
// own (DESIGN.md §6, issue "historical profiles"), shrink it to a 1-minimal trace, and find nothing
// outside the profile's expected and known violations.
import { expect, test } from 'vitest';
import type { ProfileName } from '../model/api/index.js';
import { runMatrix } from './matrix.js';

const HISTORICAL: ProfileName[] = ['linux-5.6', 'linux-5.7', 'linux-5.10', 'tatashin-v3', 'isolate-merge'];
/** fixed, whatever CI says: the matrix is a statement about these seeds */
const SEED = 5;

test('historical profiles: each violates its documented invariant, found and shrunk by the fuzzer', () => {
  const t0 = performance.now();
  const r = runMatrix({ profiles: HISTORICAL, seed: SEED, runs: 600, maxOps: 60, onProgress: (l) => console.log(`[mmcheck] ${l}`) });
  console.log(`[mmcheck] historical matrix: seed ${SEED}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const c of r.cells.filter((x) => x.status === 'violated')) {
    console.log(`[mmcheck]   ${c.profile} ${c.invariant}: ${c.length} ops (from ${c.generatedLength}), ${c.timeToFindMs} ms, ${c.file}`);
  }
  expect(r.cells.filter((c) => !c.ok).map((c) => `${c.profile} ${c.invariant}: ${c.status}, expected ${c.expected}: ${c.message ?? ''}`)).toEqual([]);
});
