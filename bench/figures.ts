// One function per measured figure. bench.ts runs each in a fresh node process (figure.ts), so no
// figure runs on JIT feedback or heap state left behind by another; every figure warms up first.
import type { Op, OpResult } from '../model/api/index.js';
import { createImplSystem, ImplSystem } from '../model/impl/index.js';
import { PROFILES } from '../model/profiles.js';
import { createSpecSystem } from '../model/spec/index.js';
import { FLAT_64K, MACHINE_64GIB, MACHINE_64K, machinePages } from './machines.js';
import { bestOf, collect, median, timed } from './measure.js';
import { recordStream, type Stream } from './stream.js';
import { GUP_MACHINE, recordGupStream } from './gup_stream.js';
import { fuzz } from '../properties/fuzz.js';

const PROFILE = PROFILES['linux-6.12'];
const ALLOC0: Op = { op: 'alloc_pages', gfp: ['GFP_KERNEL'], order: 0 };
/** ops in the mixed stream */
export const MIXED_OPS = 60_000;

/** ops in the GUP stream */
export const GUP_OPS = 40_000;

export type Figures = Record<string, number | boolean>;

/**
 * Order-0 GFP_KERNEL alloc+free pairs per second on FLAT_64K. `hold`: one page stays allocated, so
 * every pair takes and returns the same order-0 block (the hot path); otherwise every pair splits an
 * order-10 block down to order 0 and merges it back up.
 */
function pairsPerSecond(hold: boolean): number {
  const sys = createImplSystem(FLAT_64K, PROFILE);
  if (hold) sys.apply(ALLOC0);
  const pairs = (n: number) => {
    for (let i = 0; i < n; i++) {
      const r = sys.apply(ALLOC0);
      if (r.ret !== 0 || !('page' in r)) throw new Error('bench: order-0 allocation failed');
      sys.apply({ op: 'free_pages', page: r.page });
    }
  };
  pairs(300_000); // warm-up
  collect();
  const n = 1_000_000;
  return n / (bestOf(() => timed(() => pairs(n)), 5, 1500) / 1000);
}

/** The mixed stream (allocs of orders 0-9 and eleven gfp masks, frees, get/put, queries), recorded on the impl. */
function mixedStream(): Stream {
  return recordStream(createImplSystem(MACHINE_64K, PROFILE), MIXED_OPS, machinePages(MACHINE_64K));
}

function replayImpl(ops: readonly Op[]): number {
  const sys = createImplSystem(MACHINE_64K, PROFILE);
  return timed(() => {
    for (let i = 0; i < ops.length; i++) sys.apply(ops[i]!);
  });
}

function replaySpec(ops: readonly Op[], out?: OpResult[]): number {
  const sys = createSpecSystem(MACHINE_64K, PROFILE);
  return timed(() => {
    for (let i = 0; i < ops.length; i++) {
      const r = sys.apply(ops[i]!);
      if (out) out[i] = r;
    }
  });
}

/**
 * The GUP-heavy stream (bench/gup_stream.ts), recorded on the impl without keeping its results, so
 * that neither system is timed with allocation sites pretenured by results a warm-up kept alive.
 */
function gupOps(): readonly Op[] {
  return recordGupStream(createImplSystem(GUP_MACHINE, PROFILE), GUP_OPS, machinePages(GUP_MACHINE), undefined, undefined, false).ops;
}

function replayOn(create: typeof createImplSystem, ops: readonly Op[], out?: OpResult[]): number {
  const sys = create(GUP_MACHINE, PROFILE);
  return timed(() => {
    for (let i = 0; i < ops.length; i++) {
      const r = sys.apply(ops[i]!);
      if (out) out[i] = r;
    }
  });
}

export const FIGURES: Record<string, () => Figures> = {
  pairs_hot: () => ({ impl_alloc_free_pairs_per_s: pairsPerSecond(true) }),

  pairs_split: () => ({ impl_alloc_free_pairs_split_merge_per_s: pairsPerSecond(false) }),

  mixed_impl: () => {
    const { ops } = mixedStream();
    replayImpl(ops); // warm-up
    collect();
    return { impl_mixed_ops_per_s: ops.length / (bestOf(() => replayImpl(ops), 10, 2000) / 1000), mixed_stream_ops: ops.length };
  },

  mixed_spec: () => {
    const stream = mixedStream();
    collect();
    // warm-up run, checked: the spec must make the same choices as the impl, result for result
    const results: OpResult[] = new Array(stream.ops.length);
    replaySpec(stream.ops, results);
    const agree = results.every((r, i) => JSON.stringify(r) === JSON.stringify(stream.results[i]));
    collect();
    return { spec_mixed_ops_per_s: stream.ops.length / (bestOf(() => replaySpec(stream.ops), 4, 0) / 1000), mixed_stream_agree: agree };
  },

  gup_impl: () => {
    const ops = gupOps();
    replayOn(createImplSystem, ops); // warm-up
    collect();
    return { impl_gup_ops_per_s: ops.length / (bestOf(() => replayOn(createImplSystem, ops), 10, 2000) / 1000), gup_stream_ops: ops.length };
  },

  gup_spec: () => {
    const ops = gupOps();
    replayOn(createSpecSystem, ops); // warm-up
    collect();
    const perS = ops.length / (bestOf(() => replayOn(createSpecSystem, ops), 3, 0) / 1000);
    // after timing: the spec must give the impl's results, result for result
    const spec: OpResult[] = new Array(ops.length);
    const impl: OpResult[] = new Array(ops.length);
    replayOn(createSpecSystem, ops, spec);
    replayOn(createImplSystem, ops, impl);
    const agree = spec.every((r, i) => JSON.stringify(r) === JSON.stringify(impl[i]));
    return { spec_gup_ops_per_s: perS, gup_stream_agree: agree };
  },

  /** construct the impl for 2^24 pages (64 GiB): median of 3 after a warm-up build; the state's bytes per page */
  build: () => {
    new ImplSystem(MACHINE_64K, PROFILE);
    const times: number[] = [];
    let bytesPerPage = 0;
    for (let i = 0; i < 3; i++) {
      collect();
      let sys: ImplSystem | undefined;
      times.push(timed(() => (sys = new ImplSystem(MACHINE_64GIB, PROFILE))));
      bytesPerPage = sys!.mm.stateBytes() / sys!.mm.pages;
    }
    return { build_64gib_ms: median(times), bytes_per_page: bytesPerPage };
  },

  /**
   * The harness as `npm test` and `mmcheck fuzz` run it: generated machines and op sequences, spec
   * and impl in lockstep, every invariant after every op and a full-state comparison after every op.
   */
  lockstep: () => {
    fuzz({ profile: 'linux-6.12', seed: 1, runs: 300, maxOps: 60 }); // warm-up
    collect();
    const out = fuzz({ profile: 'linux-6.12', seed: 2, runs: 3000, maxOps: 60 });
    if (out.counterexample) throw new Error(`bench: the lockstep campaign found ${out.counterexample.finding.id}`);
    return { lockstep_ops_per_s: out.opsChecked / (out.elapsedMs / 1000), lockstep_ops: out.opsChecked };
  },
};
