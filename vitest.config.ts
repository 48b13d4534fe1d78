import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'properties/**/*.test.ts'],
    // the mutation campaign is a lighter copy of the lockstep suites, run by `npm run mutants`
    exclude: ['properties/mutation/**', 'node_modules/**'],
    testTimeout: 170_000,
    hookTimeout: 60_000,
    // the property suites print their seed, op counts and coverage tables
    silent: false,
    coverage: {
      provider: 'v8',
      include: ['model/**/*.ts', 'generators/**/*.ts', 'properties/**/*.ts', 'reports/**/*.ts'],
      exclude: ['**/*.test.ts', 'tests/**', 'reports/cli.ts', 'reports/cli/**', 'reports/mutants/cli.ts'],
      reporter: ['text-summary', 'text', 'html', 'lcov', 'json-summary'],
      reportsDirectory: 'coverage',
      thresholds: {
        'model/**': { lines: 90, branches: 90, functions: 90, statements: 90 },
      },
    },
  },
});
