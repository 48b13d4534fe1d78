// The renderers on small hand-made runs (no dependency on spec or impl), then once on a real
// recorded run of an example.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { MachineConfig, Snapshot, Trace, ZoneSnapshot } from '../../model/api/index.js';
import { runTrace } from '../../properties/lockstep.js';
import { counterexampleName, renderCounterexample, writeCounterexample } from '../../reports/counterexample.js';
import { formatEvents, formatOp, formatResult, resultPfns } from '../../reports/render/compact.js';
import { renderMarkdown } from '../../reports/render/markdown.js';
import { describeStateChange } from '../../reports/render/state-diff.js';
import { renderMemoryMap } from '../../reports/render/svg.js';
import { formatStepTable, formatSummary } from '../../reports/render/text.js';
import type { RunLike } from '../../reports/render/types.js';
import { parseTrace } from '../../reports/trace/index.js';

const machine: MachineConfig = { maxOrder: 3, pageblockOrder: 1, nodes: [{ nid: 0, zones: { ZONE_NORMAL: [0, 8] } }] };

/** freeLists[migratetype][order] for MOVABLE-only lists */
function zone(lists: number[][], nrFreePages: number): ZoneSnapshot {
  const empty = () => [[], [], [], []] as number[][];
  return {
    nid: 0,
    zone: 'ZONE_NORMAL',
    startPfn: 0,
    spannedPages: 8,
    presentPages: 8,
    managedPages: 8,
    cmaPages: 0,
    nrFreePages,
    nrFreeCmaPages: 0,
    nrFree: lists.map((l) => l.length),
    freeLists: [empty(), lists, empty(), empty(), empty(), empty()],
  };
}

const pageblocks = [0, 2, 4, 6].map((pfn) => ({ pfn, migratetype: 'MIGRATE_MOVABLE' as const }));
const initial: Snapshot = { zones: [zone([[], [], [], [0]], 8)], pageblocks, folios: [], handles: [] };
const afterAlloc: Snapshot = {
  zones: [zone([[1], [2], [4], []], 7)],
  pageblocks,
  folios: [{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0 }],
  handles: [{ handle: 'k1', pfn: 0 }],
};
const afterFree: Snapshot = initial;

const trace: Trace = {
  format: 'mmcheck/trace@1',
  profile: 'linux-6.12',
  machine,
  ops: [
    { op: 'alloc_pages', gfp: ['GFP_KERNEL', '__GFP_THISNODE'], order: 0, nid: 0 },
    { op: 'free_pages', page: 'k1' },
  ],
};

const finding = { step: 1, id: 'buddy/counters', message: 'node 0 ZONE_NORMAL: NR_FREE_PAGES 8, lists hold 7' };
const run: RunLike = {
  initial,
  steps: [
    {
      i: 0,
      op: trace.ops[0]!,
      result: { ret: 0, page: 'k1', pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migratetype: 'MIGRATE_MOVABLE' },
      findings: [],
      events: [{ kind: 'expand', fromOrder: 3, toOrder: 0 }, { kind: 'fallback', from: 'MIGRATE_UNMOVABLE', to: 'MIGRATE_MOVABLE' }],
      after: afterAlloc,
    },
    { i: 1, op: trace.ops[1]!, result: { ret: 0 }, findings: [finding], events: [{ kind: 'merge', order: 1 }, { kind: 'merge', order: 2 }, { kind: 'merge', order: 3 }], after: afterFree },
  ],
  violations: [finding],
  divergences: [],
};

