// Fixed regression traces (properties/regressions/*.json), replayed on every `npm test`: each one
// must produce the finding named in its meta.expect (as `replay` checks it), or run clean when it
// names none.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseTrace, formatInvalid } from '../reports/trace/index.js';
import { firstFinding, runTrace } from './lockstep.js';

const DIR = join(import.meta.dirname, 'regressions');
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

test('there are regression traces to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

for (const file of files) {
  test(`regression ${file}`, () => {
    const parsed = parseTrace(readFileSync(join(DIR, file), 'utf8'));
    if (!parsed.ok) throw new Error(`${file}: ${formatInvalid(parsed)}`);
    const out = runTrace(parsed.trace);
    const first = firstFinding(out);
    const expected = parsed.trace.meta?.expect;
    const ids = [...out.violations, ...out.divergences].map((f) => f.id);
    if (expected === undefined) expect(first, first?.message).toBeUndefined();
    else expect(ids, first?.message).toContain(expected);
  });
}
