// Position lookup for small integer ids (nid, tid): a dense table, with a Map for the rare large id.

const DENSE_LIMIT = 1024;

export class IdIndex {
  private readonly dense: Int32Array;
  private readonly sparse = new Map<number, number>();

  /** ids in position order; the first occurrence of a duplicate id wins */
  constructor(ids: readonly number[]) {
    // the table covers every dense id; a negative or fractional id below the limit at most lengthens it
    // Stryker disable next-line UnaryOperator: a longer table only holds more -1 entries
    let max = -1;
    for (const id of ids) if (id < DENSE_LIMIT) max = Math.max(max, id);
    this.dense = new Int32Array(max + 1).fill(-1);
    ids.forEach((id, pos) => {
      if (this.get(id) !== -1) return;
      if (Number.isInteger(id) && id >= 0 && id < DENSE_LIMIT) this.dense[id] = pos;
      else this.sparse.set(id, pos);
    });
  }

  /** position of id, or -1 */
  get(id: number): number {
    if (id >= 0 && id < this.dense.length && (id | 0) === id) return this.dense[id]!;
    return this.sparse.get(id) ?? -1;
  }
}