describe('compact forms', () => {
  test('ops and results', () => {
    expect(formatOp(trace.ops[0]!)).toBe('alloc_pages(GFP_KERNEL|__GFP_THISNODE, order=0, nid=0)');
    expect(formatOp({ op: 'get_page', page: 'k1', times: 1024 })).toBe('get_page(k1, times=1024)');
    expect(formatResult(run.steps[0]!.result)).toBe('k1 pfn 0 n0 ZONE_NORMAL MOVABLE');
    expect(formatResult({ ret: '-ENOMEM' })).toBe('-ENOMEM');
    expect(formatResult({ ret: 0 })).toBe('0');
    expect(
      formatResult({ ret: 0, pfn: 8, nid: 0, zone: 'ZONE_NORMAL', migratetype: 'MIGRATE_CMA', order: 1, refcount: 1025, pincount: 0, maybe_dma_pinned: true, mapped: 0 }),
    ).toBe('pfn 8 o1 n0 ZONE_NORMAL CMA refcount=1025 pincount=0 maybe_dma_pinned=true mapped=0');
    expect(resultPfns(run.steps[0]!.result)).toEqual([0]);
  });
  test('events fold consecutive merges', () => {
    expect(formatEvents(run.steps[1]!.events!)).toBe('merge o1,o2,o3');
    expect(formatEvents([{ kind: 'merge-gate-stop' }, { kind: 'cma-alloc' }])).toBe('merge gate stop, cma alloc');
  });
});

describe('state change', () => {
  test('an allocation: the folio, the free-list changes, the counter', () => {
    expect(describeStateChange(initial, afterAlloc, 1).join('; ')).toBe(
      'alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@0, +o2 MOVABLE@4, +o1 MOVABLE@2, +o0 MOVABLE@1; NR_FREE_PAGES 8→7',
    );
  });
  test('a free, with the handle that died', () => {
    expect(describeStateChange(afterAlloc, afterFree, 1).join('; ')).toBe(
      'free pfn 0 o0; free lists: -o2 MOVABLE@4, -o1 MOVABLE@2, -o0 MOVABLE@1, +o3 MOVABLE@0; NR_FREE_PAGES 7→8; handles: -k1',
    );
  });
  test('refcount changes and pageblock retyping', () => {
    const got: Snapshot = {
      ...afterAlloc,
      folios: [{ ...afterAlloc.folios[0]!, refcount: -2147483648 }],
      pageblocks: pageblocks.map((pb) => (pb.pfn === 4 ? { pfn: 4, migratetype: 'MIGRATE_CMA' } : pb)),
    };
    expect(describeStateChange(afterAlloc, got, 1)).toEqual(['pfn 0 refcount 1→-2147483648', 'pageblocks: 4 MOVABLE→CMA']);
    expect(describeStateChange(afterAlloc, afterAlloc, 1)).toEqual([]);
  });
});

