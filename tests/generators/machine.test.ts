// Generated machines are valid by construction: the CLI's own validator accepts every one.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { buildMachine, machineArb, machineArbFor, machineParams, validPrivateFlags } from '../../generators/machine.js';
import { NP_OPS_FLAGS as NP } from '../../model/api/index.js';
import { formatInvalid, validateMachine } from '../../reports/trace/index.js';

test('every generated machine passes validation', () => {
  fc.assert(
    fc.property(machineArb, (m) => {
      const r = validateMachine(m, 'linux-6.12');
      if (!r.ok) throw new Error(formatInvalid(r));
    }),
    { numRuns: 500, seed: 1 },
  );
});

test('generated machines reach every zone type, CMA, gaps and several nodes', () => {
  const seen = new Set<string>();
  fc.assert(
    fc.property(machineParams, (p) => {
      const m = buildMachine(p);
      for (const n of m.nodes) {
        for (const z of Object.keys(n.zones)) seen.add(z);
        if (n.cma) seen.add('cma');
      }
      if (m.nodes.length === 3) seen.add('3 nodes');
      if (m.distance) seen.add('distance');
      if (m.tasks?.some((t) => t.mems)) seen.add('mems');
    }),
    { numRuns: 300, seed: 2 },
  );
  expect([...seen].sort()).toEqual(['3 nodes', 'ZONE_DMA', 'ZONE_DMA32', 'ZONE_MOVABLE', 'ZONE_NORMAL', 'cma', 'distance', 'mems']);
});

test('a parameter set builds the exact machine it describes', () => {
  const m = buildMachine({
    maxOrder: 2,
    pageblockOrder: 1,
    startPageblocks: 1,
    nodes: [
      [
        { present: false, maxBlocks: 1, extraPageblocks: 0, gapPageblocks: 0, cma: null },
        { present: false, maxBlocks: 1, extraPageblocks: 0, gapPageblocks: 0, cma: null },
        { present: true, maxBlocks: 1, extraPageblocks: 1, gapPageblocks: 1, cma: [1, 5] },
        { present: true, maxBlocks: 2, extraPageblocks: 0, gapPageblocks: 0, cma: null },
      ],
    ],
    distances: null,
    tasks: [{ node: 4, mems: [2, 0] }],
    private: [null, null],
  });
  expect(m).toEqual({
    maxOrder: 2,
    pageblockOrder: 1,
    nodes: [{ nid: 0, zones: { ZONE_NORMAL: [4, 6], ZONE_MOVABLE: [10, 8] }, cma: [[6, 4]] }],
    tasks: [{ tid: 1, nid: 0, mems: [0] }],
  });
});

test('private-node machines pass validation under private-nodes-v4, with tasks on normal nodes', () => {
  fc.assert(
    fc.property(machineArbFor(true), (m) => {
      const r = validateMachine(m, 'private-nodes-v4');
      if (!r.ok) throw new Error(formatInvalid(r));
      expect(m.nodes[0]?.private).toBeUndefined();
      expect(m.nodes.some((n) => n.private)).toBe(true);
      for (const t of m.tasks ?? []) expect(m.nodes.find((n) => n.nid === t.nid)?.private).toBeUndefined();
    }),
    { numRuns: 300, seed: 3 },
  );
});

test('validPrivateFlags applies node_private_set_ops dependencies', () => {
  expect(validPrivateFlags(NP.NP_OPS_MEMPOLICY | NP.NP_OPS_PROTECT_WRITE)).toBe(NP.NP_OPS_MEMPOLICY | NP.NP_OPS_MIGRATION);
  expect(validPrivateFlags(NP.NP_OPS_COMPACTION)).toBe(NP.NP_OPS_COMPACTION | NP.NP_OPS_MIGRATION);
  expect(validPrivateFlags(NP.NP_OPS_LONGTERM_PIN | 0x100)).toBe(NP.NP_OPS_LONGTERM_PIN);
});
