// Reads a Stryker mutation-testing JSON report (mutation-testing-report-schema) and summarises it
// for a reviewer: the score over the mutants that count, the counts per status and per file, and
// each survivor as file:line, mutator and replacement.

export type MutantStatus = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

export interface ReportMutant {
  readonly id: string;
  readonly mutatorName: string;
  readonly replacement?: string;
  readonly location: { readonly start: { readonly line: number; readonly column: number } };
  readonly status: MutantStatus;
  readonly statusReason?: string;
}

export interface MutationReport {
  readonly files: Readonly<Record<string, { readonly mutants: readonly ReportMutant[] }>>;
}

export interface FileSummary {
  readonly file: string;
  readonly detected: number;
  readonly undetected: number;
  readonly ignored: number;
  /** detected / (detected + undetected), in percent; 100 when nothing counts */
  readonly score: number;
}

export interface MutationSummary {
  readonly counts: Readonly<Record<MutantStatus, number>>;
  /** Killed + Timeout (a mutant that makes a loop endless is detected by its timeout) */
  readonly detected: number;
  /** Survived + NoCoverage */
  readonly undetected: number;
  readonly score: number;
  /** Ignored mutants that Stryker left out as static (`ignoreStatic`), not marked equivalent in the source */
  readonly ignoredStatic: number;
  readonly files: readonly FileSummary[];
  readonly survivors: readonly string[];
}

const STATUSES: readonly MutantStatus[] = ['Killed', 'Timeout', 'Survived', 'NoCoverage', 'Ignored', 'CompileError', 'RuntimeError', 'Pending'];

function isDetected(s: MutantStatus): boolean {
  return s === 'Killed' || s === 'Timeout';
}

function isUndetected(s: MutantStatus): boolean {
  return s === 'Survived' || s === 'NoCoverage';
}

/** Stryker's reason for a static mutant it did not run (`ignoreStatic`) */
function isStatic(m: ReportMutant): boolean {
  return m.status === 'Ignored' && (m.statusReason ?? '').startsWith('Static mutant');
}

function percent(detected: number, undetected: number): number {
  const all = detected + undetected;
  return all === 0 ? 100 : (100 * detected) / all;
}

export function summarizeMutants(report: MutationReport): MutationSummary {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<MutantStatus, number>;
  const files: FileSummary[] = [];
  const survivors: string[] = [];
  let ignoredStatic = 0;
  for (const file of Object.keys(report.files).sort()) {
    const mutants = [...(report.files[file]?.mutants ?? [])].sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    let detected = 0;
    let undetected = 0;
    let ignored = 0;
    for (const m of mutants) {
      counts[m.status] += 1;
      if (isDetected(m.status)) detected += 1;
      else if (isUndetected(m.status)) {
        undetected += 1;
        const where = `${file}:${m.location.start.line}:${m.location.start.column}`;
        survivors.push(`${where} ${m.status} ${m.mutatorName}: ${oneLine(m.replacement ?? '')}`);
      } else if (m.status === 'Ignored') ignored += 1;
      if (isStatic(m)) ignoredStatic += 1;
    }
    files.push({ file, detected, undetected, ignored, score: percent(detected, undetected) });
  }
  const detected = counts.Killed + counts.Timeout;
  const undetected = counts.Survived + counts.NoCoverage;
  return { counts, detected, undetected, score: percent(detected, undetected), ignoredStatic, files, survivors };
}

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}

export function formatMutationSummary(s: MutationSummary): string {
  const lines = [
    `mutation score ${s.score.toFixed(2)} % (${s.detected} detected of ${s.detected + s.undetected}; ${s.counts.Ignored - s.ignoredStatic} ignored as equivalent` +
      (s.ignoredStatic > 0 ? `, ${s.ignoredStatic} static)` : ')'),
    STATUSES.filter((st) => s.counts[st] > 0).map((st) => `${st} ${s.counts[st]}`).join(', '),
    '',
    '| file | detected | undetected | ignored | score |',
    '|---|---:|---:|---:|---:|',
    ...s.files.map((f) => `| ${f.file} | ${f.detected} | ${f.undetected} | ${f.ignored} | ${f.score.toFixed(1)} % |`),
  ];
  if (s.survivors.length > 0) lines.push('', `undetected mutants (${s.survivors.length}):`, ...s.survivors.map((x) => `  ${x}`));
  return lines.join('\n');
}
