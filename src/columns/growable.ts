/** Typed-array constructors the builders grow. */
type TypedArrayCtor<A> = { new (length: number): A };

/**
 * Returns `array` if it has room for `needed` elements, else a copy at least twice as large.
 * Builders grow geometrically so appends stay amortised O(1).
 */
export function ensureCapacity<A extends Uint8Array | Int32Array | Float64Array | Uint32Array>(
  array: A,
  needed: number,
  ctor: TypedArrayCtor<A>,
): A {
  if (needed <= array.length) return array;
  let size = Math.max(16, array.length * 2);
  while (size < needed) size *= 2;
  const grown = new ctor(size);
  grown.set(array as never);
  return grown;
}

/** A copy of the first `length` elements, trimmed to size (so Arrow owns no slack). */
export function trimmed<A extends Uint8Array | Int32Array | Float64Array | Uint32Array>(
  array: A,
  length: number,
): A {
  return array.slice(0, length) as A;
}
