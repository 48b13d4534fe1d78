// `mmcheck fuzz [--profile NAME] [--runs N | --minutes M] [--seed S] [--workers W] [--max-ops N] [--out DIR]`
import { randomInt } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { ProfileName } from '../../model/api/index.js';
import { DEFAULT_PROFILE } from '../../model/profiles.js';
import { fuzz, type Counterexample, type FuzzOutcome, type FuzzProgress } from '../../properties/fuzz.js';
import { saveCounterexample } from '../../properties/report.js';
import { formatStepTable } from '../render/text.js';
import { CliError, intFlag, numberFlag, parseArgs, profileFlag, stringFlag, type Io } from './args.js';
import type { WorkerMessage, WorkerRequest } from './fuzz-worker.js';

export const FUZZ_FLAGS = {
  '--profile': 'value',
  '--runs': 'value',
  '--minutes': 'value',
  '--seed': 'value',
  '--workers': 'value',
  '--max-ops': 'value',
  '--out': 'value',
} as const;

/** The seed CI uses when none is given (reproducible runs). */
export const CI_FUZZ_SEED = 42;
export const CI_FUZZ_RUNS = 2000;
const PROGRESS_EVERY_MS = 5000;
const SEED_MIN = -(2 ** 31);
const SEED_MAX = 2 ** 31 - 1;

export interface FuzzPlan {
  readonly profile: ProfileName;
  readonly seed: number;
  readonly runs?: number;
  readonly timeLimitMs?: number;
  readonly maxOps?: number;
  readonly workers: number;
  readonly outDir?: string;
}

/** Flags and environment -> what to run. `env.CI === 'true'` fixes the seed and the budget. */
export function planFuzz(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): FuzzPlan {
  const args = parseArgs('fuzz', argv, FUZZ_FLAGS);
  if (args.positionals.length > 0) throw new CliError(`fuzz: unexpected argument '${args.positionals[0]}'`);
  const ci = env.CI === 'true';
  const runsFlag = intFlag(args, '--runs', 1, 2 ** 30);
  const minutes = numberFlag(args, '--minutes', 0);
  if (runsFlag !== undefined && minutes !== undefined) throw new CliError('fuzz: give --runs or --minutes, not both');
  const seed = intFlag(args, '--seed', SEED_MIN, SEED_MAX) ?? (ci ? CI_FUZZ_SEED : randomInt(0, 2 ** 31));
  const maxOps = intFlag(args, '--max-ops', 1, 100_000);
  const outDir = stringFlag(args, '--out');
  const budget =
    runsFlag !== undefined ? { runs: runsFlag }
    : minutes !== undefined ? { timeLimitMs: Math.round(minutes * 60_000) }
    : ci ? { runs: CI_FUZZ_RUNS }
    : { timeLimitMs: 60_000 };
  return {
    profile: profileFlag(args) ?? DEFAULT_PROFILE,
    seed,
    ...budget,
    ...(maxOps !== undefined ? { maxOps } : {}),
    workers: intFlag(args, '--workers', 1, 256) ?? 1,
    ...(outDir !== undefined ? { outDir } : {}),
  };
}

