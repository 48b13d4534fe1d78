// Mutation testing of the two implementations (`npm run mutants`; issue 5). Stryker mutates
// model/spec and model/impl and runs vitest.mutants.config.ts against each mutant: the unit tests,
// the regression traces and short lockstep campaigns, where spec and impl check each other.
// MMCHECK_MUTATE=impl or =spec mutates one of the two (about 40 minutes each on 2 cores, measured):
// reports go to reports/mutation/<part>/mutation.{html,json}. Incremental: a rerun only tests the
// mutants whose code or covering tests changed (reports/mutation/<part>/incremental.json).
const PARTS = {
  all: ['model/spec/**/*.ts', 'model/impl/**/*.ts'],
  impl: ['model/impl/**/*.ts'],
  spec: ['model/spec/**/*.ts'],
};
const part = process.env.MMCHECK_MUTATE ?? 'all';
if (!(part in PARTS)) throw new Error(`MMCHECK_MUTATE must be one of ${Object.keys(PARTS).join(', ')}, not '${part}'`);
const dir = `reports/mutation/${part}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutants.config.ts', related: false },
  mutate: PARTS[part],
  coverageAnalysis: 'perTest',
  // Static mutants (module-level initialisers: lookup tables, caches) are only switched by
  // reloading every module, i.e. running the whole test set once per mutant; they are reported as
  // Ignored, and the tables they build are pinned by unit tests (tests/model/*/gfp.test.ts, ...).
  ignoreStatic: true,
  concurrency: 2,
  // a mutant that makes a loop endless is detected by its timeout; a short one keeps those cheap
  timeoutMS: 1500,
  timeoutFactor: 1.25,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `${dir}/mutation.html` },
  jsonReporter: { fileName: `${dir}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  incremental: true,
  incrementalFile: `${dir}/incremental.json`,
  ignorePatterns: ['coverage', 'reports/out', 'reports/mutation', 'bench', 'examples/out'],
  // Stryker would parse tsconfig.json with the TypeScript compiler API to rewrite `extends` and
  // `references` for its sandbox; typescript 7 (native tsc) has no such API, and our tsconfig has
  // neither field, so it is pointed at no file. vitest needs no tsconfig to run the mutants.
  tsconfigFile: 'no-tsconfig-rewrite.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 95, low: 90, break: null },
};
