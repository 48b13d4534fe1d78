// The harness tests itself: a test-only wrapper perturbs one result or one counter of the real impl,
// and the campaign must catch it and shrink it to a 1-minimal trace.
import { expect, test } from 'vitest';
import type { MmSystem, MmSystemFactory, Snapshot } from '../model/api/index.js';
import { createImplSystem } from '../model/impl/index.js';
import { createSpecSystem } from '../model/spec/index.js';
import { fuzz } from './fuzz.js';
import type { Factories } from './lockstep.js';
import { isOneMinimal } from './minimize.js';

function perturbed(change: (sys: MmSystem) => MmSystem): Factories {
  const impl: MmSystemFactory = (c, p) => change(createImplSystem(c, p));
  return { spec: createSpecSystem, impl };
}

/** Reports the wrong pfn for an order-0 allocation that landed on an odd pfn. */
const wrongPfn = perturbed((sys) => ({
  apply(op) {
    const r = sys.apply(op);
    if (op.op === 'alloc_pages' && op.order === 0 && 'pfn' in r && r.pfn % 2 === 1) return { ...r, pfn: r.pfn - 1 };
    return r;
  },
  snapshot: () => sys.snapshot(),
}));

/** NR_FREE_PAGES one too high in a zone that holds an order-1 free block next to an allocated folio. */
const wrongCounter = perturbed((sys) => ({
  apply: (op) => sys.apply(op),
  snapshot(): Snapshot {
    const s = sys.snapshot();
    if (s.folios.length === 0) return s;
    return { ...s, zones: s.zones.map((z) => ((z.nrFree[1] ?? 0) > 0 ? { ...z, nrFreePages: z.nrFreePages + 1 } : z)) };
  },
}));

/** Free lists reported in reverse order once a folio is allocated (state only; results agree). */
const reversedLists = perturbed((sys) => ({
  apply: (op) => sys.apply(op),
  snapshot(): Snapshot {
    const s = sys.snapshot();
    if (s.folios.length === 0) return s;
    return { ...s, zones: s.zones.map((z) => ({ ...z, freeLists: z.freeLists.map((byOrder) => byOrder.map((l) => [...l].reverse())) })) };
  },
}));

const cases: [string, Factories, string, number][] = [
  ['a wrong pfn in one result', wrongPfn, 'diff/result', 2],
  ['an off-by-one counter', wrongCounter, 'buddy/counters', 2],
  ['a free list in the wrong order', reversedLists, 'diff/state', 3],
];

for (const [what, factories, id, maxLen] of cases) {
  test(`the harness catches ${what} and shrinks it to a 1-minimal trace`, () => {
    const out = fuzz({ profile: 'linux-6.12', seed: 7, runs: 300, maxOps: 30, factories });
    const cx = out.counterexample;
    expect(cx, 'no counterexample found').toBeDefined();
    if (!cx) return;
    expect(cx.finding.id).toBe(id);
    expect(cx.trace.meta?.expect).toBe(id);
    expect(cx.trace.ops.length).toBeLessThanOrEqual(maxLen);
    expect(isOneMinimal(cx.trace, id, factories)).toBe(true);
  });
}
