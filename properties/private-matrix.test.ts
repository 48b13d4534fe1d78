// The private-node design variants: within this budget the fuzzer must find the v3 leak on its own,
// nothing on zone-pin, and on v4 nothing but its documented known finding (a long-term pin on a
// movable private node blocking offline, model/profiles.ts); the campaigns together must reach every
// private-node path (semantic coverage).
import { expect, test } from 'vitest';
import type { ProfileName } from '../model/api/index.js';
import { PRIVATE_RUN_MINIMUMS, SemanticCoverage } from './coverage.js';
import { runMatrix } from './matrix.js';
import { suiteSeed } from './seed.js';

const PROFILES: ProfileName[] = ['private-nodes-v4', 'private-nodes-v3', 'private-nodes-zone-pin'];

test('private-node variants: zone-pin holds every invariant, v3 leaks through __GFP_THISNODE, v4 shows at most its known finding', () => {
  const seed = suiteSeed();
  const coverage = new Map<ProfileName, SemanticCoverage>();
  const t0 = performance.now();
  const r = runMatrix({ profiles: PROFILES, seed, runs: 1000, maxOps: 80, coverage, onProgress: (l) => console.log(`[mmcheck] ${l}`) });
  const ops = [...coverage.values()].reduce((n, c) => n + c.ops, 0);
  console.log(`[mmcheck] private-node matrix: seed ${seed}, ${ops} ops checked in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const c of r.cells.filter((c) => c.status === 'violated')) console.log(`[mmcheck]   ${c.profile} ${c.invariant}: ${c.length} ops, ${c.file}`);
  // every private campaign runs the same machines and generators: their coverage is counted together
  const all = new SemanticCoverage();
  for (const c of coverage.values()) all.merge(c);
  console.log(all.table(PRIVATE_RUN_MINIMUMS));
  expect(r.cells.filter((c) => !c.ok).map((c) => `${c.profile} ${c.invariant}: ${c.status}, expected ${c.expected} ${c.message ?? ''}`)).toEqual([]);
  expect(all.shortfalls(PRIVATE_RUN_MINIMUMS)).toEqual([]);
});
