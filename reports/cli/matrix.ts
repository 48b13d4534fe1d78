// `mmcheck matrix [--profiles a,b,...] [--json] [--runs N] [--seed S] [--max-ops N] [--out DIR]`:
// every profile × invariant, `holds` within the budget or `violated` with the 1-minimal
// counterexample the fuzzer found on its own; exit 0 when every profile violates exactly its
// expectedViolations (model/profiles.ts), 1 otherwise, 2 for bad arguments.
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ProfileName } from '../../model/api/index.js';
import { PROFILES, isProfileName } from '../../model/profiles.js';
import { runMatrix, type MatrixCell, type MatrixOptions, type MatrixResult } from '../../properties/matrix.js';
import { unknownProfileMessage } from '../trace/index.js';
import { CliError, booleanFlag, intFlag, parseArgs, stringFlag, type Io } from './args.js';
import { CI_FUZZ_SEED } from './fuzz.js';

export const MATRIX_FLAGS = {
  '--profiles': 'value',
  '--json': 'boolean',
  '--runs': 'value',
  '--seed': 'value',
  '--max-ops': 'value',
  '--out': 'value',
} as const;

/** Generated runs per profile campaign when --runs is not given. */
export const MATRIX_DEFAULT_RUNS = 1500;
const SEED_MIN = -(2 ** 31);
const SEED_MAX = 2 ** 31 - 1;

export interface MatrixPlan {
  readonly profiles: readonly ProfileName[];
  readonly seed: number;
  readonly runs: number;
  readonly json: boolean;
  readonly maxOps?: number;
  readonly outDir?: string;
}

/** `a,b,...` → known, distinct profile names (CliError otherwise). */
export function parseProfileList(v: string): ProfileName[] {
  const names = v.split(',').map((s) => s.trim());
  const out: ProfileName[] = [];
  for (const name of names) {
    if (name === '') throw new CliError(`--profiles: expected a comma-separated list of profiles, got '${v}'`);
    if (!isProfileName(name)) throw new CliError(`--profiles: ${unknownProfileMessage(name)}`);
    if (out.includes(name)) throw new CliError(`--profiles: ${name} given twice`);
    out.push(name);
  }
  return out;
}

