// The profile × invariant matrix (DESIGN.md §8): for each profile, fuzz until no new invariant is
// violated; each violation is shrunk to a 1-minimal trace the fuzzer found on its own and saved.
// A profile matches its expectation when it violates exactly its `expectedViolations`, give or take
// its documented `knownViolations`.
import type { ProfileName } from '../model/api/index.js';
import { PROFILES } from '../model/profiles.js';
import { SemanticCoverage } from './coverage.js';
import { DIVERGENCE_IDS } from './findings.js';
import { fuzz } from './fuzz.js';
import { INVARIANTS } from './invariants/index.js';
import { reportCounterexample } from './report.js';

/** Every id a cell can be about: the invariants, then the spec/impl comparisons. */
export const MATRIX_IDS: readonly string[] = [...INVARIANTS.map((i) => i.id), ...DIVERGENCE_IDS, 'model/exception'];

export interface MatrixOptions {
  readonly profiles: readonly ProfileName[];
  readonly seed: number;
  /** generated runs per campaign (a profile runs one campaign per violation found, plus a clean one) */
  readonly runs: number;
  readonly maxOps?: number;
  readonly outDir?: string;
  readonly onProgress?: (line: string) => void;
  /** semantic coverage per profile, filled when given */
  readonly coverage?: Map<ProfileName, SemanticCoverage>;
}

export interface MatrixCell {
  readonly profile: ProfileName;
  readonly invariant: string;
  readonly status: 'holds' | 'violated';
  /** 'either': a known violation (Profile.knownViolations) that the budget may or may not reach */
  readonly expected: 'holds' | 'violated' | 'either';
  readonly ok: boolean;
  /** ops in the 1-minimal counterexample */
  readonly length?: number;
  /** ops of the failing run before shrinking */
  readonly generatedLength?: number;
  /** from the start of the campaign to the first failing run */
  readonly timeToFindMs?: number;
  readonly file?: string;
  readonly message?: string;
}

export interface MatrixResult {
  readonly cells: readonly MatrixCell[];
  readonly ok: boolean;
}

export function runMatrix(opts: MatrixOptions): MatrixResult {
  const cells: MatrixCell[] = [];
  for (const [pi, profile] of opts.profiles.entries()) {
    const found = new Map<string, Omit<MatrixCell, 'profile' | 'invariant' | 'status' | 'expected' | 'ok'>>();
    const coverage = opts.coverage ? (opts.coverage.get(profile) ?? new SemanticCoverage()) : undefined;
    if (coverage) opts.coverage?.set(profile, coverage);
    // one campaign per violation found, each looking past the ones already found
    for (let attempt = 0; attempt <= MATRIX_IDS.length; attempt++) {
      const seed = (opts.seed + 1000 * pi + attempt) | 0;
      const out = fuzz({
        profile,
        seed,
        runs: opts.runs,
        maxOps: opts.maxOps ?? 60,
        ignore: new Set(found.keys()),
        ...(coverage ? { coverage } : {}),
      });
      const cx = out.counterexample;
      if (!cx) {
        opts.onProgress?.(`${profile}: clean after ${out.runs} runs, ${out.opsChecked} ops (seed ${seed})`);
        break;
      }
      const file = reportCounterexample(cx, opts.outDir).json;
      found.set(cx.finding.id, {
        length: cx.trace.ops.length,
        generatedLength: cx.generatedLength,
        timeToFindMs: Math.round(out.firstFailureMs ?? out.elapsedMs),
        message: cx.finding.message,
        ...(file ? { file } : {}),
      });
      opts.onProgress?.(`${profile}: ${cx.finding.id} violated, ${cx.trace.ops.length} ops (from ${cx.generatedLength}), found in ${((out.firstFailureMs ?? 0) / 1000).toFixed(1)} s (seed ${seed})`);
    }
    const expected = new Set(PROFILES[profile].expectedViolations);
    const known = new Set(PROFILES[profile].knownViolations);
    for (const id of MATRIX_IDS) {
      const hit = found.get(id);
      const status = hit ? 'violated' : 'holds';
      const exp = expected.has(id) ? 'violated' : known.has(id) ? 'either' : 'holds';
      cells.push({ profile, invariant: id, status, expected: exp, ok: exp === 'either' || status === exp, ...(hit ?? {}) });
    }
  }
  return { cells, ok: cells.every((c) => c.ok) };
}
