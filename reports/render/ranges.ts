// Small shared forms for pfn lists, pfn ranges, index runs and policies, used by the step table,
// the Markdown report and the memory map.
import { GUP_PIN_COUNTING_BIAS } from '../../model/api/index.js';
import type { FolioSnapshot, PolicySnapshot } from '../../model/api/index.js';

/** `[32, 48)` */
export const showRange = (start: number, end: number): string => `[${start}, ${end})`;

/** `12..14, 20` — ascending runs of consecutive numbers folded. */
export function numberRuns(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === (xs[j] as number) + 1) j++;
    out.push(j === i ? String(xs[i]) : `${xs[i]}..${xs[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

/** `pfn 12`, `pfns 12..14` */
export function pfnWords(pfns: readonly number[]): string {
  return `${pfns.length === 1 ? 'pfn' : 'pfns'} ${numberRuns(pfns)}`;
}

export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** a \ b for ascending, disjoint interval lists. */
export function intervalDifference(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const x of a) {
    let start = x.start;
    while (j < b.length && (b[j] as Interval).end <= start) j++;
    let k = j;
    while (start < x.end && k < b.length && (b[k] as Interval).start < x.end) {
      const y = b[k] as Interval;
      if (y.start > start) out.push({ start, end: y.start });
      start = Math.max(start, y.end);
      k++;
    }
    if (start < x.end) out.push({ start, end: x.end });
  }
  return out;
}

/** Whether `pfn` lies in one of the ascending, disjoint intervals. */
export function inIntervals(list: readonly Interval[], pfn: number): boolean {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = list[mid] as Interval;
    if (pfn < x.start) hi = mid - 1;
    else if (pfn >= x.end) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * `MPOL_BIND[0,1]`, `MPOL_LOCAL`, `MPOL_BIND[2]|MPOL_F_PRIVATE` (the policy holds private nodes,
 * private-nodes profiles); null is `none` for a VMA (the task policy applies) and `MPOL_DEFAULT`
 * for a task.
 */
export function formatPolicy(p: PolicySnapshot | null, ifNull: string): string {
  if (p === null) return ifNull;
  const base = p.nodes.length === 0 ? p.mode : `${p.mode}[${p.nodes.join(',')}]`;
  return p.private === true ? `${base}|MPOL_F_PRIVATE` : base;
}

/** `folio_maybe_dma_pinned`: large → `_pincount > 0`; small → `(unsigned)_refcount >= 1024`. */
export function maybeDmaPinned(f: Pick<FolioSnapshot, 'order' | 'refcount' | 'pincount'>): boolean {
  return f.order > 0 ? f.pincount > 0 : f.refcount >>> 0 >= GUP_PIN_COUNTING_BIAS;
}
