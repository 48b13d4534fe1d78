// `mmcheck matrix`: argument parsing, the table, the verdicts, the counterexample step tables read
// from the saved .md files, --json and the exit codes, all against a stubbed runMatrix.
import { describe, expect, test } from 'vitest';
import type { ProfileName } from '../../model/api/index.js';
import { main } from '../../reports/cli.js';
import type { Io } from '../../reports/cli/args.js';
import {
  MATRIX_DEFAULT_RUNS,
  formatCell,
  formatCounterexamples,
  formatMatrixTable,
  formatVerdicts,
  markdownPathOf,
  matrixCommand,
  parseProfileList,
  planMatrix,
  stepsSection,
  type MatrixRunner,
} from '../../reports/cli/matrix.js';
import type { MatrixCell, MatrixOptions, MatrixResult } from '../../properties/matrix.js';

const ALL: ProfileName[] = ['linux-6.12', 'private-nodes-v4', 'private-nodes-v3', 'private-nodes-zone-pin', 'linux-5.6', 'linux-5.7', 'linux-5.10', 'tatashin-v3', 'isolate-merge'];

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sink: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  return { out, err, sink };
}

const cell = (profile: ProfileName, invariant: string, status: 'holds' | 'violated', expected: 'holds' | 'violated', extra: Partial<MatrixCell> = {}): MatrixCell => ({
  profile,
  invariant,
  status,
  expected,
  ok: status === expected,
  ...extra,
});

const V3_LEAK = 'out/private-nodes-v3-private-no-leak-42.json';
const STUB_MD = [
  '# mmcheck counterexample: `private/no-leak` (private-nodes-v3)',
  '',
  '## Machine',
  '',
  '## Steps',
  '',
  '| # | op (args) | result | state change | findings |',
  '|---:|---|---|---|---|',
  '| 0 | `alloc_pages(GFP_KERNEL\\|__GFP_THISNODE, order=0, nid=1)` | `k1 pfn 8 n1 ZONE_NORMAL MOVABLE` | alloc pfn 8 o0 | **private/no-leak**: folio pfn 8 |',
  '',
  '## Memory map (final state)',
  '',
].join('\n');

/** Everything as expected: v3 violates private/no-leak, the others hold. */
const GOOD: MatrixResult = {
  cells: [
    cell('linux-6.12', 'buddy/counters', 'holds', 'holds'),
    cell('linux-6.12', 'private/no-leak', 'holds', 'holds'),
    cell('private-nodes-v3', 'buddy/counters', 'holds', 'holds'),
    cell('private-nodes-v3', 'private/no-leak', 'violated', 'violated', { length: 1, timeToFindMs: 412, file: V3_LEAK, message: 'folio pfn 8 order 0 on private node 1 …' }),
  ],
  ok: true,
};

/** zone-pin violated something it should not; v3 did not find its leak. */
const BAD: MatrixResult = {
  cells: [
    cell('private-nodes-v3', 'private/no-leak', 'holds', 'violated'),
    cell('private-nodes-zone-pin', 'gup/longterm-pinnable', 'violated', 'holds', { length: 5, timeToFindMs: 1234, file: 'out/zp.json', message: 'pinned in ZONE_MOVABLE' }),
    cell('private-nodes-zone-pin', 'private/no-leak', 'holds', 'holds'),
  ],
  ok: false,
};

function stub(result: MatrixResult): { run: MatrixRunner; calls: MatrixOptions[] } {
  const calls: MatrixOptions[] = [];
  return {
    calls,
    run: (opts) => {
      calls.push(opts);
      opts.onProgress?.('private-nodes-v3: private/no-leak violated, 1 ops');
      return result;
    },
  };
}

const read = (files: Record<string, string>) => (p: string) => {
  const text = files[p];
  if (text === undefined) throw new Error(`ENOENT ${p}`);
  return text;
};

