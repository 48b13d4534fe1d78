// The CLI end to end (spawned, as users run it) for the exit codes and output contracts, and
// in-process for the many small usage errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { main } from '../../reports/cli.js';
import type { Io } from '../../reports/cli/args.js';
import { planFuzz, workerRequests } from '../../reports/cli/fuzz.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BROKEN = './tests/reports/fixtures/broken-impl.ts';

function cli(args: string[], preload: string[] = []) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...preload.flatMap((p) => ['--import', p]), 'reports/cli.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(args, io);
  return { code, out, err };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'mmcheck-cli-'));
}

describe('spawned', () => {
  test('run --json: one line per op, then the summary; exit 0', () => {
    const trace = JSON.parse(readFileSync(join(ROOT, 'examples/expand-split.json'), 'utf8'));
    const r = cli(['run', 'examples/expand-split.json', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(trace.ops.length + 1);
    expect(lines[0]).toEqual({
      i: 0,
      op: 'alloc_pages',
      result: { ret: 0, page: 'k1', pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migratetype: 'MIGRATE_MOVABLE' },
    });
    expect(lines.at(-1)).toEqual({ violations: [], divergences: [] });
  });

  test('an invalid trace: one line naming the JSON path on stderr, exit 2, nothing run', () => {
    const dir = tmp();
    const file = join(dir, 'bad.json');
    const doc = {
      format: 'mmcheck/trace@1',
      machine: { maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 16] } }, { nid: 1, zones: { ZONE_NORMAL: [8, 16] } }] },
      ops: [],
    };
    writeFileSync(file, JSON.stringify(doc));
    const r = cli(['run', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('mmcheck: machine.nodes[1].zones.ZONE_NORMAL: overlaps node 0 ZONE_NORMAL [0, 16)\n');
  });

  test('a violation: exit 1 with the finding in the step table and the summary', () => {
    const r = cli(['run', 'examples/expand-split.json'], [BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('!! buddy/counters: ');
    expect(r.stdout).toMatch(/^\d+ violations?, \d+ divergences?:$/m);
  });

  test('fuzz finds, saves and replays a counterexample (seed printed first)', () => {
    const dir = tmp();
    const f = cli(['fuzz', '--runs', '300', '--seed', '7', '--out', dir], [BROKEN]);
    expect(f.stdout.split('\n')[0]).toBe('mmcheck fuzz: seed 7 (profile linux-6.12, 300 runs, 1 worker)');
    expect(f.code).toBe(1);
    const json = f.stdout.match(/^ {2}(\S+\.json)$/m)?.[1] as string;
    expect(json).toMatch(/linux-6\.12-buddy-counters-7\.json$/);
    for (const ext of ['json', 'md', 'svg']) expect(existsSync(json.replace(/json$/, ext))).toBe(true);
    expect(f.stdout).toContain(`replay: npm run -s mmcheck -- replay `);

    const again = cli(['replay', json], [BROKEN]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('  expect: buddy/counters\n  seed:   7\n');
    expect(again.stdout).toMatch(/^reproduced: buddy\/counters at step \d+$/m);

    const fixed = cli(['replay', json]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('not reproduced: expected buddy/counters, but the trace runs clean');
  });
});

describe('in process', () => {
  test('a missing file', async () => {
    const r = await inProcess(['run', 'no/such.json']);
    expect(r).toEqual({ code: 2, out: [], err: ['mmcheck: no/such.json: cannot read (ENOENT)'] });
  });
  test('unknown command, unknown flag, bad flag values', async () => {
    expect((await inProcess(['mmap'])).err).toEqual(["mmcheck: unknown command 'mmap' (commands: run, replay, fuzz, matrix, help)"]);
    expect((await inProcess(['run', 'x.json', '--fast'])).err).toEqual(["mmcheck: unknown flag '--fast' for run (flags: --impl, --profile, --json)"]);
    expect((await inProcess(['run', 'x.json', '--impl', 'kernel'])).err).toEqual(["mmcheck: --impl: expected one of both, spec, impl, got 'kernel'"]);
    expect((await inProcess(['run', 'x.json', '--profile=linux-2.6'])).err).toEqual(["mmcheck: --profile: unknown profile 'linux-2.6' (known: linux-6.12, private-nodes-v4, private-nodes-v3, private-nodes-zone-pin, linux-5.6, linux-5.7, linux-5.10, tatashin-v3, isolate-merge)"]);
    expect((await inProcess(['run'])).err).toEqual(['mmcheck: run: missing FILE']);
    expect((await inProcess(['fuzz', '--runs', '5', '--minutes', '1'])).err).toEqual(['mmcheck: fuzz: give --runs or --minutes, not both']);
    expect((await inProcess(['fuzz', '--runs', 'many'])).err).toEqual(["mmcheck: --runs: expected an integer in 1..1073741824, got 'many'"]);
    expect((await inProcess(['fuzz', '--workers'])).code).toBe(2);
  });
  test('no command prints the usage on stderr with exit 2; help on stdout with exit 0', async () => {
    const none = await inProcess([]);
    expect(none.code).toBe(2);
    expect(none.err[0]).toMatch(/^usage: npm run -s mmcheck -- <command>/);
    const help = await inProcess(['help']);
    expect(help.code).toBe(0);
    expect(help.out[0]).toMatch(/^usage:/);
  });
  test('run with --impl spec and --profile prints the step table', async () => {
    const r = await inProcess(['run', join(ROOT, 'examples/merge-on-free.json'), '--impl', 'spec', '--profile', 'linux-6.12']);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toContain('free pfn 2 o0; free lists: -o2 MOVABLE@4, -o1 MOVABLE@0, -o0 MOVABLE@3, +o3 MOVABLE@0');
    expect(r.out.at(-1)).toBe('clean: 8 ops, no violation, no divergence');
  });
  test('replay of a clean trace without meta says so', async () => {
    const r = await inProcess(['replay', join(ROOT, 'examples/thisnode.json')]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe('no expected violation recorded; the trace runs clean');
  });
});

describe('fuzz planning', () => {
  test('CI fixes the seed and the budget; --seed and --minutes override', () => {
    expect(planFuzz([], { CI: 'true' })).toEqual({ profile: 'linux-6.12', seed: 42, runs: 2000, workers: 1 });
    expect(planFuzz(['--seed', '5', '--minutes', '0.5', '--workers', '2'], { CI: 'true' })).toEqual({
      profile: 'linux-6.12',
      seed: 5,
      timeLimitMs: 30_000,
      workers: 2,
    });
    const local = planFuzz([], {});
    expect(local.timeLimitMs).toBe(60_000);
    expect(local.seed).toBeGreaterThanOrEqual(0);
    expect(local.seed).toBeLessThan(2 ** 31);
  });
  test('workers get seeds S+k and an equal share of the runs', () => {
    const plan = planFuzz(['--seed', '10', '--runs', '10', '--workers', '3', '--max-ops', '20'], {});
    expect(workerRequests(plan)).toEqual([
      { profile: 'linux-6.12', maxOps: 20, seed: 10, runs: 4 },
      { profile: 'linux-6.12', maxOps: 20, seed: 11, runs: 3 },
      { profile: 'linux-6.12', maxOps: 20, seed: 12, runs: 3 },
    ]);
    expect(workerRequests(planFuzz(['--seed', '1', '--runs', '2', '--workers', '4'], {}))).toHaveLength(2);
  });
});
