// DESIGN.md §1 import rules, read from the sources: impl never imports spec, api imports nothing
// from the project, and so on.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const p = join(dir, name);
    if (statSync(join(ROOT, p)).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

/** Project-relative targets of a file's relative imports. */
function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1] as string);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

const AREA_RULES: [string, (target: string) => boolean][] = [
  ['model/api', (t) => t.startsWith('model/api/')],
  ['model/spec', (t) => t.startsWith('model/api/') || t.startsWith('model/spec/') || t === 'model/profiles.js'],
  ['model/impl', (t) => t.startsWith('model/api/') || t.startsWith('model/impl/') || t === 'model/profiles.js'],
  ['generators', (t) => t.startsWith('model/api/') || t.startsWith('generators/')],
  ['reports', (t) => !t.startsWith('properties/') && !t.startsWith('model/impl/') && !t.startsWith('model/spec/')],
];

test('every area imports only what DESIGN.md §1 allows', () => {
  const bad: string[] = [];
  for (const [area, allowed] of AREA_RULES) {
    for (const file of sources(area)) {
      if (area === 'reports' && (file === 'reports/cli.ts' || file.startsWith('reports/cli/'))) continue; // the CLI entry may
      for (const t of imports(file)) if (!allowed(t)) bad.push(`${file} imports ${t}`);
    }
  }
  expect(bad).toEqual([]);
});

test('nothing outside tests and the CLI imports properties/', () => {
  const bad: string[] = [];
  for (const area of ['model', 'generators', 'reports']) {
    for (const file of sources(area)) {
      if (file === 'reports/cli.ts' || file.startsWith('reports/cli/')) continue;
      for (const t of imports(file)) if (t.startsWith('properties/')) bad.push(`${file} imports ${t}`);
    }
  }
  expect(bad).toEqual([]);
});
