// Shared body of the property suites run by `npm test`: a fixed-budget fuzz campaign that prints
// its seed and op count, and on failure reports the 1-minimal counterexample and where it was saved.
import type { ProfileName } from '../model/api/index.js';
import { SemanticCoverage } from './coverage.js';
import { fuzz, type Counterexample } from './fuzz.js';
import { suiteSeed } from './seed.js';
import { reportCounterexample } from './report.js';

export interface SuiteResult {
  readonly seed: number;
  readonly runs: number;
  readonly opsChecked: number;
  readonly coverage: SemanticCoverage;
  readonly counterexample?: Counterexample;
  /** human-readable failure report (step table and file paths) */
  readonly report?: string;
}

export function runSuite(name: string, profile: ProfileName, runs: number, maxOps: number, seedOffset = 0): SuiteResult {
  // seedOffset keeps the suites' sequences apart while one MMCHECK_SEED reproduces both
  const seed = (suiteSeed() + seedOffset) | 0;
  const coverage = new SemanticCoverage();
  const out = fuzz({ profile, seed, runs, maxOps, coverage });
  console.log(`[mmcheck] ${name}: seed ${seed}, ${out.runs} runs, ${out.opsChecked} ops checked in ${(out.elapsedMs / 1000).toFixed(1)} s (replay with MMCHECK_SEED=${seed - seedOffset})`);
  const base = { seed, runs: out.runs, opsChecked: out.opsChecked, coverage };
  if (!out.counterexample) return base;
  return { ...base, counterexample: out.counterexample, report: reportCounterexample(out.counterexample).text };
}