describe('planning', () => {
  test('defaults: every profile, 1500 runs, seed 42 under CI, a fresh seed otherwise', () => {
    expect(planMatrix([], { CI: 'true' })).toEqual({ profiles: ALL, seed: 42, runs: MATRIX_DEFAULT_RUNS, json: false });
    expect(MATRIX_DEFAULT_RUNS).toBe(1500);
    const local = planMatrix([], {});
    expect(local.seed).toBeGreaterThanOrEqual(0);
    expect(local.seed).toBeLessThan(2 ** 31);
  });
  test('flags: --profiles list, --runs, --seed, --json, --max-ops, --out (also --flag=value)', () => {
    expect(planMatrix(['--profiles', 'private-nodes-v3,linux-6.12', '--runs=20', '--seed', '-7', '--json', '--max-ops', '30', '--out', 'tmp/m'], {})).toEqual({
      profiles: ['private-nodes-v3', 'linux-6.12'],
      seed: -7,
      runs: 20,
      json: true,
      maxOps: 30,
      outDir: 'tmp/m',
    });
    expect(parseProfileList(' private-nodes-v4 , private-nodes-zone-pin')).toEqual(['private-nodes-v4', 'private-nodes-zone-pin']);
  });
  test('bad arguments are exit 2 with one message', async () => {
    const cases: [string[], string][] = [
      [['--profiles', 'linux-2.4'], "mmcheck: --profiles: unknown profile 'linux-2.4' (known: linux-6.12, private-nodes-v4, private-nodes-v3, private-nodes-zone-pin, linux-5.6, linux-5.7, linux-5.10, tatashin-v3, isolate-merge)"],
      [['--profiles', 'linux-6.12,,private-nodes-v4'], "mmcheck: --profiles: expected a comma-separated list of profiles, got 'linux-6.12,,private-nodes-v4'"],
      [['--profiles', 'linux-6.12,linux-6.12'], 'mmcheck: --profiles: linux-6.12 given twice'],
      [['--runs', '0'], "mmcheck: --runs: expected an integer in 1..1073741824, got '0'"],
      [['--seed', 'x'], "mmcheck: --seed: expected an integer in -2147483648..2147483647, got 'x'"],
      [['--profile', 'linux-6.12'], "mmcheck: unknown flag '--profile' for matrix (flags: --profiles, --json, --runs, --seed, --max-ops, --out)"],
      [['--json=yes'], 'mmcheck: --json takes no value'],
      [['extra'], "mmcheck: matrix: unexpected argument 'extra'"],
      [['--profiles'], 'mmcheck: --profiles needs a value'],
    ];
    for (const [argv, message] of cases) {
      const r = io();
      expect(await main(['matrix', ...argv], r.sink)).toBe(2);
      expect(r.err).toEqual([message]);
      expect(r.out).toEqual([]);
    }
  });
});

describe('formatting', () => {
  test('a cell: holds, or violated with the parts it has', () => {
    expect(formatCell({ status: 'holds' })).toBe('holds');
    expect(formatCell({ status: 'violated', length: 3, timeToFindMs: 1250, file: 'a.json' })).toBe('violated (3 ops, 1.3 s, a.json)');
    expect(formatCell({ status: 'violated', length: 1 })).toBe('violated (1 op)');
    expect(formatCell({ status: 'violated' })).toBe('violated');
  });
  test('the table: a row per profile and invariant, the profile named once, mismatches marked', () => {
    expect(formatMatrixTable(BAD.cells)).toEqual([
      'profile                 invariant              result',
      'private-nodes-v3        private/no-leak        holds   !! expected violated',
      'private-nodes-zone-pin  gup/longterm-pinnable  violated (5 ops, 1.2 s, out/zp.json)   !! expected holds',
      '                        private/no-leak        holds',
    ]);
  });
  test('verdicts per profile', () => {
    expect(formatVerdicts(GOOD.cells)).toEqual(['linux-6.12: ok (expected: no violation)', 'private-nodes-v3: ok (expected: private/no-leak)']);
    expect(formatVerdicts(BAD.cells)).toEqual([
      'private-nodes-v3: MISMATCH (expected: private/no-leak): private/no-leak expected violated but held',
      'private-nodes-zone-pin: MISMATCH (expected: no violation): gup/longterm-pinnable violated unexpectedly',
    ]);
  });
  test('the step table comes from the saved .md next to the .json', () => {
    expect(markdownPathOf('out/x.json')).toBe('out/x.md');
    expect(stepsSection(STUB_MD)).toEqual(STUB_MD.split('\n').slice(6, 9));
    expect(stepsSection('# nothing')).toBeUndefined();
    const lines = formatCounterexamples(GOOD.cells, read({ 'out/private-nodes-v3-private-no-leak-42.md': STUB_MD }));
    expect(lines).toEqual([
      '',
      '== private-nodes-v3 × private/no-leak: violated (1 op, 0.4 s), expected',
      '   folio pfn 8 order 0 on private node 1 …',
      `   saved: ${V3_LEAK}, out/private-nodes-v3-private-no-leak-42.md`,
      `   replay: npm run -s mmcheck -- replay ${V3_LEAK}`,
      '',
      ...STUB_MD.split('\n').slice(6, 9),
    ]);
    // an unreadable report is said, not thrown
    expect(formatCounterexamples(BAD.cells, read({}))).toContain('   (cannot read out/zp.md)');
    expect(formatCounterexamples(BAD.cells, read({}))[1]).toBe('== private-nodes-zone-pin × gup/longterm-pinnable: violated (5 ops, 1.2 s), UNEXPECTED (expected holds)');
  });
});

