// Structural comparison of results and snapshots, naming the first place they differ.

/** Deep equality without allocation (the common case: the two implementations agree). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let n = 0;
  for (const k in ao) {
    n++;
    if (!deepEqual(ao[k], bo[k])) return false;
  }
  for (const _ in bo) n--;
  return n === 0;
}

function show(v: unknown): string {
  return v === undefined ? 'absent' : JSON.stringify(v);
}

/** The JSON path of the first difference between a and b, with both values; undefined if equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (deepEqual(a, b)) return undefined;
  return describe(a, b, path);
}

function describe(a: unknown, b: unknown, path: string): string | undefined {
  if (deepEqual(a, b)) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return `${path || '(root)'}: spec ${show(a)}, impl ${show(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const d = describe(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
    const d = describe(ao[k], bo[k], path ? `${path}.${k}` : k);
    if (d) return d;
  }
  // only key presence differs (a key holding undefined on one side)
  return `${path || '(root)'}: spec keys [${Object.keys(ao).join(',')}], impl keys [${Object.keys(bo).join(',')}]`;
}
