// mmcheck's command line (DESIGN.md §8): `npm run -s mmcheck -- <command> …`.
// Exit status: 0 clean, 1 a violation or divergence (or a counterexample), 2 invalid input or usage.
import { pathToFileURL } from 'node:url';
import { PROFILES } from '../model/profiles.js';
import { CliError, processIo, type Io } from './cli/args.js';
import { CI_FUZZ_RUNS, CI_FUZZ_SEED, fuzzCommand } from './cli/fuzz.js';
import { MATRIX_DEFAULT_RUNS, matrixCommand } from './cli/matrix.js';
import { replayCommand } from './cli/replay.js';
import { runCommand } from './cli/run.js';

export const USAGE = `usage: npm run -s mmcheck -- <command> [options]

commands:
  run FILE [--impl both|spec|impl] [--profile NAME] [--json]
      Run a trace, checking every invariant after every op and (with --impl both, the default)
      comparing spec and impl at every step. --json: one JSON line per op, then a summary line.
  replay FILE [--impl both|spec|impl] [--profile NAME]
      Run a saved counterexample, print its meta (expect, seed, path) and the violations found,
      and say whether the expected violation was reproduced.
  fuzz [--profile NAME] [--runs N | --minutes M] [--seed S] [--workers W] [--max-ops N] [--out DIR]
      Generated machines and op sequences in lockstep, shrunk to a 1-minimal trace on failure and
      saved (JSON, Markdown, SVG) to reports/out/ or DIR. Default budget: 1 minute (CI=true:
      ${CI_FUZZ_RUNS} runs, seed ${CI_FUZZ_SEED}). The seed is printed first; --seed reproduces a run.
  matrix [--profiles a,b,...] [--json] [--runs N] [--seed S] [--max-ops N] [--out DIR]
      Every profile × invariant: holds within the budget, or violated with the 1-minimal
      counterexample found (ops, time to find, saved file) and its step table. Default: all
      profiles, ${MATRIX_DEFAULT_RUNS} runs per campaign, seed as for fuzz. Exit 0 when every profile
      violates exactly its expected invariants, 1 otherwise. --json: one object {cells, ok}.
  help
      This text.

exit status: 0 clean, 1 violation, divergence, counterexample or matrix mismatch, 2 invalid input or usage,
             3 internal error (a bug in mmcheck; the stack trace follows)
profiles: ${Object.keys(PROFILES).join(', ')}`;

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case 'run':
        return runCommand(rest, io);
      case 'replay':
        return replayCommand(rest, io);
      case 'fuzz':
        return await fuzzCommand(rest, io);
      case 'matrix':
        return await matrixCommand(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return 0;
      case undefined:
        io.err(USAGE);
        return 2;
      default:
        throw new CliError(`unknown command '${cmd}' (commands: run, replay, fuzz, matrix, help)`);
    }
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`mmcheck: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`mmcheck: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 3;
    },
  );
}