describe('documents', () => {
  test('terminal step table and summary', () => {
    expect(formatStepTable(run, machine)).toEqual([
      // the op column is at most 48 wide; a longer op pushes its result to the right
      `step  ${'op'.padEnd(48)}  result`,
      '   0  alloc_pages(GFP_KERNEL|__GFP_THISNODE, order=0, nid=0)  k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
      '        alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@0, +o2 MOVABLE@4, +o1 MOVABLE@2, +o0 MOVABLE@1; NR_FREE_PAGES 8→7; events: expand o3→o0, fallback UNMOVABLE→MOVABLE',
      `   1  ${'free_pages(k1)'.padEnd(48)}  0`,
      '        free pfn 0 o0; free lists: -o2 MOVABLE@4, -o1 MOVABLE@2, -o0 MOVABLE@1, +o3 MOVABLE@0; NR_FREE_PAGES 7→8; handles: -k1; events: merge o1,o2,o3',
      '        !! buddy/counters: node 0 ZONE_NORMAL: NR_FREE_PAGES 8, lists hold 7',
    ]);
    expect(formatSummary(run, 2)).toEqual(['1 violation, 0 divergences:', '  step 1: buddy/counters: node 0 ZONE_NORMAL: NR_FREE_PAGES 8, lists hold 7']);
  });

  test('Markdown: violation, replay, machine, and a step table with the state change of the alloc', () => {
    const md = renderMarkdown({ trace, run, seed: 42, path: '3:1', replay: 'npm run -s mmcheck -- replay x.json', svgFile: 'x.svg' });
    expect(md).toContain('# mmcheck counterexample: `buddy/counters` (linux-6.12)');
    expect(md).toContain('**Violated** after step 1 `free_pages(k1)`:');
    expect(md).toContain('| replay | `npm run -s mmcheck -- replay x.json` |');
    expect(md).toContain('| 0 | ZONE_NORMAL | [0, 8) | 8 |  |');
    expect(md).toContain(
      '| 0 | `alloc_pages(GFP_KERNEL\\|__GFP_THISNODE, order=0, nid=0)` | `k1 pfn 0 n0 ZONE_NORMAL MOVABLE` | alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@0, +o2 MOVABLE@4, +o1 MOVABLE@2, +o0 MOVABLE@1; NR_FREE_PAGES 8→7; events: expand o3→o0, fallback UNMOVABLE→MOVABLE |  |',
    );
    expect(md).toContain('| 1 | `free_pages(k1)` | `0` |');
    expect(md).toContain('**buddy/counters**: node 0 ZONE_NORMAL: NR_FREE_PAGES 8, lists hold 7 |');
    expect(md).toContain('![memory map](x.svg)');
    expect(md).not.toContain('## Other findings');
  });

  test('SVG: one band per zone, a cell per page, the named pfn highlighted', () => {
    const svg = renderMemoryMap({ snapshot: afterAlloc, pageblockOrder: 1, title: 't', highlight: [0] });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('node 0 ZONE_NORMAL');
    expect(svg.match(/class="cell"><title>/g)).toHaveLength(8);
    expect(svg).toContain('<title>pfn 0: allocated, pageblock MOVABLE</title>');
    expect(svg).toContain('<title>pfn 4: free MOVABLE, pageblock MOVABLE</title>');
    expect(svg.match(/class="hl"/g)).toHaveLength(1);
    expect(svg).toContain('red outline: pfn 0 named by the failing step');
  });

  test('counterexample files: name, replayable JSON with meta, Markdown, SVG', () => {
    expect(counterexampleName('linux-6.12', 'gup/no-false-negative', 7)).toBe('linux-6.12-gup-no-false-negative-7');
    const dir = mkdtempSync(join(tmpdir(), 'mmcheck-cx-'));
    const w = writeCounterexample(trace, run, { outDir: dir, seed: 42, path: '3:1', generatedLength: 9 });
    expect(w.paths).toEqual(['json', 'md', 'svg'].map((e) => join(dir, `linux-6.12-buddy-counters-42.${e}`)));
    const back = parseTrace(readFileSync(w.files.json, 'utf8'));
    expect(back.ok && back.trace).toEqual({ ...trace, meta: { expect: 'buddy/counters', seed: 42, path: '3:1' } });
    expect(readFileSync(w.files.md, 'utf8')).toContain('| ops | 2 (shrunk from 9 generated) |');
    expect(readFileSync(w.files.svg, 'utf8')).toContain('</svg>');
    expect(w.replay).toMatch(/^npm run -s mmcheck -- replay \S+linux-6\.12-buddy-counters-42\.json$/);
  });
});

test('a real recorded run of an example renders the exact split', () => {
  const text = readFileSync(resolve(import.meta.dirname, '../../examples/expand-split.json'), 'utf8');
  const parsed = parseTrace(text);
  if (!parsed.ok) throw new Error(parsed.message);
  const recorded = runTrace(parsed.trace, { recordSnapshots: true });
  const r = renderCounterexample(parsed.trace, recorded, { outDir: 'unused' });
  expect(r.name).toBe('linux-6.12-clean-noseed');
  expect(r.markdown).toContain('alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@0, +o2 MOVABLE@4, +o1 MOVABLE@2, +o0 MOVABLE@1; NR_FREE_PAGES 16→15');
  expect(r.markdown).toContain('The trace ran clean');
});
