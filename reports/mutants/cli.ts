// `npm run -s mutants:summary [-- <report.json> ...]`: the score and survivors of Stryker's JSON
// reports (default: the impl and spec parts and the full run, whichever exist).
import { existsSync, readFileSync } from 'node:fs';
import { formatMutationSummary, summarizeMutants, type MutationReport } from './summary.js';

const DEFAULTS = ['reports/mutation/all/mutation.json', 'reports/mutation/impl/mutation.json', 'reports/mutation/spec/mutation.json'];
const args = process.argv.slice(2);
const files = args.length > 0 ? args : DEFAULTS.filter((f) => existsSync(f));
if (files.length === 0) {
  console.error('no mutation report: run `npm run mutants` first (or name a report.json)');
  process.exit(2);
}
for (const file of files) {
  let report: MutationReport;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as MutationReport;
  } catch (e) {
    console.error(`${file}: ${(e as Error).message}`);
    process.exit(2);
  }
  if (typeof report?.files !== 'object' || report.files === null) {
    console.error(`${file}: $.files: not a Stryker mutation report`);
    process.exit(2);
  }
  console.log(`# ${file}\n${formatMutationSummary(summarizeMutants(report))}\n`);
}
