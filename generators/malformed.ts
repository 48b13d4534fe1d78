// Malformed arguments: a generated op with one field replaced by a value a careless caller (or a
// hand-edited trace) might pass: out of range, negative, not an integer, a dead handle, a handle of
// the wrong kind, a node that does not exist. Both implementations must give the same answer
// (DESIGN.md: bad arguments are errno results, never exceptions), so the lockstep comparison checks
// every validation branch of spec and impl against each other.
import fc from 'fast-check';
import type { Op } from '../model/api/index.js';

export interface Malformation {
  /** which field of the op, by position among its malformable fields */
  readonly field: number;
  /** which replacement (see replaceNumber / replaceHandle / replaceList) */
  readonly how: number;
}

export const malformationArb: fc.Arbitrary<Malformation | null> = fc.option(
  fc.record({ field: fc.nat({ max: 7 }), how: fc.nat({ max: 7 }) }),
  { freq: 2 },
);

const NUMBERS = (v: number): readonly number[] => [-1, 0, v + 1, v - 1, 2 ** 31, 0.5, v * 64 + 1, -(2 ** 31)];
const HANDLES = (h: string): readonly string[] => ['k999', 'g999', 'u1', 'v1', 'c1', 'k1', '', `${h}x`];
const LISTS = (xs: readonly number[]): readonly (readonly number[])[] => [[], [-1], [...xs, 99], [0.5], [...xs, ...xs], [2 ** 31], [1, 0], [63]];
const NAMES = (xs: readonly string[]): readonly (readonly string[])[] => [[], ['BOGUS'], [...xs, xs[0] ?? 'BOGUS'], [''], ['GFP_KERNEL'], ['FOLL_PIN'], ['NP_OPS_MIGRATION'], ['MPOL_MF_MOVE']];

/** The op with one field replaced; the op itself when it has no field to malform. */
export function malform(op: Op, m: Malformation): Op {
  const fields = Object.keys(op).filter((k) => k !== 'op');
  const key = fields[m.field % Math.max(1, fields.length)];
  if (key === undefined) return op;
  const value = (op as unknown as Record<string, unknown>)[key];
  const pick = <T>(xs: readonly T[]): T => xs[m.how % xs.length] as T;
  let next: unknown;
  if (typeof value === 'number') next = pick(NUMBERS(value));
  else if (typeof value === 'string') next = /^[kguvc]\d+$/.test(value) ? pick(HANDLES(value)) : pick(['', 'BOGUS', value.toLowerCase()]);
  else if (Array.isArray(value) && value.every((x) => typeof x === 'number')) next = pick(LISTS(value as number[]));
  else if (Array.isArray(value)) next = pick(NAMES(value as string[]));
  else if (typeof value === 'boolean') next = !value;
  else return op;
  return { ...op, [key]: next } as Op;
}
