// The renderers on small hand-made runs (no dependency on spec or impl; examples.test.ts renders
// real recorded runs).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { MachineConfig, Snapshot, Trace, ZoneSnapshot } from '../../model/api/index.js';
import { counterexampleName, renderCounterexample, writeCounterexample } from '../../reports/counterexample.js';
import { formatEvents, formatOp, formatResult, resultPfns } from '../../reports/render/compact.js';
import { renderMarkdown } from '../../reports/render/markdown.js';
import { describeMachine, formatPrivateOps, zoneRows } from '../../reports/render/machine.js';
import { describeStateChange, describeUserState } from '../../reports/render/state-diff.js';
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
/** the parts of a snapshot beyond the buddy allocator, as after boot */
const rest = {
  memory: [{ pfn: 0, nrPages: 8, nid: 0, zone: 'ZONE_NORMAL' as const }],
  offline: [],
  cmaAllocations: [],
  tasks: [{ tid: 1, nid: 0, mems: [0], policy: null, ilPrev: -1 }],
  privateNodes: [],
  vmas: [],
};
const initial: Snapshot = { zones: [zone([[], [], [], [0]], 8)], pageblocks, folios: [], handles: [], ...rest };
const afterAlloc: Snapshot = {
  ...rest,
  zones: [zone([[1], [2], [4], []], 7)],
  pageblocks,
  folios: [{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 0 }],
  handles: [{ handle: 'k1', pfns: [0] }],
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
    expect(describeStateChange(afterAlloc, got, 1)).toEqual(['pfn 0: refcount 1→-2147483648', 'pageblocks: [4, 6) MOVABLE→CMA']);
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
    expect(svg).toContain('<title>pfn 0: kernel or unmapped folio pfn 0 o0 (refcount 1, mapped 0), pageblock MOVABLE</title>');
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

describe('user memory, pins, hotplug and policies', () => {
  const pb = (from: number, to: number, mt: 'MIGRATE_MOVABLE' | 'MIGRATE_CMA' = 'MIGRATE_MOVABLE') =>
    Array.from({ length: (to - from) / 2 }, (_, k) => ({ pfn: from + 2 * k, migratetype: mt }));
  const empty = () => [[], [], []] as number[][];
  /** a zone of 8 pages with MOVABLE free lists `lists` (order 0..2) */
  const z = (zoneName: 'ZONE_NORMAL' | 'ZONE_MOVABLE', startPfn: number, lists: number[][], nrFreePages: number, present = 8): ZoneSnapshot => ({
    nid: 0,
    zone: zoneName,
    startPfn: present === 0 ? 0 : startPfn,
    spannedPages: present,
    presentPages: present,
    managedPages: present,
    cmaPages: 0,
    nrFreePages,
    nrFree: lists.map((l) => l.length),
    nrFreeCmaPages: 0,
    freeLists: [empty(), lists, empty(), empty(), empty(), empty()],
  });
  const task = { tid: 1, nid: 0, mems: [0], policy: null, ilPrev: -1 };
  const memory = [
    { pfn: 0, nrPages: 8, nid: 0, zone: 'ZONE_NORMAL' as const },
    { pfn: 8, nrPages: 8, nid: 0, zone: 'ZONE_MOVABLE' as const },
  ];
  /** after `touch(v1[0])`: the user page at pfn 8 in ZONE_MOVABLE */
  const faulted: Snapshot = {
    zones: [z('ZONE_NORMAL', 0, [[], [], [0, 4]], 8), z('ZONE_MOVABLE', 8, [[9], [10], [12]], 7)],
    memory,
    offline: [],
    pageblocks: pb(0, 16),
    folios: [{ pfn: 8, order: 0, nid: 0, zone: 'ZONE_MOVABLE', refcount: 1, pincount: 0, mapped: 1 }],
    cmaAllocations: [],
    handles: [{ handle: 'v1', pfns: [] }],
    tasks: [task],
    privateNodes: [],
    vmas: [{ handle: 'v1', task: 1, pages: 1, folioOrder: 0, policy: null, ptes: [8] }],
  };
  /** after `pin_user_pages(v1[0], FOLL_LONGTERM)`: migrated to pfn 0 and pinned there */
  const pinned: Snapshot = {
    ...faulted,
    zones: [z('ZONE_NORMAL', 0, [[1], [2], [4]], 7), z('ZONE_MOVABLE', 8, [[], [], [8, 12]], 8)],
    folios: [{ pfn: 0, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1025, pincount: 0, mapped: 1 }],
    handles: [{ handle: 'v1', pfns: [] }, { handle: 'u1', pfns: [0] }],
    vmas: [{ ...faulted.vmas[0]!, ptes: [0] }],
  };

  test('a longterm pin that migrates: the folio moves, the pte follows, the pin shows in the counts', () => {
    expect(describeStateChange(faulted, pinned, 1)).toEqual([
      'free pfn 8 o0',
      'alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE; refcount 1025, mapped 1)',
      'v1[0]: pfn 8 → 0',
      'free lists: -o2 MOVABLE@0, -o1 MOVABLE@10, -o0 MOVABLE@9, +o2 MOVABLE@8, +o1 MOVABLE@2, +o0 MOVABLE@1',
      'NR_FREE_PAGES[n0 ZONE_NORMAL] 8→7',
      'NR_FREE_PAGES[n0 ZONE_MOVABLE] 7→8',
    ]);
    const op = { op: 'pin_user_pages', vma: 'v1', index: 0, nr: 1, gup_flags: ['FOLL_LONGTERM'] } as const;
    const result = { ret: 1, pin: 'u1', pages: [{ index: 0, pfn: 0, nid: 0, zone: 'ZONE_NORMAL', migrated: true }] } as const;
    expect(formatOp(op)).toBe('pin_user_pages(v1[0], nr=1, gup_flags=FOLL_LONGTERM)');
    expect(formatResult(result, op)).toBe('1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated');
    expect(formatResult(result)).toBe('1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated');
    const events = [
      { kind: 'pin', large: false },
      { kind: 'longterm-unpinnable', why: 'ZONE_MOVABLE' },
      { kind: 'migrate', reason: 'longterm', fromZone: 'ZONE_MOVABLE', toZone: 'ZONE_NORMAL', remote: false },
      { kind: 'merge', order: 1 },
      { kind: 'merge', order: 2 },
      { kind: 'pin', large: false },
    ] as const;
    expect(formatEvents(events)).toBe('pin small, longterm unpinnable (ZONE_MOVABLE), migrate (longterm) ZONE_MOVABLE→ZONE_NORMAL, merge o1,o2, pin small');

    const rec: RunLike = { initial: faulted, steps: [{ i: 0, op, result, findings: [], events, after: pinned }], violations: [], divergences: [] };
    const lines = formatStepTable(rec, machine);
    expect(lines[1]).toBe(`   0  ${op && formatOp(op)}  1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated`);
    expect(lines[2]).toContain('v1[0]: pfn 8 → 0');
    const md = renderMarkdown({ trace: { ...trace, ops: [op] }, run: rec });
    expect(md).toContain('## Final state');
    expect(md).toContain('- v1 (tid 1, 1 page): [0] → pfn 0');
    expect(md).toContain('- maybe DMA-pinned: pfn 0 o0 (n0 ZONE_NORMAL; refcount 1025)');
  });

  test('touch, GUP, move_pages and ret-0 GUP results', () => {
    const page = (index: number, pfn: number, zone = 'ZONE_MOVABLE') => ({ index, pfn, nid: 0, zone });
    const touch = { op: 'touch', vma: 'v1', index: 0, count: 4 } as const;
    expect(formatOp(touch)).toBe('touch(v1[0], count=4)');
    expect(formatResult({ ret: 0, pages: [page(0, 8), page(1, 9), page(2, 10), page(3, 4, 'ZONE_NORMAL')] } as never, touch)).toBe(
      '4 pages faulted: [0..2] pfn 8..10 n0 ZONE_MOVABLE, [3] pfn 4 n0 ZONE_NORMAL',
    );
    expect(formatResult({ ret: 0, pages: [] } as never, touch)).toBe('0 pages faulted');
    const gup = { op: 'get_user_pages', vma: 'v1', index: 0, nr: 2, gup_flags: [] } as const;
    expect(formatOp(gup)).toBe('get_user_pages(v1[0], nr=2, gup_flags=0)');
    expect(formatResult({ ret: 2, ref: 'g1', pages: [{ ...page(0, 8), migrated: false }, { ...page(1, 9), migrated: false }] } as never, gup)).toBe(
      '2 pages, g1, migrated: 0; [0..1] pfn 8..9 n0 ZONE_MOVABLE',
    );
    expect(formatResult({ ret: 0 }, { ...gup, op: 'pin_user_pages' })).toBe('0 pages');
    expect(formatResult({ ret: '-EINVAL' }, gup)).toBe('-EINVAL');
    const move = { op: 'move_pages', vma: 'v1', index: 0, node: 1 } as const;
    expect(formatOp(move)).toBe('move_pages(v1[0], node=1)');
    expect(formatResult({ ret: 0, status: 1 }, move)).toBe('status: node 1');
    expect(formatResult({ ret: 0, status: '-EBUSY' })).toBe('status: -EBUSY');
    expect(formatOp({ op: 'mmap', task: 1, pages: 4, folioOrder: 2 })).toBe('mmap(task=1, pages=4, folioOrder=2)');
    expect(formatOp({ op: 'unpin_user_pages', pin: 'u1' })).toBe('unpin_user_pages(u1)');
    expect(formatOp({ op: 'set_mempolicy', task: 1, mode: 'MPOL_BIND', nodes: [0, 1] })).toBe('set_mempolicy(task=1, mode=MPOL_BIND, nodes=[0,1])');
    expect(formatResult({ ret: 0, cma: 'c1', pfn: 8, nid: 0, zone: 'ZONE_MOVABLE' })).toBe('c1 pfn 8 n0 ZONE_MOVABLE');
    expect(formatEvents([{ kind: 'fault', order: 0 }, { kind: 'fault', order: 0 }, { kind: 'fault', order: 0 }, { kind: 'interleave-switch' }])).toBe(
      'fault o0 ×3, interleave switch',
    );
  });

  test('faults, munmap and a dead pin handle', () => {
    const touched: Snapshot = {
      ...faulted,
      vmas: [{ handle: 'v1', task: 1, pages: 4, folioOrder: 0, policy: null, ptes: [8, 9, null, 12] }],
    };
    const before: Snapshot = { ...faulted, vmas: [{ ...touched.vmas[0]!, ptes: [null, null, null, null] }] };
    expect(describeStateChange(before, touched, 1).filter((p) => p.startsWith('v1'))).toEqual(['v1[0..1] → pfn 8..9, v1[3] → pfn 12']);
    const gone: Snapshot = { ...touched, vmas: [], handles: [{ handle: 'u1', pfns: [8, 9] }] };
    expect(describeStateChange({ ...touched, handles: [{ handle: 'v1', pfns: [] }, { handle: 'u1', pfns: [8, 9] }] }, gone, 1)).toEqual([
      'v1[0..1] unmapped (pfn 8..9), v1[3] unmapped (pfn 12)',
      'handles: -v1',
    ]);
    expect(describeStateChange(pinned, { ...pinned, handles: [{ handle: 'v1', pfns: [] }] }, 1)).toEqual(['handles: -u1 (pfn 0)']);
    expect(describeStateChange(faulted, { ...faulted, vmas: [] }, 1)).toEqual(['v1[0] unmapped (pfn 8)']);
    const mapped: Snapshot = { ...faulted, folios: [{ ...faulted.folios[0]!, refcount: 1025, mapped: 0 }] };
    expect(describeStateChange(faulted, mapped, 1)).toEqual(['pfn 8: refcount 1→1025, mapped 1→0']);
    const large: Snapshot = { ...faulted, folios: [{ ...faulted.folios[0]!, order: 0, refcount: 6, pincount: 2 }] };
    expect(describeStateChange(faulted, large, 1)).toEqual(['pfn 8: refcount 1→6, pincount 0→2']);
  });

  test('offline and online: memory ranges, zone counters, pageblocks left to the hotplug part', () => {
    const offlined: Snapshot = {
      ...faulted,
      zones: [faulted.zones[0]!, z('ZONE_MOVABLE', 8, [[], [], []], 0, 0)],
      memory: [memory[0]!],
      offline: [{ pfn: 8, nrPages: 8 }],
      pageblocks: pb(0, 8),
      folios: [],
      vmas: [],
    };
    const base: Snapshot = { ...faulted, folios: [], vmas: [] };
    expect(describeStateChange(base, offlined, 1)).toEqual([
      'free lists: -o2 MOVABLE@12, -o1 MOVABLE@10, -o0 MOVABLE@9',
      'NR_FREE_PAGES[n0 ZONE_MOVABLE] 7→0',
      'managed[n0 ZONE_MOVABLE] 8→0',
      'present[n0 ZONE_MOVABLE] 8→0',
      'start_pfn[n0 ZONE_MOVABLE] 8→0',
      'spanned[n0 ZONE_MOVABLE] 8→0',
      'offline [8, 16) n0 ZONE_MOVABLE',
    ]);
    const back = describeStateChange(offlined, base, 1);
    expect(back).toContain('online [8, 16) n0 ZONE_MOVABLE');
    expect(back.some((p) => p.startsWith('pageblocks'))).toBe(false);
    // a pageblock type change inside present memory is still listed, as a pfn range
    const isolated: Snapshot = { ...base, pageblocks: [...pb(0, 8), ...pb(8, 12).map((p) => ({ ...p, migratetype: 'MIGRATE_ISOLATE' as const })), ...pb(12, 16)] };
    expect(describeStateChange(base, isolated, 1)).toEqual(['pageblocks: [8, 12) MOVABLE→ISOLATE']);
  });

  test('policies, cpusets, the interleave cursor and cma_alloc ranges', () => {
    const policy = { mode: 'MPOL_INTERLEAVE', nodes: [0, 1], cpusetMems: [0, 1], private: false };
    const after: Snapshot = {
      ...faulted,
      tasks: [{ ...task, mems: [0, 1], policy, ilPrev: 1 }],
      vmas: [{ ...faulted.vmas[0]!, policy: { mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1], private: false } }],
      cmaAllocations: [{ handle: 'c1', area: 0, pfn: 8, nrPages: 4 }],
    };
    expect(describeStateChange(faulted, after, 1)).toEqual([
      'v1 policy none→MPOL_BIND[1]',
      'cma: +c1 [8, 12) area 0',
      'tid 1 mems [0]→[0,1], policy MPOL_DEFAULT→MPOL_INTERLEAVE[0,1], ilPrev -1→1',
    ]);
    const rebound: Snapshot = { ...after, tasks: [{ ...after.tasks[0]!, policy: { ...policy, nodes: [2], cpusetMems: [0, 2] } }], cmaAllocations: [] };
    expect(describeStateChange(after, rebound, 1)).toEqual(['cma: -c1 [8, 12)', 'tid 1 policy MPOL_INTERLEAVE[0,1]→MPOL_INTERLEAVE[2] (cpuset [0,1]→[0,2])']);
  });

  test('SVG: user, pinned and kernel folios and offline pages are told apart', () => {
    const s: Snapshot = {
      ...pinned,
      zones: [z('ZONE_NORMAL', 0, [[1], [2], []], 3), z('ZONE_MOVABLE', 8, [[], [], [8]], 4, 4)],
      memory: [memory[0]!, { pfn: 8, nrPages: 4, nid: 0, zone: 'ZONE_MOVABLE' }],
      offline: [{ pfn: 12, nrPages: 4 }],
      pageblocks: pb(0, 12),
      folios: [
        pinned.folios[0]!,
        { pfn: 4, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 1 },
        { pfn: 5, order: 0, nid: 0, zone: 'ZONE_NORMAL', refcount: 1, pincount: 0, mapped: 0 },
      ],
    };
    const svg = renderMemoryMap({ snapshot: s, pageblockOrder: 1, title: 't' });
    expect(svg).toContain('<title>pfn 0: maybe DMA-pinned folio pfn 0 o0 (refcount 1025, mapped 1), pageblock MOVABLE</title>');
    expect(svg).toContain('<title>pfn 4: user-mapped folio pfn 4 o0 (refcount 1, mapped 1), pageblock MOVABLE</title>');
    expect(svg).toContain('<title>pfn 5: kernel or unmapped folio pfn 5 o0 (refcount 1, mapped 0), pageblock MOVABLE</title>');
    expect(svg).toContain('class="pin"');
    // [12, 16) is outside ZONE_MOVABLE's shrunk span: a band of its own
    expect(svg).toContain('<text x="8" y="');
    expect(svg).toContain('>offline</text>');
    expect(svg).toContain('<title>pfn 12: offline (range [12, 16))</title>');
    expect(svg.match(/class="cell"><title>/g)).toHaveLength(8 + 4 + 4);
  });
});

