// Command-line parsing for mmcheck: `--flag value` or `--flag=value`, positionals, and errors that
// become `mmcheck: <message>` with exit status 2.
import type { ProfileName } from '../../model/api/index.js';
import { isProfileName } from '../../model/profiles.js';
import { unknownProfileMessage } from '../trace/index.js';

/** A usage or input error: printed as `mmcheck: <message>`, exit status 2 (no stack trace). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export type FlagKind = 'boolean' | 'value';

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: ReadonlyMap<string, string | true>;
}

/** Parse `argv` (after the command name) against the flags the command knows. */
export function parseArgs(cmd: string, argv: readonly string[], known: Readonly<Record<string, FlagKind>>): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const kind = known[name];
    if (!kind) {
      const list = Object.keys(known);
      throw new CliError(`unknown flag '${name}' for ${cmd}${list.length > 0 ? ` (flags: ${list.join(', ')})` : ''}`);
    }
    if (flags.has(name)) throw new CliError(`${name} given twice`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new CliError(`${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new CliError(`${name} needs a value`);
    flags.set(name, value);
  }
  return { positionals, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.get(name) === true;
}

export function intFlag(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new CliError(`${name}: expected an integer in ${min}..${max}, got '${v}'`);
  return n;
}

export function numberFlag(args: ParsedArgs, name: string, min: number): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < min || n === 0) throw new CliError(`${name}: expected a positive number, got '${v}'`);
  return n;
}

export function choiceFlag<T extends string>(args: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new CliError(`${name}: expected one of ${choices.join(', ')}, got '${v}'`);
  return v as T;
}

export function profileFlag(args: ParsedArgs): ProfileName | undefined {
  const v = stringFlag(args, '--profile');
  if (v === undefined) return undefined;
  if (!isProfileName(v)) throw new CliError(`--profile: ${unknownProfileMessage(v)}`);
  return v;
}

/** Exactly one positional FILE. */
export function fileArg(cmd: string, args: ParsedArgs): string {
  const [file, ...rest] = args.positionals;
  if (file === undefined) throw new CliError(`${cmd}: missing FILE`);
  if (rest.length > 0) throw new CliError(`${cmd}: unexpected argument '${rest[0]}'`);
  return file;
}

/** Where a command writes: lines to stdout and to stderr (tests capture them). */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
