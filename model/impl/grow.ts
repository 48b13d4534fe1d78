// Growable typed arrays: double until index `need` fits, keeping the contents.

export function growInt32(a: Int32Array, need: number): Int32Array<ArrayBuffer> {
  let n = Math.max(16, a.length * 2);
  while (n <= need) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

export function growUint8(a: Uint8Array, need: number): Uint8Array<ArrayBuffer> {
  let n = Math.max(16, a.length * 2);
  while (n <= need) n *= 2;
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}
