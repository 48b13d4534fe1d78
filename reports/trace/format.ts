// Writes a trace document the way a person would: a value that fits on one line stays on one line
// (`"ZONE_NORMAL": [0, 32]`, one op per line), larger ones are indented.
import type { Trace } from '../../model/api/index.js';

const WIDTH = 100;
/** arrays always written one element per line */
const BREAK_KEYS: ReadonlySet<string> = new Set(['nodes', 'ops', 'tasks']);

/** The trace as the JSON document users write and replay. */
export function formatTrace(trace: Trace): string {
  return `${formatJson(trace)}\n`;
}

export function formatJson(value: unknown, indent = '', key = ''): string {
  const flat = oneLine(value);
  const mustBreak = Array.isArray(value) && value.length > 0 && BREAK_KEYS.has(key);
  if ((!mustBreak && flat.length + indent.length <= WIDTH) || typeof value !== 'object' || value === null) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner, k)}`).join(',\n')}\n${indent}}`;
}

function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`).join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}
