// Turning a counterexample into something a kernel developer reads: files in reports/out/ and a
// step table on the console.
import { writeCounterexample } from '../reports/counterexample.js';
import type { Counterexample } from './fuzz.js';
import { INVARIANTS } from './invariants/index.js';
import { runTrace } from './lockstep.js';

export interface CounterexampleReport {
  /** the step table with the finding, the shrink figures and the replay command */
  readonly text: string;
  /** the saved trace (replayable) */
  readonly json: string;
}

/**
 * Replays the counterexample with snapshots and writes it (trace JSON, Markdown step table, SVG),
 * named after its own finding, to outDir (default reports/out/).
 */
export function saveCounterexample(cx: Counterexample, outDir?: string) {
  const run = runTrace(cx.trace, { recordSnapshots: true });
  const claim = INVARIANTS.find((i) => i.id === cx.finding.id)?.claim;
  const written = writeCounterexample(cx.trace, run, {
    finding: cx.finding,
    seed: cx.seed,
    path: cx.path,
    generatedLength: cx.generatedLength,
    ...(claim ? { claim } : {}),
    ...(outDir ? { outDir } : {}),
  });
  return { run, written };
}

/** saveCounterexample, then the text `npm test` prints. */
export function reportCounterexample(cx: Counterexample, outDir?: string): CounterexampleReport {
  const { written } = saveCounterexample(cx, outDir);
  const json = written.paths.find((p) => p.endsWith('.json')) ?? '';
  const text = [
    `counterexample: ${cx.finding.id} at step ${cx.finding.step}: ${cx.finding.message}`,
    `shrunk from ${cx.generatedLength} to ${cx.trace.ops.length} ops (seed ${cx.seed}, path ${cx.path})`,
    written.markdown,
    `saved: ${written.paths.join(', ')}`,
    `replay: npm run -s mmcheck -- replay ${json}`,
  ].join('\n');
  return { text, json };
}
