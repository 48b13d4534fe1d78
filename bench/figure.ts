// Child-process entry: measure one figure of figures.ts and print it as one JSON line.
import { FIGURES } from './figures.js';

const name = process.argv[2] ?? '';
const measure = FIGURES[name];
if (!measure) {
  console.error(`bench: unknown figure '${name}' (known: ${Object.keys(FIGURES).join(', ')})`);
  process.exit(2);
}
console.log(JSON.stringify(measure()));
