import { test, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const specDir = fileURLToPath(new URL('../../../model/spec/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

test('model/spec imports only model/api, model/profiles, ts-pattern and itself (.js specifiers)', () => {
  const files = sourceFiles(specDir);
  expect(files.length).toBeGreaterThan(5);
  for (const file of files) {
    for (const spec of importsOf(file)) {
      const allowed =
        spec === 'ts-pattern' ||
        /^\.\.\/api\/[a-z]+\.js$/.test(spec) ||
        spec === '../profiles.js' ||
        /^\.\/[a-z_]+\.js$/.test(spec);
      expect(allowed, `${file}: ${spec}`).toBe(true);
    }
  }
});
