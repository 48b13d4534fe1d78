// Turning a counterexample into something a kernel developer reads: files in reports/out/ and a
// step table on the console.
import { writeCounterexample } from '../reports/counterexample.js';
import type { Counterexample } from './fuzz.js';
import { runTrace } from './lockstep.js';

export function reportCounterexample(cx: Counterexample, outDir = 'reports/out'): string {
  const run = runTrace(cx.trace, { recordSnapshots: true });
  const written = writeCounterexample(cx.trace, run, outDir);
  const md = written.markdown;
  return [
    `counterexample: ${cx.finding.id} at step ${cx.finding.step}: ${cx.finding.message}`,
    `shrunk from ${cx.generatedLength} to ${cx.trace.ops.length} ops (seed ${cx.seed}, path ${cx.path})`,
    md,
    `saved: ${written.paths.join(', ')}`,
    `replay: npm run -s mmcheck -- replay ${written.paths.find((p) => p.endsWith('.json')) ?? ''}`,
  ].join('\n');
}
