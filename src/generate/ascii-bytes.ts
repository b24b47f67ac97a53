/**
 * Writing ASCII text and decimal numbers straight into byte buffers, so the
 * generator's hot loops build lines without allocating strings. Every
 * function writes at `at` and returns the offset just past what it wrote; the
 * caller guarantees the room.
 */

const ZERO = 0x30;
const POWERS_OF_TEN: readonly number[] = Array.from({ length: 17 }, (_, i) => 10 ** i);

/** Encodes ASCII text once (for the constant parts of lines). */
export function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0x7f;
  return bytes;
}

/** Copies `source` (a pre-encoded piece) to `bytes[at…]` (a native copy: far faster than a loop). */
export function putBytes(bytes: Uint8Array, at: number, source: Uint8Array): number {
  bytes.set(source, at);
  return at + source.length;
}

/** Number of decimal digits of a non-negative integer. */
export function decimalDigits(value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/** Writes a non-negative integer (< 2^53) in decimal. */
export function putUint(bytes: Uint8Array, at: number, value: number): number {
  return putPadded(bytes, at, value, 1);
}

/** Writes a non-negative integer (< 2^53) zero-padded to at least `width` digits (`42`, 5 → `00042`). */
export function putPadded(bytes: Uint8Array, at: number, value: number, width: number): number {
  const n = value < (POWERS_OF_TEN[width] ?? Number.POSITIVE_INFINITY) ? width : decimalDigits(value);
  if (value <= 0x7fffffff) {
    // Int32 arithmetic: the JIT turns division by 10 into a multiplication.
    let rest = value | 0;
    for (let i = at + n - 1; i >= at; i--) {
      const next = (rest / 10) | 0;
      bytes[i] = ZERO + rest - next * 10;
      rest = next;
    }
  } else {
    let rest = value;
    for (let i = at + n - 1; i >= at; i--) {
      const next = Math.floor(rest / 10);
      bytes[i] = ZERO + (rest - next * 10);
      rest = next;
    }
  }
  return at + n;
}

/** Writes exactly two digits (0–99). */
export function putTwoDigits(bytes: Uint8Array, at: number, value: number): number {
  const tens = (value / 10) | 0;
  bytes[at] = ZERO + tens;
  bytes[at + 1] = ZERO + value - tens * 10;
  return at + 2;
}
