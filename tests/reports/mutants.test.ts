import { describe, expect, test } from 'vitest';
import { formatMutationSummary, summarizeMutants, type MutationReport, type ReportMutant } from '../../reports/mutants/summary.js';

function mutant(id: string, line: number, status: ReportMutant['status'], mutatorName = 'ConditionalExpression', replacement = 'true'): ReportMutant {
  return { id, mutatorName, replacement, status, location: { start: { line, column: 3 } } };
}

const REPORT: MutationReport = {
  files: {
    'model/spec/b.ts': { mutants: [mutant('4', 9, 'Survived', 'EqualityOperator', 'a\n   <= b'), mutant('5', 2, 'Killed'), mutant('6', 3, 'Ignored')] },
    'model/impl/a.ts': { mutants: [mutant('1', 1, 'Killed'), mutant('2', 5, 'Timeout'), mutant('3', 7, 'NoCoverage', 'BlockStatement', '{}')] },
  },
};

describe('summarizeMutants', () => {
  test('Killed and Timeout are detected, Survived and NoCoverage are not, Ignored does not count', () => {
    const s = summarizeMutants(REPORT);
    expect(s.detected).toBe(3);
    expect(s.undetected).toBe(2);
    expect(s.score).toBeCloseTo(60, 10);
    expect(s.counts).toMatchObject({ Killed: 2, Timeout: 1, Survived: 1, NoCoverage: 1, Ignored: 1 });
  });

  test('files sorted by path, survivors by line, replacements on one line', () => {
    const s = summarizeMutants(REPORT);
    expect(s.files.map((f) => [f.file, f.detected, f.undetected, f.ignored])).toEqual([
      ['model/impl/a.ts', 2, 1, 0],
      ['model/spec/b.ts', 1, 1, 1],
    ]);
    expect(s.survivors).toEqual([
      'model/impl/a.ts:7:3 NoCoverage BlockStatement: {}',
      'model/spec/b.ts:9:3 Survived EqualityOperator: a <= b',
    ]);
  });

  test('an empty report scores 100 and the text names the counts', () => {
    const s = summarizeMutants({ files: {} });
    expect(s.score).toBe(100);
    expect(formatMutationSummary(summarizeMutants(REPORT))).toContain('mutation score 60.00 % (3 detected of 5; 1 ignored as equivalent)');
  });
});

test('static mutants Stryker left out are not counted as marked equivalent', () => {
  const staticOne: ReportMutant = { ...mutant('7', 1, 'Ignored'), statusReason: 'Static mutant (and "ignoreStatic" was enabled)' };
  const report: MutationReport = { files: { 'model/spec/c.ts': { mutants: [mutant('8', 2, 'Killed'), mutant('9', 3, 'Ignored'), staticOne] } } };
  const s = summarizeMutants(report);
  expect(s.ignoredStatic).toBe(1);
  expect(formatMutationSummary(s).split('\n')[0]).toBe('mutation score 100.00 % (1 detected of 1; 1 ignored as equivalent, 1 static)');
});