/** Worker k's share: seed S+k and an equal part of the runs (or the same time limit). */
export function workerRequests(plan: FuzzPlan): WorkerRequest[] {
  const base = { profile: plan.profile, ...(plan.maxOps !== undefined ? { maxOps: plan.maxOps } : {}) };
  const out: WorkerRequest[] = [];
  for (let k = 0; k < plan.workers; k++) {
    const seed = (plan.seed + k) | 0;
    if (plan.runs !== undefined) {
      const runs = Math.floor(plan.runs / plan.workers) + (k < plan.runs % plan.workers ? 1 : 0);
      if (runs > 0) out.push({ ...base, seed, runs });
    } else {
      out.push({ ...base, seed, ...(plan.timeLimitMs !== undefined ? { timeLimitMs: plan.timeLimitMs } : {}) });
    }
  }
  return out;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (ops: number, ms: number) => `${Math.round(ops / Math.max(ms / 1000, 1e-3))} ops/s`;

function progressLine(p: FuzzProgress): string {
  return `[fuzz] ${seconds(p.elapsedMs)}: ${p.runs} runs, ${p.opsChecked} ops checked, ${rate(p.opsChecked, p.elapsedMs)}`;
}

function describePlan(plan: FuzzPlan): string {
  const budget = plan.runs !== undefined ? `${plan.runs} runs` : `${(plan.timeLimitMs ?? 0) / 60_000} min`;
  const workers = plan.workers === 1 ? '1 worker' : `${plan.workers} workers (seeds ${plan.seed}..${(plan.seed + plan.workers - 1) | 0})`;
  return `mmcheck fuzz: seed ${plan.seed} (profile ${plan.profile}, ${budget}, ${workers}${plan.maxOps !== undefined ? `, up to ${plan.maxOps} ops` : ''})`;
}

export interface Totals {
  readonly runs: number;
  readonly opsChecked: number;
  readonly elapsedMs: number;
  readonly counterexample?: Counterexample;
}

function fuzzInProcess(plan: FuzzPlan, io: Io): Totals {
  const [req] = workerRequests(plan);
  const outcome: FuzzOutcome = fuzz({ ...(req as WorkerRequest), onProgress: (p) => io.err(progressLine(p)) });
  return outcome;
}

/**
 * The worker's entry: node does not pass tsx's module hooks on to worker threads, so a small
 * bootstrap registers tsx in the worker before importing fuzz-worker.ts.
 */
function workerBoot(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const target = new URL(`./fuzz-worker${ext}`, import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
}

async function fuzzInWorkers(plan: FuzzPlan, io: Io): Promise<Totals> {
  const t0 = performance.now();
  const requests = workerRequests(plan);
  const latest = requests.map((): FuzzProgress => ({ runs: 0, opsChecked: 0, elapsedMs: 0 }));
  let lastPrint = t0;
  let counterexample: Counterexample | undefined;
  const workers: Worker[] = [];
  const finished = requests.map(
    (req, k) =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(workerBoot(), { eval: true, workerData: req });
        workers.push(w);
        w.on('message', (m: WorkerMessage) => {
          if (m.kind === 'progress') {
            latest[k] = m.progress;
            const now = performance.now();
            if (now - lastPrint >= PROGRESS_EVERY_MS) {
              lastPrint = now;
              const runs = latest.reduce((n, p) => n + p.runs, 0);
              const ops = latest.reduce((n, p) => n + p.opsChecked, 0);
              io.err(progressLine({ runs, opsChecked: ops, elapsedMs: now - t0 }));
            }
            return;
          }
          latest[k] = { runs: m.outcome.runs, opsChecked: m.outcome.opsChecked, elapsedMs: m.outcome.elapsedMs };
          if (m.outcome.counterexample && !counterexample) {
            counterexample = m.outcome.counterexample;
            for (const other of workers) if (other !== w) void other.terminate();
          }
          resolve();
        });
        w.on('error', (e) => {
          for (const other of workers) void other.terminate();
          reject(e);
        });
        w.on('exit', () => resolve());
      }),
  );
  await Promise.all(finished);
  return {
    runs: latest.reduce((n, p) => n + p.runs, 0),
    opsChecked: latest.reduce((n, p) => n + p.opsChecked, 0),
    elapsedMs: performance.now() - t0,
    ...(counterexample ? { counterexample } : {}),
  };
}

/** Save a counterexample (JSON, Markdown, SVG) and print its step table and the file paths. */
export function reportFuzzCounterexample(cx: Counterexample, io: Io, outDir?: string): string[] {
  const { run, written } = saveCounterexample(cx, outDir);
  io.out(`counterexample: ${cx.finding.id} at step ${cx.finding.step}: ${cx.finding.message}`);
  io.out(`shrunk from ${cx.generatedLength} to ${cx.trace.ops.length} ops (seed ${cx.seed}, path ${JSON.stringify(cx.path)})`);
  io.out('');
  for (const line of formatStepTable(run, cx.trace.machine)) io.out(line);
  io.out('');
  io.out('saved:');
  for (const p of written.paths) io.out(`  ${p}`);
  io.out(`replay: ${written.replay}`);
  return [...written.paths];
}

export async function fuzzCommand(argv: readonly string[], io: Io, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  const plan = planFuzz(argv, env);
  io.out(describePlan(plan));
  const totals = plan.workers > 1 ? await fuzzInWorkers(plan, io) : fuzzInProcess(plan, io);
  const summary = `${totals.runs} runs, ${totals.opsChecked} ops checked in ${seconds(totals.elapsedMs)} (${rate(totals.opsChecked, totals.elapsedMs)})`;
  if (totals.counterexample) {
    io.out(`found a counterexample after ${summary}`);
    reportFuzzCounterexample(totals.counterexample, io, plan.outDir);
    return 1;
  }
  io.out(`no counterexample: ${summary}, seed ${plan.seed}`);
  return 0;
}
