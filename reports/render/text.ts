// Terminal output for `run`, `replay` and `fuzz`: a step table and a one-paragraph summary.
import type { MachineConfig } from '../../model/api/index.js';
import { changeText, formatFinding, isDivergence, stepRows } from './steps.js';
import type { FindingLike, RunLike } from './types.js';

/**
 * ```
 * step  op                                  result
 *    0  alloc_pages(GFP_KERNEL, order=0)    k1 pfn 0 n0 ZONE_NORMAL MOVABLE
 *         alloc pfn 0 o0 (n0 ZONE_NORMAL MOVABLE); free lists: -o3 MOVABLE@0, +o2 MOVABLE@4, …
 *         !! buddy/counters: …
 * ```
 */
export function formatStepTable(run: RunLike, machine: MachineConfig): string[] {
  const rows = stepRows(run, machine);
  const opWidth = Math.min(48, Math.max(2, ...rows.map((r) => r.op.length)));
  const lines = [`step  ${'op'.padEnd(opWidth)}  result`];
  for (const f of run.violations.concat(run.divergences).filter((f) => f.step < 0)) {
    lines.push(`init  ${''.padEnd(opWidth)}  `, `        !! ${formatFinding(f)}`);
  }
  for (const r of rows) {
    lines.push(`${String(r.i).padStart(4)}  ${r.op.padEnd(opWidth)}  ${r.result}`);
    const change = changeText(r);
    if (change) lines.push(`        ${change}`);
    for (const f of r.findings) lines.push(`        !! ${formatFinding(f)}`);
  }
  return lines;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const where = (f: FindingLike) => (f.step < 0 ? 'initial state' : `step ${f.step}`);

/** `clean: 12 ops, no violation, no divergence` or the list of findings. */
export function formatSummary(run: RunLike, opsInTrace: number): string[] {
  const { violations, divergences } = run;
  if (violations.length === 0 && divergences.length === 0) {
    return [`clean: ${plural(run.steps.length, 'op')}, no violation, no divergence`];
  }
  const stopped = run.steps.length < opsInTrace ? ` (stopped after ${plural(run.steps.length, 'op')} of ${opsInTrace})` : '';
  const lines = [`${plural(violations.length, 'violation')}, ${plural(divergences.length, 'divergence')}${stopped}:`];
  for (const f of [...violations, ...divergences].sort((a, b) => a.step - b.step)) {
    lines.push(`  ${where(f)}: ${isDivergence(f) ? 'divergence ' : ''}${formatFinding(f)}`);
  }
  return lines;
}
