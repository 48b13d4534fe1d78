// Every example runs clean under linux-6.12 and does what its note says, result for result; the
// README lists every example.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { runTrace } from '../../properties/lockstep.js';
import { formatResult } from '../../reports/render/compact.js';
import { parseTrace } from '../../reports/trace/index.js';

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
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

test('the expectation table and the README cover every example', () => {
  expect(files).toEqual(Object.keys(EXPECTED).sort());
  const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
  for (const f of files) expect(readme).toContain(`npm run -s mmcheck -- run examples/${f}`);
});

for (const file of files) {
  test(`${file} is valid, has a note, runs clean and gives the results its note describes`, () => {
    const parsed = parseTrace(readFileSync(join(DIR, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${parsed.path}: ${parsed.message}`);
    expect(parsed.trace.profile).toBe('linux-6.12');
    expect(parsed.trace.meta?.note).toBeTruthy();
    const out = runTrace(parsed.trace);
    expect([...out.violations, ...out.divergences]).toEqual([]);
    expect(out.steps.map((s) => formatResult(s.result))).toEqual(EXPECTED[file]);
  });
}
