// A fuzzing campaign: generated machines and op sequences in lockstep, fast-check shrinking, then the
// 1-minimal pass. Used by `npm test` (fixed budgets) and by `mmcheck fuzz` (longer campaigns).
import fc from 'fast-check';
import { TRACE_FORMAT } from '../model/api/index.js';
import type { MachineConfig, ProfileName, Trace } from '../model/api/index.js';
import { machineArbFor } from '../generators/machine.js';
import { PROFILES } from '../model/profiles.js';
import { KIND_WEIGHTS, opSequenceArb, PRIVATE_KIND_WEIGHTS, type OpSequence } from '../generators/ops.js';
import { SemanticCoverage } from './coverage.js';
import type { Finding } from './findings.js';
import { runTrace, type Factories } from './lockstep.js';
import { runGenerated } from './generated.js';
import { malformationArb, type Malformation } from '../generators/malformed.js';
import { minimize } from './minimize.js';

export interface FuzzProgress {
  readonly runs: number;
  readonly opsChecked: number;
  readonly elapsedMs: number;
}

export interface FuzzOptions {
  readonly profile: ProfileName;
  readonly seed: number;
  readonly runs?: number;
  readonly timeLimitMs?: number;
  readonly maxOps?: number;
  readonly onProgress?: (p: FuzzProgress) => void;
  readonly shouldStop?: () => boolean;
  /** test-only: systems other than the real spec and impl (the harness self-test) */
  readonly factories?: Factories;
  /** where executed ops and rule events are counted */
  readonly coverage?: SemanticCoverage;
  /** finding ids that do not count as failures (the matrix looks past violations it already has) */
  readonly ignore?: ReadonlySet<string>;
  /** replace one argument of some ops by a malformed value (generators/malformed.ts) */
  readonly malformed?: boolean;
  /** false: stop at the first failing run and report it unshrunk (mutation testing only needs pass/fail) */
  readonly shrink?: boolean;
}

export interface Counterexample {
  /** concrete and 1-minimal, with meta.expect / seed / path */
  readonly trace: Trace;
  readonly finding: Finding;
  readonly seed: number;
  readonly path: string;
  /** concrete ops of the failing run before shrinking */
  readonly generatedLength: number;
}

export interface FuzzOutcome {
  readonly seed: number;
  readonly runs: number;
  readonly opsChecked: number;
  readonly elapsedMs: number;
  /** time until the first failing run, before shrinking */
  readonly firstFailureMs?: number;
  readonly counterexample?: Counterexample;
}

const PROGRESS_EVERY_MS = 5000;

export function fuzz(opts: FuzzOptions): FuzzOutcome {
  const t0 = performance.now();
  let runs = 0;
  let opsChecked = 0;
  let lastProgress = t0;
  let firstFailureLength = 0;
  let firstFailureMs: number | undefined;
  const ignore = opts.ignore ?? new Set<string>();
  const priv = PROFILES[opts.profile].privateNodes !== null;
  const maxOps = opts.maxOps ?? 40;
  // a constant draws nothing, so campaigns without malformations replay the same runs as before
  const malformations = opts.malformed ? fc.array(malformationArb, { maxLength: maxOps, size: 'max' }) : fc.constant([]);
  const property = fc.property(machineArbFor(priv), opSequenceArb(maxOps, priv ? PRIVATE_KIND_WEIGHTS : KIND_WEIGHTS), malformations, (machine: MachineConfig, seq: OpSequence, bad: readonly (Malformation | null)[]) => {
    if (opts.shouldStop?.()) return true;
    const { run, ops, failed } = runGenerated(machine, seq, opts.profile, opts.factories, ignore, bad);
    runs += 1;
    opsChecked += ops.length;
    opts.coverage?.addRun(run.steps);
    const now = performance.now();
    if (opts.onProgress && now - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now;
      opts.onProgress({ runs, opsChecked, elapsedMs: now - t0 });
    }
    if (failed && firstFailureLength === 0) {
      firstFailureLength = ops.length;
      firstFailureMs = now - t0;
    }
    return !failed;
  });
  const details = fc.check(property, {
    seed: opts.seed,
    numRuns: opts.runs ?? 2 ** 30,
    endOnFailure: opts.shrink === false,
    ...(opts.timeLimitMs !== undefined ? { interruptAfterTimeLimit: opts.timeLimitMs, markInterruptAsFailure: false } : {}),
  });
  const base = { seed: opts.seed, runs, opsChecked };
  if (!details.failed || !details.counterexample) return { ...base, elapsedMs: performance.now() - t0 };

  const [machine, seq, bad] = details.counterexample;
  const { run, ops } = runGenerated(machine, seq, opts.profile, opts.factories, ignore, bad);
  const firstFound = [...run.violations, ...run.divergences].filter((f) => !ignore.has(f.id)).sort((a, b) => a.step - b.step)[0] as Finding;
  const path = details.counterexamplePath ?? '';
  if (opts.shrink === false) {
    const trace: Trace = { format: TRACE_FORMAT, profile: opts.profile, machine, ops, meta: { expect: firstFound.id, seed: opts.seed, path } };
    return { ...base, elapsedMs: performance.now() - t0, counterexample: { trace, finding: firstFound, seed: opts.seed, path, generatedLength: ops.length } };
  }
  const minimal = minimize({ format: TRACE_FORMAT, profile: opts.profile, machine, ops }, firstFound.id, opts.factories);
  const rerun = runTrace(minimal, { stopWhen: (f) => f.id === firstFound.id, ...(opts.factories ? { factories: opts.factories } : {}) });
  const finding = [...rerun.violations, ...rerun.divergences].find((f) => f.id === firstFound.id) ?? firstFound;
  const trace: Trace = { ...minimal, meta: { expect: finding.id, seed: opts.seed, path } };
  return {
    ...base,
    elapsedMs: performance.now() - t0,
    ...(firstFailureMs !== undefined ? { firstFailureMs } : {}),
    counterexample: { trace, finding, seed: opts.seed, path, generatedLength: firstFailureLength },
  };
}
