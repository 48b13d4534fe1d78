// The property part of `npm run mutants` (Stryker, vitest.mutants.config.ts): short fixed-seed
// lockstep campaigns over every profile, no shrinking, so a mutant in model/spec or model/impl is
// killed by the first run where the two implementations disagree or an invariant breaks. The full
// campaigns of `npm test` (properties/*.test.ts) take 90 s; this one takes seconds, and Stryker runs
// it once per mutant. A profile's expected and known violations do not count here: the historical
// and private matrices assert those, and the regression traces replay them.
import { expect, test } from 'vitest';
import type { ProfileName } from '../../model/api/index.js';
import { PROFILES } from '../../model/profiles.js';
import { fuzz } from '../fuzz.js';
import { CI_SEED } from '../seed.js';

/**
 * runs × max ops per campaign; linux-6.12 also gets a long-sequence campaign (exhaustion, coalescing)
 * and, with private-nodes-v4, one with malformed arguments (properties/lockstep-malformed.test.ts)
 */
const BUDGET: Record<'short' | 'long' | 'other' | 'malformed', readonly [number, number]> = {
  short: [60, 25],
  long: [6, 150],
  other: [20, 40],
  malformed: [60, 30],
};

function campaign(profile: ProfileName, [runs, maxOps]: readonly [number, number], seedOffset: number, malformed = false): string {
  const p = PROFILES[profile];
  const ignore = new Set([...p.expectedViolations, ...p.knownViolations]);
  const out = fuzz({ profile, seed: CI_SEED + seedOffset, runs, maxOps, ignore, shrink: false, malformed });
  const cx = out.counterexample;
  return cx ? `${profile}: ${cx.finding.id} at op ${cx.finding.step}: ${cx.finding.message}` : 'clean';
}

test('linux-6.12 short sequences', () => {
  expect(campaign('linux-6.12', BUDGET.short, 0)).toBe('clean');
});

test('linux-6.12 long sequences', () => {
  expect(campaign('linux-6.12', BUDGET.long, 1)).toBe('clean');
});

test('linux-6.12 malformed arguments', () => {
  expect(campaign('linux-6.12', BUDGET.malformed, 20, true)).toBe('clean');
});

test('private-nodes-v4 malformed arguments', () => {
  expect(campaign('private-nodes-v4', BUDGET.malformed, 21, true)).toBe('clean');
});

for (const [i, profile] of (Object.keys(PROFILES) as ProfileName[]).filter((n) => n !== 'linux-6.12').entries()) {
  test(`${profile}`, () => {
    expect(campaign(profile, BUDGET.other, 2 + i)).toBe('clean');
  });
}