describe('private memory nodes', () => {
  const privMachine: MachineConfig = {
    maxOrder: 3,
    pageblockOrder: 1,
    nodes: [
      { nid: 0, zones: { ZONE_NORMAL: [0, 8] } },
      { nid: 1, zones: { ZONE_NORMAL: [8, 8], ZONE_MOVABLE: [16, 8] }, private: { flags: ['NP_OPS_MIGRATION'], callbacks: ['migrate_to', 'folio_migrate'] } },
      { nid: 2, zones: {}, private: { flags: [], callbacks: [] } },
    ],
  };
  test('the machine header: private zones marked, one ops line per private node', () => {
    expect(describeMachine(privMachine)).toEqual([
      'maxOrder 3, pageblockOrder 1 (2 pages), 24 pages, 3 nodes (2 private)',
      '  node 0 ZONE_NORMAL [0, 8)',
      '  node 1 ZONE_NORMAL [8, 16)  private',
      '  node 1 ZONE_MOVABLE [16, 24)  private',
      '  node 1 is N_MEMORY_PRIVATE, ops: flags NP_OPS_MIGRATION; callbacks migrate_to, folio_migrate',
      '  node 2 (memoryless)   private',
      '  node 2 is N_MEMORY_PRIVATE, ops: flags 0; no callbacks',
    ]);
    expect(zoneRows(privMachine)[0]?.private).toBe('');
    expect(formatPrivateOps({ flags: [], callbacks: ['migrate_to'] })).toBe('flags 0; callbacks migrate_to');
  });
  test('ops, results and events of the private-node vocabulary', () => {
    expect(formatOp({ op: 'node_private_set_ops', nid: 1, flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] })).toBe(
      'node_private_set_ops(nid=1, flags=NP_OPS_MIGRATION|NP_OPS_MEMPOLICY, callbacks=[migrate_to,folio_migrate])',
    );
    expect(formatOp({ op: 'node_private_set_ops', nid: 1, flags: [], callbacks: [] })).toBe('node_private_set_ops(nid=1, flags=0, callbacks=[])');
    expect(formatOp({ op: 'node_private_clear_ops', nid: 1 })).toBe('node_private_clear_ops(nid=1)');
    expect(formatOp({ op: 'read_sysfs', attr: 'has_memory' })).toBe('read_sysfs(has_memory)');
    expect(formatResult({ ret: 0, nodes: [0, 2] }, { op: 'read_sysfs', attr: 'has_memory' })).toBe('nodes [0, 2]');
    expect(formatResult({ ret: 0, nodes: [] })).toBe('nodes []');
    expect(formatResult({ ret: '-ENOENT' }, { op: 'read_sysfs', attr: 'online' })).toBe('-ENOENT');
    expect(
      formatEvents([
        { kind: 'mpol-private' },
        { kind: 'private-gate' },
        { kind: 'private-gate' },
        { kind: 'private-placement', path: 'migrate_to' },
        { kind: 'private-migrate-refused', reason: 'move_pages' },
        { kind: 'private-pin' },
      ]),
    ).toBe('MPOL_F_PRIVATE, private gate skip ×2, private placement (migrate_to), private migrate refused (move_pages), longterm pin on private node');
  });
  test('state changes: MPOL_F_PRIVATE policies and private nodes\' ops', () => {
    const s0: Snapshot = { ...initial, privateNodes: [{ nid: 1, ops: { flags: [], callbacks: [] } }] };
    const priv = { mode: 'MPOL_BIND', nodes: [1], cpusetMems: [0, 1], private: true };
    const s1: Snapshot = {
      ...s0,
      tasks: [{ tid: 1, nid: 0, mems: [0, 1], policy: priv, ilPrev: -1 }],
      privateNodes: [{ nid: 1, ops: { flags: ['NP_OPS_MIGRATION', 'NP_OPS_MEMPOLICY'], callbacks: ['migrate_to', 'folio_migrate'] } }],
    };
    expect(describeStateChange(s0, s1, 1)).toEqual([
      'tid 1 mems [0]→[0,1], policy MPOL_DEFAULT→MPOL_BIND[1]|MPOL_F_PRIVATE',
      'n1 ops 0 (no callbacks)→MIGRATION|MEMPOLICY (migrate_to, folio_migrate)',
    ]);
    // a rebind that drops the private node clears the flag; clear_ops leaves no ops
    const s2: Snapshot = { ...s1, tasks: [{ ...s1.tasks[0]!, policy: { ...priv, nodes: [0], private: false } }], privateNodes: [{ nid: 1, ops: null }] };
    expect(describeStateChange(s1, s2, 1)).toEqual([
      'tid 1 policy MPOL_BIND[1]|MPOL_F_PRIVATE→MPOL_BIND[0]',
      'n1 ops MIGRATION|MEMPOLICY (migrate_to, folio_migrate)→none',
    ]);
    expect(describeUserState(s2)).toContain('private node 1: ops none; no folios');
  });
  test('SVG: a private node\'s zones sit in a dashed frame, labelled with its ops', () => {
    const z1: ZoneSnapshot = { ...zone([[], [], [], [8]], 8), nid: 1, startPfn: 8 };
    const s: Snapshot = {
      ...initial,
      zones: [zone([[], [], [], [0]], 8), z1],
      pageblocks: [0, 2, 4, 6, 8, 10, 12, 14].map((pfn) => ({ pfn, migratetype: 'MIGRATE_MOVABLE' as const })),
      privateNodes: [{ nid: 1, ops: { flags: ['NP_OPS_LONGTERM_PIN'], callbacks: [] } }],
    };
    const svg = renderMemoryMap({ snapshot: s, pageblockOrder: 1, title: 't' });
    expect(svg).toContain('>node 1 ZONE_NORMAL (private)</text>');
    expect(svg).toContain('>ops LONGTERM_PIN (no callbacks)</text>');
    expect(svg).toContain('<title>node 1 ZONE_NORMAL (private): a zone of an N_MEMORY_PRIVATE node</title>');
    expect(svg.match(/class="private"/g)).toHaveLength(1);
    expect(svg).toContain('>node 0 ZONE_NORMAL</text>');
    expect(renderMemoryMap({ snapshot: initial, pageblockOrder: 1, title: 't' })).not.toContain('class="private"');
  });
  test('Markdown: a private column in the machine table', () => {
    const t: Trace = { format: 'mmcheck/trace@1', profile: 'private-nodes-v4', machine: privMachine, ops: [] };
    const md = renderMarkdown({ trace: t, run: { steps: [], violations: [], divergences: [] } });
    expect(md).toContain('| node | zone | pfns | pages | CMA | private |');
    expect(md).toContain('| 1 | ZONE_MOVABLE | [16, 24) | 8 |  | flags NP_OPS_MIGRATION; callbacks migrate_to, folio_migrate |');
    expect(md).toContain('| 0 | ZONE_NORMAL | [0, 8) | 8 |  |  |');
  });
});
