// Malformed arguments (generators/malformed.ts): generated ops with one argument replaced by a value
// a trace may still hold (negative, zero, one past the end, a dead handle or one of the wrong kind,
// a node that does not exist, an unknown flag name). Spec and impl must give the same errno and leave
// the same state, and every invariant must hold; this reaches the argument checks that well-formed
// generated ops never do.
import { expect, test } from 'vitest';
import type { ProfileName } from '../model/api/index.js';
import { PROFILES } from '../model/profiles.js';
import { fuzz } from './fuzz.js';
import { reportCounterexample } from './report.js';
import { suiteSeed } from './seed.js';

for (const [i, profile] of (['linux-6.12', 'private-nodes-v4'] as ProfileName[]).entries()) {
  test(`${profile}: spec and impl agree on malformed arguments`, () => {
    const seed = (suiteSeed() + 7 + i) | 0;
    const p = PROFILES[profile];
    const out = fuzz({ profile, seed, runs: 1500, maxOps: 30, malformed: true, ignore: new Set(p.knownViolations) });
    console.log(`[mmcheck] malformed arguments, ${profile}: seed ${seed}, ${out.runs} runs, ${out.opsChecked} ops checked in ${(out.elapsedMs / 1000).toFixed(1)} s`);
    const cx = out.counterexample;
    expect(cx ? reportCounterexample(cx).text : 'no counterexample').toBe('no counterexample');
  });
}
