// `mmcheck run FILE [--impl both|spec|impl] [--profile NAME] [--json]`
import type { Trace } from '../../model/api/index.js';
import { runTrace, type ImplChoice, type RunOutcome } from '../../properties/lockstep.js';
import { describeMachine } from '../render/machine.js';
import { formatStepTable, formatSummary } from '../render/text.js';
import { booleanFlag, choiceFlag, fileArg, parseArgs, profileFlag, type Io } from './args.js';
import { affordableToRecord, loadTrace } from './load.js';

export const IMPL_CHOICES: readonly ImplChoice[] = ['both', 'spec', 'impl'];

export const RUN_FLAGS = { '--impl': 'value', '--profile': 'value', '--json': 'boolean' } as const;

export function exitCode(outcome: RunOutcome): number {
  return outcome.violations.length > 0 || outcome.divergences.length > 0 ? 1 : 0;
}

const who = (impl: ImplChoice) => (impl === 'both' ? 'spec and impl in lockstep' : `${impl} only`);

/** The header, the step table and the summary of a run, for people. */
export function printRun(io: Io, trace: Trace, outcome: RunOutcome): void {
  for (const line of describeMachine(trace.machine)) io.out(line);
  io.out('');
  for (const line of formatStepTable(outcome, trace.machine)) io.out(line);
  io.out('');
  for (const line of formatSummary(outcome, trace.ops.length)) io.out(line);
}

/** One JSON line per op, then the summary line (DESIGN.md §8). */
export function printJson(io: Io, outcome: RunOutcome): void {
  for (const s of outcome.steps) io.out(JSON.stringify({ i: s.i, op: s.op.op, result: s.result }));
  io.out(JSON.stringify({ violations: outcome.violations, divergences: outcome.divergences }));
}

export function runCommand(argv: readonly string[], io: Io): number {
  const args = parseArgs('run', argv, RUN_FLAGS);
  const file = fileArg('run', args);
  const impl = choiceFlag(args, '--impl', IMPL_CHOICES) ?? 'both';
  const profile = profileFlag(args);
  const json = booleanFlag(args, '--json');
  const trace = loadTrace(file, profile);
  const outcome = runTrace(trace, { impl, recordSnapshots: !json && affordableToRecord(trace) });
  if (json) {
    printJson(io, outcome);
  } else {
    io.out(`${file}: profile ${trace.profile}, ${trace.ops.length} ops, ${who(impl)}`);
    if (trace.meta?.note) io.out(`note: ${trace.meta.note}`);
    printRun(io, trace, outcome);
  }
  return exitCode(outcome);
}
