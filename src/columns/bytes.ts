/**
 * Byte-range helpers for the hot loops (builders, gathers, hash index).
 *
 * @module
 */

/** Below this length a byte loop beats creating a subarray view (an allocation) for `set`. */
const SHORT_COPY_BYTES = 32;

/** Copies `source[start, start + length)` to `target` at `at`. */
export function copyBytes(
  target: Uint8Array,
  at: number,
  source: Uint8Array,
  start: number,
  length: number,
): void {
  if (length <= SHORT_COPY_BYTES) for (let i = 0; i < length; i++) target[at + i] = source[start + i]!;
  else target.set(source.subarray(start, start + length), at);
}

/** Whether `a[aStart, aStart + length)` and `b[bStart, bStart + length)` hold the same bytes. */
export function bytesEqual(
  a: Uint8Array,
  aStart: number,
  b: Uint8Array,
  bStart: number,
  length: number,
): boolean {
  for (let i = 0; i < length; i++) if (a[aStart + i] !== b[bStart + i]) return false;
  return true;
}
