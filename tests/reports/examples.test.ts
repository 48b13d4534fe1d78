// Every example runs clean under its profile (linux-6.12, or a private-nodes-* profile for
// private-*.json) and does what its note says, result for result; an example with meta.expect
// (private-v3-leak.json) violates exactly that invariant. The README lists every example. Then the
// renderers on real recorded runs of a few examples.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { runTrace } from '../../properties/lockstep.js';
import { renderCounterexample } from '../../reports/counterexample.js';
import { formatResult } from '../../reports/render/compact.js';
import { describeUserState } from '../../reports/render/state-diff.js';
import { renderMemoryMap } from '../../reports/render/svg.js';
import { parseTrace } from '../../reports/trace/index.js';
import type { ProfileName } from '../../model/api/index.js';

const DIR = resolve(import.meta.dirname, '../../examples');

/** The compact result of every step (what the notes describe). */
const EXPECTED: Record<string, string[]> = {
  'expand-split.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'k2 pfn 1 n0 ZONE_NORMAL MOVABLE',
    'k3 pfn 2 n0 ZONE_NORMAL MOVABLE',
    'k4 pfn 4 n0 ZONE_NORMAL MOVABLE',
    'k5 pfn 8 n0 ZONE_NORMAL MOVABLE',
  ],
  'merge-on-free.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'k2 pfn 1 n0 ZONE_NORMAL MOVABLE',
    'k3 pfn 2 n0 ZONE_NORMAL MOVABLE',
    'k4 pfn 3 n0 ZONE_NORMAL MOVABLE',
    '0', '0', '0', '0',
  ],
  'merge-gate-cma.json': ['k1 pfn 0 n0 ZONE_NORMAL MOVABLE', 'k2 pfn 8 n0 ZONE_NORMAL MOVABLE', '0', '0'],
  'cma-only-movable.json': ['k1 pfn 0 n0 ZONE_NORMAL MOVABLE', '-ENOMEM', 'k2 pfn 4 n0 ZONE_NORMAL CMA'],
  'zonelist-fallback.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'k2 pfn 16 n2 ZONE_NORMAL MOVABLE',
    'k3 pfn 8 n1 ZONE_NORMAL MOVABLE',
    '-ENOMEM',
    '0',
    '0',
    'k4 pfn 16 n2 ZONE_NORMAL MOVABLE',
  ],
  'thisnode.json': ['k1 pfn 0 n0 ZONE_NORMAL MOVABLE', '-ENOMEM', 'k2 pfn 8 n1 ZONE_NORMAL MOVABLE', 'k3 pfn 9 n1 ZONE_NORMAL MOVABLE'],
  'gfp-zone.json': [
    'k1 pfn 0 n0 ZONE_DMA MOVABLE',
    'k2 pfn 8 n0 ZONE_DMA32 MOVABLE',
    'k3 pfn 16 n0 ZONE_NORMAL MOVABLE',
    'k4 pfn 17 n0 ZONE_NORMAL MOVABLE',
    'k5 pfn 18 n0 ZONE_NORMAL MOVABLE',
    'k6 pfn 24 n0 ZONE_MOVABLE MOVABLE',
    '-EINVAL',
    '-EINVAL',
    '-EINVAL',
  ],
  'refcount-1024-false-positive.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'g1',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1023 pincount=0 maybe_dma_pinned=false mapped=0',
    'g2',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1024 pincount=0 maybe_dma_pinned=true mapped=0',
    '0',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1023 pincount=0 maybe_dma_pinned=false mapped=0',
    '0',
    '0',
  ],
  'refcount-wrap.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'g1',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=-2147483648 pincount=0 maybe_dma_pinned=true mapped=0',
    '0',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=0',
    '0',
    '-EBADF',
  ],
  'longterm-pin-movable.json': [
    'v1',
    '1 page faulted: [0] pfn 8 n0 ZONE_MOVABLE',
    '1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1025 pincount=0 maybe_dma_pinned=true mapped=1',
    '0',
    '0',
  ],
  'longterm-pin-cma.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'v1',
    '1 page faulted: [0] pfn 4 n0 ZONE_NORMAL',
    '0',
    '1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1025 pincount=0 maybe_dma_pinned=true mapped=1',
    '0',
  ],
  'longterm-pin-enomem.json': [
    'v1',
    '1 page faulted: [0] pfn 8 n0 ZONE_MOVABLE',
    'g1',
    '-ENOMEM',
    'pfn 8 o0 n0 ZONE_MOVABLE MOVABLE refcount=2 pincount=0 maybe_dma_pinned=false mapped=1',
    '0',
    '1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated',
    '0',
  ],
  'pin-bad-flags.json': [
    'v1',
    '2 pages faulted: [0..1] pfn 0..1 n0 ZONE_NORMAL',
    '0 pages',
    '-EINVAL',
    '-EINVAL',
    '2 pages, u1, migrated: 0; [0..1] pfn 0..1 n0 ZONE_NORMAL',
    '0',
  ],
  'user-1024-false-positive.json': [
    'v1',
    '2 pages faulted: [0..1] pfn 0..1 n0 ZONE_NORMAL',
    'g1',
    '1 page, u1, migrated: 0; [1] pfn 1 n0 ZONE_NORMAL',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1025 pincount=0 maybe_dma_pinned=true mapped=1',
    'pfn 1 o0 n0 ZONE_NORMAL MOVABLE refcount=1025 pincount=0 maybe_dma_pinned=true mapped=1',
    '0',
    '0',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
  ],
  'pin-overflow.json': [
    'v1',
    '1 page faulted: [0] pfn 0 n0 ZONE_NORMAL',
    'g1',
    '1 page, u1, migrated: 0; [0] pfn 0 n0 ZONE_NORMAL',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=-2147482625 pincount=0 maybe_dma_pinned=true mapped=1',
    '-ENOMEM',
    '-ENOMEM',
    '0',
    '0',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
  ],
  'large-folio-pin.json': [
    'v1',
    '4 pages faulted: [0..3] pfn 0..3 n0 ZONE_NORMAL',
    'pfn 0 o2 n0 ZONE_NORMAL MOVABLE refcount=4 pincount=0 maybe_dma_pinned=false mapped=4',
    '2 pages, u1, migrated: 0; [1..2] pfn 1..2 n0 ZONE_NORMAL',
    'pfn 0 o2 n0 ZONE_NORMAL MOVABLE refcount=6 pincount=2 maybe_dma_pinned=true mapped=4',
    '4 pages, g1, migrated: 0; [0..3] pfn 0..3 n0 ZONE_NORMAL',
    'pfn 0 o2 n0 ZONE_NORMAL MOVABLE refcount=10 pincount=2 maybe_dma_pinned=true mapped=4',
    '0',
    '0',
    'pfn 0 o2 n0 ZONE_NORMAL MOVABLE refcount=4 pincount=0 maybe_dma_pinned=false mapped=4',
  ],
  'unpin-frees-unmapped.json': [
    'v1',
    '1 page faulted: [0] pfn 0 n0 ZONE_NORMAL',
    '1 page, u1, migrated: 0; [0] pfn 0 n0 ZONE_NORMAL',
    '0',
    '0',
  ],
  'offline-movable.json': [
    'v1',
    '2 pages faulted: [0..1] pfn 8..9 n0 ZONE_MOVABLE',
    '0',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
    'k1 pfn 2 n0 ZONE_NORMAL MOVABLE',
  ],
  'offline-eintr.json': [
    'k1 pfn 8 n0 ZONE_MOVABLE MOVABLE',
    '-EINTR',
    '0',
    'v1',
    '1 page faulted: [0] pfn 8 n0 ZONE_MOVABLE',
    'g1',
    '-EINTR',
    '0',
    '0',
  ],
  'offline-ebusy.json': ['k1 pfn 0 n0 ZONE_NORMAL MOVABLE', '-EBUSY', '0', '-ENOMEM'],
  'online-movable.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    '0',
    'k2 pfn 8 n0 ZONE_MOVABLE MOVABLE',
    'k3 pfn 1 n0 ZONE_NORMAL MOVABLE',
    'v1',
    '1 page faulted: [0] pfn 9 n0 ZONE_MOVABLE',
  ],
  'cma-alloc.json': [
    'v1',
    '1 page faulted: [0] pfn 8 n0 ZONE_MOVABLE',
    'c1 pfn 8 n0 ZONE_MOVABLE',
    '1 page faulted: [1] pfn 13 n0 ZONE_MOVABLE',
    'g1',
    '-EBUSY',
    '0',
    'c2 pfn 12 n0 ZONE_MOVABLE',
    '0',
  ],
  'interleave.json': [
    '0',
    'v1',
    '4 pages faulted: [0] pfn 0 n0 ZONE_NORMAL, [1] pfn 8 n1 ZONE_NORMAL, [2] pfn 1 n0 ZONE_NORMAL, [3] pfn 9 n1 ZONE_NORMAL',
    'pfn 8 o0 n1 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
  ],
  'mbind-move.json': [
    'v1',
    '2 pages faulted: [0..1] pfn 0..1 n0 ZONE_NORMAL',
    '0',
    '1 page faulted: [2] pfn 10 n1 ZONE_NORMAL',
    'pfn 8 o0 n1 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
  ],
  'cpuset-rebind.json': [
    '0',
    'v1',
    '1 page faulted: [0] pfn 8 n1 ZONE_NORMAL',
    '0',
    'v2',
    '1 page faulted: [0] pfn 16 n2 ZONE_NORMAL',
    'pfn 8 o0 n1 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
  ],
  'move-pages.json': [
    'v1',
    '1 page faulted: [0] pfn 0 n0 ZONE_NORMAL',
    'status: node 1',
    'status: node 1',
    'status: -ENOENT',
    '-ENODEV',
    'g1',
    'status: -EBUSY',
    '0',
    '0',
    '-EACCES',
  ],
  // private memory nodes (profiles private-nodes-*)
  'private-gfp-gate.json': [
    '-ENOMEM',
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'k2 pfn 8 n1 ZONE_NORMAL MOVABLE',
    'k3 pfn 1 n0 ZONE_NORMAL MOVABLE',
    'nodes [1]',
    'nodes [0]',
  ],
  'private-longterm-pin.json': [
    'v1',
    '0',
    '1 page faulted: [0] pfn 8 n1 ZONE_MOVABLE',
    '1 page, u1, migrated: 0; [0] pfn 8 n1 ZONE_MOVABLE',
    'pfn 8 o0 n1 ZONE_MOVABLE MOVABLE refcount=1025 pincount=0 maybe_dma_pinned=true mapped=1',
    '0',
  ],
  'private-mempolicy.json': [
    'v1',
    '0',
    '2 pages faulted: [0..1] pfn 8..9 n1 ZONE_MOVABLE',
    'pfn 8 o0 n1 ZONE_MOVABLE MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
    '-EINVAL',
    '-EINVAL',
    '0',
    'v2',
    '1 page faulted: [0] pfn 0 n0 ZONE_NORMAL',
  ],
  'private-migrate-out.json': [
    'v1',
    '1 page faulted: [0] pfn 0 n0 ZONE_NORMAL',
    'status: node 1',
    'status: -ENOENT',
    'status: -ENOENT',
    '0',
    'pfn 8 o0 n1 ZONE_MOVABLE MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
  ],
  'private-migrate-to.json': [
    'v1',
    '2 pages faulted: [0..1] pfn 0..1 n0 ZONE_NORMAL',
    'status: node 1',
    'pfn 8 o0 n1 ZONE_MOVABLE MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
    'status: -ENODEV',
    'status: node 0',
  ],
  'private-pin-enomem.json': [
    'v1',
    '1 page faulted: [0] pfn 0 n0 ZONE_NORMAL',
    'status: node 1',
    '-ENOMEM',
    'pfn 8 o0 n1 ZONE_NORMAL MOVABLE refcount=1 pincount=0 maybe_dma_pinned=false mapped=1',
  ],
  'private-pin-migrates.json': [
    'v1',
    '0',
    '1 page faulted: [0] pfn 8 n1 ZONE_NORMAL',
    '1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated',
    'pfn 0 o0 n0 ZONE_NORMAL MOVABLE refcount=1025 pincount=0 maybe_dma_pinned=true mapped=1',
    '0',
  ],
  'private-set-ops.json': [
    'nodes [0]',
    '-EINVAL',
    '-EINVAL',
    '-EINVAL',
    '-EINVAL',
    '-EINVAL',
    '-EINVAL',
    '-ENODEV',
    '-EINVAL',
    '0',
    'nodes [0, 1]',
    '0',
    'nodes [0]',
    '-EINVAL',
    '-ENODEV',
    'nodes [1]',
  ],
  'private-v3-leak.json': [
    'k1 pfn 0 n0 ZONE_NORMAL MOVABLE',
    'k2 pfn 8 n1 ZONE_NORMAL MOVABLE',
  ],
  'private-zone-pin.json': [
    'v1',
    '0',
    '1 page faulted: [0] pfn 8 n1 ZONE_NORMAL',
    '1 page, u1, migrated: 0; [0] pfn 8 n1 ZONE_NORMAL',
    'v2',
    '0',
    '1 page faulted: [0] pfn 16 n2 ZONE_MOVABLE',
    '1 page, u2, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated',
    '-ENOMEM',
    'k1 pfn 9 n1 ZONE_NORMAL MOVABLE',
  ],
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

