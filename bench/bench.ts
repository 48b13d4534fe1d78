// `npm run -s bench [-- --json]`: the performance figures of DESIGN.md §8, measured side by side in
// one run. Each figure runs in a fresh node process (figure.ts), one after another, so neither
// system is timed on JIT feedback or garbage the other left behind; each warms up before timing
// and times with performance.now().
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figures } from './figures.js';

/** the figures, in the order they run */
const ORDER = ['pairs_hot', 'pairs_split', 'mixed_impl', 'mixed_spec', 'gup_impl', 'gup_spec', 'build', 'lockstep'] as const;

function runFigure(name: string): Figures {
  const script = fileURLToPath(new URL('./figure.ts', import.meta.url));
  const child = spawnSync(process.execPath, [...process.execArgv, script, name], { encoding: 'utf8' });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`bench: figure ${name} failed (exit ${child.status}): ${child.stderr.trim()}`);
  }
  return JSON.parse(line) as Figures;
}

const m: Figures = {};
for (const name of ORDER) Object.assign(m, runFigure(name));

const num = (k: string): number => {
  const v = m[k];
  if (typeof v !== 'number') throw new Error(`bench: figure ${k} missing`);
  return v;
};
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const figures: Record<string, number | boolean | string> = {
  impl_alloc_free_pairs_per_s: Math.round(num('impl_alloc_free_pairs_per_s')),
  impl_alloc_free_pairs_split_merge_per_s: Math.round(num('impl_alloc_free_pairs_split_merge_per_s')),
  impl_over_spec_ratio: round(num('impl_mixed_ops_per_s') / num('spec_mixed_ops_per_s'), 1),
  impl_mixed_ops_per_s: Math.round(num('impl_mixed_ops_per_s')),
  spec_mixed_ops_per_s: Math.round(num('spec_mixed_ops_per_s')),
  mixed_stream_ops: num('mixed_stream_ops'),
  mixed_stream_agree: m.mixed_stream_agree === true,
  impl_over_spec_gup_ratio: round(num('impl_gup_ops_per_s') / num('spec_gup_ops_per_s'), 1),
  impl_gup_ops_per_s: Math.round(num('impl_gup_ops_per_s')),
  spec_gup_ops_per_s: Math.round(num('spec_gup_ops_per_s')),
  gup_stream_ops: num('gup_stream_ops'),
  gup_stream_agree: m.gup_stream_agree === true,
  bytes_per_page: round(num('bytes_per_page'), 4),
  build_64gib_ms: round(num('build_64gib_ms'), 1),
  lockstep_ops_per_s: Math.round(num('lockstep_ops_per_s')),
  lockstep_ops: num('lockstep_ops'),
  node: process.version,
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(figures));
} else {
  const fmt = (x: number) => (x >= 1e5 ? x.toExponential(2) : String(Math.round(x)));
  const rows: [string, string, string][] = [
    ['impl order-0 alloc+free pairs/s (one page held: hot path)', fmt(num('impl_alloc_free_pairs_per_s')), '≥ 5e6'],
    ['impl order-0 alloc+free pairs/s (split from, merge to order 10)', fmt(num('impl_alloc_free_pairs_split_merge_per_s')), ''],
    [`mixed stream, ${figures.mixed_stream_ops} ops on 2^16 pages: impl ops/s`, fmt(num('impl_mixed_ops_per_s')), ''],
    ['mixed stream: spec ops/s', fmt(num('spec_mixed_ops_per_s')), ''],
    ['impl / spec throughput on the mixed stream', `${figures.impl_over_spec_ratio}×`, '≥ 50'],
    ['spec and impl results agree on the stream', String(figures.mixed_stream_agree), 'true'],
    [`GUP stream, ${figures.gup_stream_ops} ops (mmap, touch, pin/get_user_pages[_fast], FOLL_LONGTERM, unpin, munmap): impl ops/s`, fmt(num('impl_gup_ops_per_s')), ''],
    ['GUP stream: spec ops/s', fmt(num('spec_gup_ops_per_s')), ''],
    ['impl / spec throughput on the GUP stream', `${figures.impl_over_spec_gup_ratio}×`, '≥ 50'],
    ['spec and impl results agree on the GUP stream', String(figures.gup_stream_agree), 'true'],
    ['per-page state, bytes/page', String(figures.bytes_per_page), '≤ 16'],
    ['construct impl for 2^24 pages (64 GiB), ms', String(figures.build_64gib_ms), '< 2000'],
    [`lockstep harness ops/s (generated machines, ${figures.lockstep_ops} ops, invariants + state diff every op)`, fmt(num('lockstep_ops_per_s')), ''],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log(`${'figure'.padEnd(w)}  ${'value'.padStart(12)}  target`);
  for (const [name, value, target] of rows) console.log(`${name.padEnd(w)}  ${value.padStart(12)}  ${target}`);
}
