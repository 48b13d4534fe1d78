// The Markdown report of a counterexample: what was violated, how to replay it, the machine, and a
// step table with the state change of every step.
import type { Trace } from '../../model/api/index.js';
import { machineHeadline, zoneRows } from './machine.js';
import { describeFreeLists, describeUserState } from './state-diff.js';
import { changeText, formatFinding, stepRows } from './steps.js';
import { allFindings, finalSnapshot, type FindingLike, type RunLike } from './types.js';

export interface ReportInput {
  readonly trace: Trace;
  /** the run of `trace`, recorded with snapshots */
  readonly run: RunLike;
  /** the finding the report is about (default: the run's first) */
  readonly finding?: FindingLike;
  /** the invariant's one-line claim, when the caller knows it */
  readonly claim?: string;
  /** the kernel a profile stands for, when the caller knows it */
  readonly kernel?: string;
  readonly seed?: number;
  /** fast-check replay path */
  readonly path?: string;
  /** length of the generated sequence before shrinking */
  readonly generatedLength?: number;
  /** the command that replays the saved trace */
  readonly replay?: string;
  /** file name of the SVG memory map, linked from the report */
  readonly svgFile?: string;
}

/** Escape for a Markdown table cell (GFM: `\|` works inside code spans too). */
export function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

const code = (s: string) => (s === '' ? '' : `\`${s.replace(/`/g, "'")}\``);

export function renderMarkdown(input: ReportInput): string {
  const { trace, run } = input;
  const finding = input.finding ?? allFindings(run)[0];
  const rows = stepRows(run, trace.machine);
  const failingOp = finding && finding.step >= 0 ? rows.find((r) => r.i === finding.step)?.op : undefined;
  const seed = input.seed ?? trace.meta?.seed;
  const fcPath = input.path ?? trace.meta?.path;
  const out: string[] = [];

  out.push(finding ? `# mmcheck counterexample: \`${finding.id}\` (${trace.profile})` : `# mmcheck trace (${trace.profile})`, '');
  if (finding) {
    const where = finding.step < 0 ? 'in the initial state' : `after step ${finding.step}${failingOp ? ` ${code(failingOp)}` : ''}`;
    out.push(`**Violated** ${where}:`, '', `> ${finding.message.replace(/\n/g, '\n> ')}`, '');
    if (input.claim) out.push(`The claim of \`${finding.id}\`: ${input.claim}`, '');
  } else {
    out.push('The trace ran clean: no violation, no divergence.', '');
  }
  if (trace.meta?.note) out.push(trace.meta.note, '');

  out.push('| | |', '|---|---|');
  out.push(`| profile | \`${trace.profile}\`${input.kernel ? ` — ${cell(input.kernel)}` : ''} |`);
  if (trace.meta?.expect) out.push(`| expected violation | \`${cell(trace.meta.expect)}\` |`);
  if (seed !== undefined) out.push(`| seed | ${seed} |`);
  if (fcPath !== undefined) out.push(`| fast-check path | \`${cell(fcPath)}\` |`);
  const shrunk = input.generatedLength !== undefined ? ` (shrunk from ${input.generatedLength} generated)` : '';
  out.push(`| ops | ${trace.ops.length}${shrunk} |`);
  if (input.replay) out.push(`| replay | \`${cell(input.replay)}\` |`);
  out.push('');

  out.push('## Machine', '', machineHeadline(trace.machine), '');
  const zones = zoneRows(trace.machine);
  const anyPrivate = zones.some((z) => z.private !== '');
  out.push(`| node | zone | pfns | pages | CMA |${anyPrivate ? ' private |' : ''}`, `|---|---|---|---:|---|${anyPrivate ? '---|' : ''}`);
  for (const z of zones) {
    out.push(`| ${z.nid} | ${z.zone} | ${z.range} | ${z.pages} | ${z.cma} |${anyPrivate ? ` ${cell(z.private.replace(/^private: /, ''))} |` : ''}`);
  }
  out.push('');
  const { distance, tasks } = trace.machine;
  if (distance) {
    const nids = trace.machine.nodes.map((n) => n.nid);
    out.push('Distances:', '', `| from \\ to | ${nids.join(' | ')} |`, `|---|${nids.map(() => '---:').join('|')}|`);
    distance.forEach((row, i) => out.push(`| ${nids[i]} | ${row.join(' | ')} |`));
    out.push('');
  }
  if (tasks) {
    out.push(`Tasks: ${tasks.map((t) => `tid ${t.tid} on node ${t.nid}${t.mems ? ` (mems ${t.mems.join(',')})` : ''}`).join('; ')}.`, '');
  }
  if (run.initial) {
    out.push('Initial free lists (head first):', '', ...describeFreeLists(run.initial).map((l) => `- ${l}`), '');
  }

  out.push('## Steps', '', '| # | op (args) | result | state change | findings |', '|---:|---|---|---|---|');
  for (const f of allFindings(run).filter((f) => f.step < 0)) {
    out.push(`| init | | | | ${cell(formatFinding(f))} |`);
  }
  for (const r of rows) {
    const change = changeText(r);
    const findings = r.findings.map((f) => `**${f.id}**: ${f.message}`).join('<br>');
    out.push(`| ${r.i} | ${cell(code(r.op))} | ${cell(code(r.result))} | ${cell(change)} | ${cell(findings)} |`);
  }
  out.push('');

  const final = run.steps.length > 0 ? finalSnapshot(run) : undefined;
  if (final) {
    // only when the run touched more than the buddy allocator (a task line without a policy is the default)
    const lines = describeUserState(final);
    if (lines.some((l) => !/^tid \d+ \(.*\): MPOL_DEFAULT$/.test(l))) out.push('## Final state', '', ...lines.map((l) => `- ${cell(l)}`), '');
  }

  const same = (a: FindingLike, b: FindingLike | undefined) => b !== undefined && a.step === b.step && a.id === b.id && a.message === b.message;
  const others = allFindings(run).filter((f) => !same(f, finding));
  if (others.length > 0) {
    out.push('## Other findings', '', ...others.map((f) => `- ${f.step < 0 ? 'initial state' : `step ${f.step}`}: ${formatFinding(f)}`), '');
  }
  if (input.svgFile) out.push('## Memory map (final state)', '', `![memory map](${input.svgFile})`, '');
  return out.join('\n');
}
