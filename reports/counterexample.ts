// Saving a counterexample for people: `<name>.json` (the replayable trace), `<name>.md` (the step
// table with state changes) and `<name>.svg` (the memory map of the final state), in reports/out/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trace } from '../model/api/index.js';
import { PROFILES } from '../model/profiles.js';
import { resultPfns } from './render/compact.js';
import { renderMarkdown } from './render/markdown.js';
import { renderMemoryMap } from './render/svg.js';
import { allFindings, finalSnapshot, type FindingLike, type RunLike } from './render/types.js';
import { formatTrace } from './trace/format.js';

/** reports/out/ next to this file, whatever the working directory. */
export const DEFAULT_OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

export interface CounterexampleOptions {
  /** default: reports/out/ */
  readonly outDir?: string;
  /** the finding to report (default: the run's first) */
  readonly finding?: FindingLike;
  /** the invariant's claim, printed under the violation */
  readonly claim?: string;
  /** default: trace.meta.seed */
  readonly seed?: number;
  /** fast-check path; default: trace.meta.path */
  readonly path?: string;
  /** length of the generated sequence before shrinking */
  readonly generatedLength?: number;
}

export interface RenderedCounterexample {
  /** `<profile>-<invariant id, / as ->-<seed>` */
  readonly name: string;
  /** the trace with meta.expect/seed/path filled in */
  readonly trace: Trace;
  readonly json: string;
  readonly markdown: string;
  readonly svg: string;
}

export interface WrittenCounterexample extends RenderedCounterexample {
  readonly files: { readonly json: string; readonly md: string; readonly svg: string };
  /** [json, md, svg] */
  readonly paths: readonly string[];
  /** `npm run -s mmcheck -- replay <json>` */
  readonly replay: string;
}

/** `linux-6.12-buddy-counters-42` */
export function counterexampleName(profile: string, id: string | undefined, seed: number | undefined): string {
  const raw = `${profile}-${(id ?? 'clean').replace(/\//g, '-')}-${seed ?? 'noseed'}`;
  return raw.replace(/[^A-Za-z0-9._-]/g, '-');
}

export function replayCommand(jsonPath: string): string {
  const rel = relative(process.cwd(), resolve(jsonPath));
  return `npm run -s mmcheck -- replay ${rel.startsWith('..') ? resolve(jsonPath) : rel}`;
}

/** The three documents, without touching the file system. */
export function renderCounterexample(trace: Trace, run: RunLike, opts: CounterexampleOptions = {}): RenderedCounterexample {
  const finding = opts.finding ?? allFindings(run)[0];
  const seed = opts.seed ?? trace.meta?.seed;
  const path = opts.path ?? trace.meta?.path;
  const meta = {
    ...trace.meta,
    ...(finding || trace.meta?.expect ? { expect: trace.meta?.expect ?? finding?.id } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(path !== undefined ? { path } : {}),
  };
  const saved: Trace = { ...trace, ...(Object.keys(meta).length > 0 ? { meta } : {}) };
  const name = counterexampleName(trace.profile, finding?.id, seed);
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;

  const failing = finding ? run.steps.find((s) => s.i === finding.step) : undefined;
  const last = run.steps[run.steps.length - 1];
  const state = finalSnapshot(run);
  const svg = state
    ? renderMemoryMap({
        snapshot: state,
        pageblockOrder: trace.machine.pageblockOrder,
        title: `${trace.profile} · ${finding?.id ?? 'clean'} · state after ${last ? `step ${last.i}` : 'boot'}`,
        ...(finding ? { subtitle: finding.message.length > 150 ? `${finding.message.slice(0, 147)}...` : finding.message } : {}),
        highlight: failing ? resultPfns(failing.result) : [],
      })
    : '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="30"><text x="8" y="20">no recorded state</text></svg>\n';
  const markdown = renderMarkdown({
    trace: saved,
    run,
    ...(finding ? { finding } : {}),
    ...(opts.claim ? { claim: opts.claim } : {}),
    kernel: PROFILES[trace.profile].kernel,
    ...(seed !== undefined ? { seed } : {}),
    ...(path !== undefined ? { path } : {}),
    ...(opts.generatedLength !== undefined ? { generatedLength: opts.generatedLength } : {}),
    replay: replayCommand(join(outDir, `${name}.json`)),
    svgFile: `${name}.svg`,
  });
  return { name, trace: saved, json: formatTrace(saved), markdown, svg };
}

/**
 * Render and write `<name>.json`, `<name>.md` and `<name>.svg` into the output directory (created
 * if missing). `run` is the run of `trace` recorded with snapshots. A string third argument is the
 * output directory.
 */
export function writeCounterexample(trace: Trace, run: RunLike, opts: string | CounterexampleOptions = {}): WrittenCounterexample {
  const o: CounterexampleOptions = typeof opts === 'string' ? { outDir: opts } : opts;
  const outDir = o.outDir ?? DEFAULT_OUT_DIR;
  const r = renderCounterexample(trace, run, { ...o, outDir });
  mkdirSync(outDir, { recursive: true });
  const files = { json: join(outDir, `${r.name}.json`), md: join(outDir, `${r.name}.md`), svg: join(outDir, `${r.name}.svg`) };
  writeFileSync(files.json, r.json);
  writeFileSync(files.md, r.markdown);
  writeFileSync(files.svg, r.svg);
  return { ...r, files, paths: [files.json, files.md, files.svg], replay: replayCommand(files.json) };
}