/** Flags and environment → what to run. Seeds as for fuzz: --seed, else 42 under CI=true, else a fresh one. */
export function planMatrix(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): MatrixPlan {
  const args = parseArgs('matrix', argv, MATRIX_FLAGS);
  if (args.positionals.length > 0) throw new CliError(`matrix: unexpected argument '${args.positionals[0]}'`);
  const list = stringFlag(args, '--profiles');
  const seed = intFlag(args, '--seed', SEED_MIN, SEED_MAX) ?? (env.CI === 'true' ? CI_FUZZ_SEED : randomInt(0, 2 ** 31));
  const maxOps = intFlag(args, '--max-ops', 1, 100_000);
  const outDir = stringFlag(args, '--out');
  return {
    profiles: list !== undefined ? parseProfileList(list) : (Object.keys(PROFILES) as ProfileName[]),
    seed,
    runs: intFlag(args, '--runs', 1, 2 ** 30) ?? MATRIX_DEFAULT_RUNS,
    json: booleanFlag(args, '--json'),
    ...(maxOps !== undefined ? { maxOps } : {}),
    ...(outDir !== undefined ? { outDir } : {}),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** `holds`, or `violated (3 ops, 0.4 s, reports/out/x.json)` (the parts the cell has). */
export function formatCell(c: Pick<MatrixCell, 'status' | 'length' | 'timeToFindMs' | 'file'>): string {
  if (c.status === 'holds') return 'holds';
  const parts = [
    c.length !== undefined ? `${c.length} ${c.length === 1 ? 'op' : 'ops'}` : '',
    c.timeToFindMs !== undefined ? seconds(c.timeToFindMs) : '',
    c.file ?? '',
  ].filter((s) => s !== '');
  return parts.length === 0 ? 'violated' : `violated (${parts.join(', ')})`;
}

/** The profile × invariant table: one row per profile and invariant, mismatches marked `!!`. */
export function formatMatrixTable(cells: readonly MatrixCell[]): string[] {
  const profileWidth = Math.max('profile'.length, ...cells.map((c) => c.profile.length));
  const invWidth = Math.max('invariant'.length, ...cells.map((c) => c.invariant.length));
  const lines = [`${'profile'.padEnd(profileWidth)}  ${'invariant'.padEnd(invWidth)}  result`];
  let last = '';
  for (const c of cells) {
    const profile = c.profile === last ? '' : c.profile;
    last = c.profile;
    const mark = !c.ok ? `   !! expected ${c.expected}` : c.expected === 'either' ? '   (known finding)' : '';
    lines.push(`${profile.padEnd(profileWidth)}  ${c.invariant.padEnd(invWidth)}  ${formatCell(c)}${mark}`.trimEnd());
  }
  return lines;
}

/** Per profile: `linux-6.12: ok (expected: no violation)` or what differs. */
export function formatVerdicts(cells: readonly MatrixCell[]): string[] {
  const profiles = [...new Set(cells.map((c) => c.profile))];
  return profiles.map((p) => {
    const mine = cells.filter((c) => c.profile === p);
    const expected = mine.filter((c) => c.expected === 'violated').map((c) => c.invariant);
    const known = mine.filter((c) => c.expected === 'either').map((c) => `${c.invariant} ${c.status === 'violated' ? 'found' : 'not reached'}`);
    const exp = (expected.length === 0 ? 'no violation' : expected.join(', ')) + (known.length > 0 ? `; known finding: ${known.join(', ')}` : '');
    const bad = mine.filter((c) => !c.ok);
    if (bad.length === 0) return `${p}: ok (expected: ${exp})`;
    const what = bad.map((c) => (c.status === 'violated' ? `${c.invariant} violated unexpectedly` : `${c.invariant} expected violated but held`));
    return `${p}: MISMATCH (expected: ${exp}): ${what.join('; ')}`;
  });
}

/** The `## Steps` section of a saved counterexample report (the step table), or undefined. */
export function stepsSection(markdown: string): string[] | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Steps');
  if (start < 0) return undefined;
  let end = lines.findIndex((l, k) => k > start && l.startsWith('## '));
  if (end < 0) end = lines.length;
  const body = lines.slice(start + 1, end);
  while (body.length > 0 && body[0]?.trim() === '') body.shift();
  while (body.length > 0 && body[body.length - 1]?.trim() === '') body.pop();
  return body;
}

/** The .md saved next to a counterexample's .json. */
export function markdownPathOf(file: string): string {
  return file.endsWith('.json') ? `${file.slice(0, -'.json'.length)}.md` : `${file}.md`;
}

export type ReadText = (path: string) => string;

/** For each violated cell: what was found, where it is saved, and its step table from the saved .md. */
export function formatCounterexamples(cells: readonly MatrixCell[], read: ReadText): string[] {
  const out: string[] = [];
  for (const c of cells.filter((x) => x.status === 'violated')) {
    const expectation = !c.ok ? `UNEXPECTED (expected ${c.expected})` : c.expected === 'either' ? 'a known finding (Profile.knownViolations)' : 'expected';
    out.push('', `== ${c.profile} × ${c.invariant}: ${formatCell({ status: c.status, ...(c.length !== undefined ? { length: c.length } : {}), ...(c.timeToFindMs !== undefined ? { timeToFindMs: c.timeToFindMs } : {}) })}, ${expectation}`);
    if (c.message) out.push(`   ${c.message}`);
    if (!c.file) {
      out.push('   (no counterexample file recorded)');
      continue;
    }
    const md = markdownPathOf(c.file);
    out.push(`   saved: ${c.file}, ${md}`, `   replay: npm run -s mmcheck -- replay ${c.file}`);
    let steps: string[] | undefined;
    try {
      steps = stepsSection(read(md));
    } catch {
      out.push(`   (cannot read ${md})`);
      continue;
    }
    if (!steps) out.push(`   (no step table in ${md})`);
    else out.push('', ...steps);
  }
  return out;
}

export type MatrixRunner = (opts: MatrixOptions) => MatrixResult | Promise<MatrixResult>;

export interface MatrixDeps {
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** default: properties/matrix.ts runMatrix (tests pass a stub) */
  readonly run?: MatrixRunner;
  readonly read?: ReadText;
}

export async function matrixCommand(argv: readonly string[], io: Io, deps: MatrixDeps = {}): Promise<number> {
  const plan = planMatrix(argv, deps.env ?? process.env);
  const head = `mmcheck matrix: seed ${plan.seed}, ${plan.runs} runs per campaign, profiles ${plan.profiles.join(', ')}${plan.maxOps !== undefined ? `, up to ${plan.maxOps} ops` : ''}`;
  // --json: stdout holds only the result object; the seed still goes out first, on stderr
  if (plan.json) io.err(head);
  else io.out(head);
  const run = deps.run ?? runMatrix;
  const result = await run({
    profiles: plan.profiles,
    seed: plan.seed,
    runs: plan.runs,
    ...(plan.maxOps !== undefined ? { maxOps: plan.maxOps } : {}),
    ...(plan.outDir !== undefined ? { outDir: plan.outDir } : {}),
    onProgress: (line) => io.err(`[matrix] ${line}`),
  });
  const ok = result.ok && result.cells.every((c) => c.ok);
  if (plan.json) {
    io.out(JSON.stringify({ cells: result.cells, ok }));
    return ok ? 0 : 1;
  }
  io.out('');
  for (const line of formatMatrixTable(result.cells)) io.out(line);
  io.out('');
  for (const line of formatVerdicts(result.cells)) io.out(line);
  for (const line of formatCounterexamples(result.cells, deps.read ?? ((p) => readFileSync(p, 'utf8')))) io.out(line);
  io.out('');
  const bad = result.cells.filter((c) => !c.ok).length;
  io.out(ok ? 'matrix ok: every profile violates exactly its expected invariants' : `matrix MISMATCH: ${bad} ${bad === 1 ? 'cell differs' : 'cells differ'} from the expectation`);
  return ok ? 0 : 1;
}