describe('the command', () => {
  test('human output: the seed first, progress on stderr, table, verdicts, step tables; exit 0 when every profile matches', async () => {
    const r = io();
    const s = stub(GOOD);
    const code = await matrixCommand(['--profiles', 'linux-6.12,private-nodes-v3', '--runs', '50', '--seed', '9'], r.sink, {
      env: {},
      run: s.run,
      read: read({ 'out/private-nodes-v3-private-no-leak-42.md': STUB_MD }),
    });
    expect(code).toBe(0);
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]).toMatchObject({ profiles: ['linux-6.12', 'private-nodes-v3'], seed: 9, runs: 50 });
    expect(r.out[0]).toBe('mmcheck matrix: seed 9, 50 runs per campaign, profiles linux-6.12, private-nodes-v3');
    expect(r.err).toEqual(['[matrix] private-nodes-v3: private/no-leak violated, 1 ops']);
    const text = r.out.join('\n');
    expect(r.out).toContain('                  private/no-leak  violated (1 op, 0.4 s, out/private-nodes-v3-private-no-leak-42.json)');
    expect(text).toContain('private-nodes-v3: ok (expected: private/no-leak)');
    expect(text).toContain('| 0 | `alloc_pages(GFP_KERNEL\\|__GFP_THISNODE, order=0, nid=1)` |');
    expect(r.out.at(-1)).toBe('matrix ok: every profile violates exactly its expected invariants');
  });
  test('a mismatch is exit 1 and says how many cells differ', async () => {
    const r = io();
    expect(await matrixCommand([], r.sink, { env: { CI: 'true' }, run: stub(BAD).run, read: read({}) })).toBe(1);
    expect(r.out[0]).toBe(`mmcheck matrix: seed 42, 1500 runs per campaign, profiles ${ALL.join(', ')}`);
    expect(r.out.at(-1)).toBe('matrix MISMATCH: 2 cells differ from the expectation');
  });
  test('--json: stdout is exactly one object {cells, ok}; the seed goes to stderr', async () => {
    for (const [result, code] of [[GOOD, 0], [BAD, 1]] as const) {
      const r = io();
      expect(await matrixCommand(['--json', '--seed', '3'], r.sink, { env: {}, run: stub(result).run })).toBe(code);
      expect(r.out).toHaveLength(1);
      expect(JSON.parse(r.out[0] as string)).toEqual({ cells: result.cells, ok: result.ok });
      expect(r.err[0]).toMatch(/^mmcheck matrix: seed 3, 1500 runs per campaign/);
    }
  });
  test('ok needs every cell ok, whatever the result says', async () => {
    const r = io();
    const lying: MatrixResult = { cells: BAD.cells, ok: true };
    expect(await matrixCommand(['--json'], r.sink, { env: {}, run: stub(lying).run })).toBe(1);
    expect(JSON.parse(r.out[0] as string).ok).toBe(false);
  });
  test('an async runner is awaited', async () => {
    const r = io();
    expect(await matrixCommand(['--json'], r.sink, { env: {}, run: async () => GOOD })).toBe(0);
  });
  test('help lists the matrix command', async () => {
    const r = io();
    await main(['help'], r.sink);
    expect(r.out.join('\n')).toContain('matrix [--profiles a,b,...] [--json] [--runs N] [--seed S]');
  });
});
