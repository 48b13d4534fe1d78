// Semantic coverage (DESIGN.md §10): which op outcomes and rule events the executed ops reached,
// counted per run, with minimum shares that fail the suite when the generators stop reaching a path.
import type { MmEvent, OpResult } from '../model/api/index.js';
import type { StepRecord } from './lockstep.js';

/** `alloc_pages → 0`, `free_pages → -EBADF`, … */
export function outcomeKey(op: string, result: OpResult): string {
  return `${op} → ${typeof result.ret === 'string' ? result.ret : result.ret === 0 ? '0' : 'count'}`;
}

/** `event merge o2`, `event fallback MIGRATE_UNMOVABLE→MIGRATE_MOVABLE`, … */
export function eventKey(e: MmEvent): string {
  switch (e.kind) {
    case 'merge':
      return `event merge to o${e.order}`;
    case 'expand':
      return 'event expand';
    case 'fallback':
      return `event fallback ${e.from}→${e.to}`;
    default:
      return `event ${e.kind}`;
  }
}

/**
 * Minimum share of generated runs that must reach each path at least once. They are set well
 * below what the generators reach (see the table `npm test` prints), so a failure means a path
 * became unreachable, not bad luck.
 */
export const MINIMUM_RUN_SHARE: Readonly<Record<string, number>> = {
  'alloc_pages → 0': 0.5,
  'alloc_pages → -ENOMEM': 0.05,
  'alloc_pages → -EINVAL': 0.1,
  'free_pages → 0': 0.2,
  'get_page → 0': 0.05,
  'put_page → 0': 0.02,
  'query → 0': 0.05,
  'event merge to o1': 0.1,
  'event expand': 0.3,
  // merge-retype needs a non-MOVABLE, non-CMA pageblock, which only isolation and hotplug create
  'event merge-gate-stop': 0.002,
  'event cma-alloc': 0.02,
  'event remote-node': 0.02,
  'event refcount-wrap': 0.002,
  'event fallback MIGRATE_UNMOVABLE→MIGRATE_MOVABLE': 0.02,
  'event fallback MIGRATE_RECLAIMABLE→MIGRATE_MOVABLE': 0.005,
};

export class SemanticCoverage {
  runs = 0;
  ops = 0;
  /** total occurrences */
  readonly counts = new Map<string, number>();
  /** runs in which the key occurred at least once */
  readonly runsWith = new Map<string, number>();

  addRun(steps: readonly StepRecord[]): void {
    this.runs += 1;
    this.ops += steps.length;
    const seen = new Set<string>();
    const bump = (k: string) => {
      this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      seen.add(k);
    };
    for (const s of steps) {
      bump(outcomeKey(s.op.op, s.result));
      for (const e of s.events) bump(eventKey(e));
    }
    for (const k of seen) this.runsWith.set(k, (this.runsWith.get(k) ?? 0) + 1);
  }

  merge(other: SemanticCoverage): void {
    this.runs += other.runs;
    this.ops += other.ops;
    for (const [k, v] of other.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + v);
    for (const [k, v] of other.runsWith) this.runsWith.set(k, (this.runsWith.get(k) ?? 0) + v);
  }

  share(key: string): number {
    return this.runs === 0 ? 0 : (this.runsWith.get(key) ?? 0) / this.runs;
  }

  /** Paths below their minimum share, with the share reached. */
  shortfalls(minimums: Readonly<Record<string, number>> = MINIMUM_RUN_SHARE): string[] {
    return Object.entries(minimums)
      .filter(([k, min]) => this.share(k) < min)
      .map(([k, min]) => `${k}: reached in ${(100 * this.share(k)).toFixed(2)}% of runs, minimum ${(100 * min).toFixed(2)}%`);
  }

  table(minimums: Readonly<Record<string, number>> = MINIMUM_RUN_SHARE): string {
    const keys = [...new Set([...this.counts.keys(), ...Object.keys(minimums)])].sort();
    const w = Math.max(...keys.map((k) => k.length), 10);
    const lines = [`${'path'.padEnd(w)}  ${'count'.padStart(9)}  ${'runs %'.padStart(7)}  min %`];
    for (const k of keys) {
      const min = minimums[k];
      lines.push(
        `${k.padEnd(w)}  ${String(this.counts.get(k) ?? 0).padStart(9)}  ${(100 * this.share(k)).toFixed(2).padStart(7)}  ${min === undefined ? '' : (100 * min).toFixed(2)}`,
      );
    }
    return lines.join('\n');
  }
}