test('the expectation table and the README cover every example', () => {
  // the private-nodes examples are listed with their key output in their own section
  expect(files).toEqual(Object.keys(EXPECTED).sort());
  const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
  for (const f of files) expect(readme).toContain(`npm run -s mmcheck -- run examples/${f}`);
});

for (const file of files) {
  test(`${file} is valid, has a note, runs as expected under its profile and gives the results its note describes`, () => {
    const parsed = parseTrace(readFileSync(join(DIR, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${parsed.path}: ${parsed.message}`);
    if (file.startsWith('private-')) expect(parsed.trace.profile).toMatch(/^private-nodes-/);
    else expect(parsed.trace.profile).toBe('linux-6.12');
    expect(parsed.trace.meta?.note).toBeTruthy();
    const out = runTrace(parsed.trace);
    expect(out.divergences).toEqual([]);
    const expectId = parsed.trace.meta?.expect;
    if (expectId === undefined) {
      expect(out.violations).toEqual([]);
    } else {
      // an expected-violation example: that invariant and nothing else, and its note says so
      expect(out.violations.length).toBeGreaterThan(0);
      expect(new Set(out.violations.map((v) => v.id))).toEqual(new Set([expectId]));
      expect(parsed.trace.meta?.note).toContain('NOT clean');
    }
    expect(out.steps.map((s) => formatResult(s.result, s.op))).toEqual(EXPECTED[file]);
  });
}

test('only private-v3-leak.json expects a violation: private/no-leak at the GFP_KERNEL|__GFP_THISNODE step', () => {
  const withExpect = files.filter((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')).meta?.expect !== undefined);
  expect(withExpect).toEqual(['private-v3-leak.json']);
  const { recorded } = rendered('private-v3-leak.json');
  expect(recorded.violations.map((v) => [v.step, v.id])).toEqual([[1, 'private/no-leak']]);
  expect(recorded.violations[0]?.message).toContain('on private node 1');
});

/** The compact results of an example run under another profile (`run --profile`). */
function resultsUnder(file: string, profile: ProfileName): { results: string[]; findings: string[] } {
  const parsed = parseTrace(readFileSync(join(DIR, file), 'utf8'), { profile });
  if (!parsed.ok) throw new Error(`${parsed.path}: ${parsed.message}`);
  const out = runTrace(parsed.trace);
  return { results: out.steps.map((s) => formatResult(s.result, s.op)), findings: [...out.violations, ...out.divergences].map((f) => f.id) };
}

test('the design variants differ in results: the zone-pin example under v4, the v3 leak under v4 and zone-pin', () => {
  const zonePin = resultsUnder('private-zone-pin.json', 'private-nodes-v4');
  expect(zonePin.findings).toEqual([]);
  // v4: the flag decides, so the two pins swap; the non-movable GFP_PRIVATE allocation is allowed
  expect(zonePin.results[3]).toBe('1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated');
  expect(zonePin.results[7]).toBe('1 page, u2, migrated: 0; [0] pfn 16 n2 ZONE_MOVABLE');
  expect(zonePin.results[8]).toBe('k1 pfn 8 n1 ZONE_NORMAL MOVABLE');
  for (const profile of ['private-nodes-v4', 'private-nodes-zone-pin'] as const) {
    expect(resultsUnder('private-v3-leak.json', profile)).toEqual({ results: ['k1 pfn 0 n0 ZONE_NORMAL MOVABLE', '-ENOMEM'], findings: [] });
  }
  // a private-node example is not a valid linux-6.12 trace
  const mainline = parseTrace(readFileSync(join(DIR, 'private-gfp-gate.json'), 'utf8'), { profile: 'linux-6.12' });
  expect(mainline.ok || `${mainline.path}: ${mainline.message}`).toBe('machine.nodes[1].private: profile linux-6.12 does not allow private nodes');
});

/** The recorded run of an example, and its report. */
function rendered(file: string) {
  const parsed = parseTrace(readFileSync(join(DIR, file), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.message);
  const recorded = runTrace(parsed.trace, { recordSnapshots: true });
  return { trace: parsed.trace, recorded, report: renderCounterexample(parsed.trace, recorded, { outDir: 'unused' }) };
}

test('a real recorded run of an example renders the exact split', () => {
  const { report: r } = rendered('expand-split.json');
  expect(r.name).toBe('linux-6.12-clean-noseed');
  expect(r.markdown).toContain('alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@0, +o2 MOVABLE@4, +o1 MOVABLE@2, +o0 MOVABLE@1; NR_FREE_PAGES 16→15');
  expect(r.markdown).toContain('The trace ran clean');
  expect(r.markdown).not.toContain('## Final state');
});

test('a real longterm pin renders its migration: the pte moves, the pinned folio shows in the memory map', () => {
  const { trace, recorded, report: r } = rendered('longterm-pin-movable.json');
  expect(r.markdown).toContain(
    '| 2 | `pin_user_pages(v1[0], nr=1, gup_flags=FOLL_LONGTERM)` | `1 page, u1, migrated: 1; [0] pfn 0 n0 ZONE_NORMAL migrated` | ' +
      'free pfn 8 o0; alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE; refcount 1025, mapped 1); v1[0]: pfn 8 → 0; ',
  );
  expect(r.markdown).toContain('| 4 | `unpin_user_pages(u1)` | `0` | pfn 0: refcount 1025→1; handles: -u1 (pfn 0) |');
  expect(r.markdown).toContain('| 5 | `munmap(v1)` | `0` | free pfn 0 o0; v1[0] unmapped (pfn 0); ');
  const pinned = recorded.steps[2]?.after;
  if (!pinned) throw new Error('no snapshot');
  const svg = renderMemoryMap({ snapshot: pinned, pageblockOrder: trace.machine.pageblockOrder, title: 'after the pin' });
  expect(svg).toContain('<title>pfn 0: maybe DMA-pinned folio pfn 0 o0 (refcount 1025, mapped 1), pageblock MOVABLE</title>');
  expect(describeUserState(pinned)).toEqual([
    'tid 1 (node 0, mems [0]): MPOL_DEFAULT',
    'v1 (tid 1, 1 page): [0] → pfn 0',
    'maybe DMA-pinned: pfn 0 o0 (n0 ZONE_NORMAL; refcount 1025)',
  ]);
});

test('a real offline renders the range leaving its zone', () => {
  const { report: r } = rendered('offline-ebusy.json');
  expect(r.markdown).toContain('| 1 | `offline_pages(startPfn=0, pages=4)` | `-EBUSY` | events: isolate failed (unmovable) |');
  expect(r.markdown).toContain('managed 8→4; present 8→4; spanned 8→4; offline [4, 8) n0 ZONE_NORMAL');
  expect(r.markdown).toContain('- offline: [4, 8)');
  expect(r.svg).toContain('<title>pfn 4: offline (range [4, 8))</title>');
});

test('a real private-node run renders its ops, MPOL_F_PRIVATE, sysfs results and the private zone in the memory map', () => {
  const { trace, recorded, report: r } = rendered('private-set-ops.json');
  expect(r.markdown).toContain('| node | zone | pfns | pages | CMA | private |');
  expect(r.markdown).toContain('| 1 | ZONE_MOVABLE | [8, 16) | 8 |  | flags 0; no callbacks |');
  expect(r.markdown).toContain(
    '| 9 | `node_private_set_ops(nid=1, flags=NP_OPS_MIGRATION\\|NP_OPS_MEMPOLICY, callbacks=[migrate_to,folio_migrate])` | `0` | ' +
      'n1 ops 0 (no callbacks)→MIGRATION\\|MEMPOLICY (migrate_to, folio_migrate) |',
  );
  expect(r.markdown).toContain('| 10 | `read_sysfs(has_memory)` | `nodes [0, 1]` | no change |');
  expect(r.markdown).toContain('| 11 | `node_private_clear_ops(nid=1)` | `0` | n1 ops MIGRATION\\|MEMPOLICY (migrate_to, folio_migrate)→none |');
  expect(r.markdown).toContain('- private node 1: ops none; no folios');
  expect(r.svg).toContain('node 1 ZONE_MOVABLE (private)');
  expect(r.svg).toContain('class="private"');
  expect(r.svg).toContain('dashed purple frame: a zone of a private node');
  expect(r.svg).not.toContain('node 0 ZONE_NORMAL (private)');
  expect(trace.profile).toBe('private-nodes-v4');
  expect(recorded.steps).toHaveLength(16);

  const pin = rendered('private-pin-migrates.json');
  expect(pin.report.markdown).toContain('| 1 | `mbind(v1, mode=MPOL_BIND, nodes=[1])` | `0` | v1 policy none→MPOL_BIND[1]\\|MPOL_F_PRIVATE; events: MPOL_F_PRIVATE |');
  expect(pin.report.markdown).toContain('events: expand o3→o0, private placement (fault), fault o0 |');
  expect(pin.report.markdown).toContain('private gate skip');
  expect(pin.report.markdown).toContain('migrate (longterm) ZONE_NORMAL→ZONE_NORMAL remote');
  expect(pin.report.markdown).toContain('- v1 (tid 1, 1 page, policy MPOL_BIND[1]\\|MPOL_F_PRIVATE): [0] → pfn 0');
});
