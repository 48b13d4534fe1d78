// `mmcheck replay FILE [--impl both|spec|impl] [--profile NAME]`: run a saved counterexample and
// say whether the violation it was saved for (meta.expect) shows up again.
import type { Trace } from '../../model/api/index.js';
import { firstFinding, runTrace, type RunOutcome } from '../../properties/lockstep.js';
import { choiceFlag, fileArg, parseArgs, profileFlag, type Io } from './args.js';
import { affordableToRecord, loadTrace } from './load.js';
import { IMPL_CHOICES, exitCode, printRun } from './run.js';

export const REPLAY_FLAGS = { '--impl': 'value', '--profile': 'value' } as const;

/** `reproduced: …` / `not reproduced: …` / `no expectation recorded …` */
export function verdict(trace: Trace, outcome: RunOutcome): string {
  const expect = trace.meta?.expect;
  const all = [...outcome.violations, ...outcome.divergences];
  const first = firstFinding(outcome);
  if (expect === undefined) {
    return first ? `no expected violation recorded; found ${first.id} at step ${first.step}` : 'no expected violation recorded; the trace runs clean';
  }
  const hit = all.filter((f) => f.id === expect).sort((a, b) => a.step - b.step)[0];
  if (hit) return `reproduced: ${expect} at step ${hit.step}`;
  return first ? `not reproduced: expected ${expect}, found ${first.id} at step ${first.step} instead` : `not reproduced: expected ${expect}, but the trace runs clean`;
}

export function replayCommand(argv: readonly string[], io: Io): number {
  const args = parseArgs('replay', argv, REPLAY_FLAGS);
  const file = fileArg('replay', args);
  const impl = choiceFlag(args, '--impl', IMPL_CHOICES) ?? 'both';
  const trace = loadTrace(file, profileFlag(args));
  const meta = trace.meta ?? {};
  io.out(`replay ${file}: profile ${trace.profile}, ${trace.ops.length} ops`);
  io.out(`  expect: ${meta.expect ?? '(none)'}`);
  io.out(`  seed:   ${meta.seed ?? '(none)'}`);
  io.out(`  path:   ${meta.path !== undefined ? JSON.stringify(meta.path) : '(none)'}`);
  if (meta.note) io.out(`  note:   ${meta.note}`);
  io.out('');
  const outcome = runTrace(trace, { impl, recordSnapshots: affordableToRecord(trace) });
  printRun(io, trace, outcome);
  io.out(verdict(trace, outcome));
  return exitCode(outcome);
}
