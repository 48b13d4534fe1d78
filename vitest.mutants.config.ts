// The test set Stryker runs per mutant (`npm run mutants`, stryker.config.mjs): the unit tests of
// model/, the invariant unit tests, the regression traces and short fixed-seed lockstep campaigns
// over every profile. The full `npm test` suite takes 90 s per run, too slow to run per mutant.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/model/**/*.test.ts',
      'tests/properties/**/*.test.ts',
      'properties/regressions.test.ts',
      'properties/mutation/*.test.ts',
    ],
    testTimeout: 60_000,
    silent: true,
    // modules stay loaded between mutant runs (Stryker switches mutants at run time); static
    // mutants, which only a reload could switch, are left out by stryker.config.mjs (ignoreStatic)
    isolate: false,
  },
});
