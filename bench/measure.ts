// Timing helpers: warm up, then time with performance.now(); a full GC between phases.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full collection, so one phase's garbage is not collected on the next phase's clock. */
export function collect(): void {
  gc();
}

/** Runs `round` (which returns the ms it measured) at least `minRounds` times and for `minMs`; the best round. */
export function bestOf(round: () => number, minRounds: number, minMs: number): number {
  let best = Infinity;
  const start = performance.now();
  for (let i = 0; i < minRounds || performance.now() - start < minMs; i++) best = Math.min(best, round());
  return best;
}

/** ms that `body` takes */
export function timed(body: () => void): number {
  const t = performance.now();
  body();
  return performance.now() - t;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
