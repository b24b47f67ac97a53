/**
 * Exact DECIMAL(10,2) parsing over bytes (SPEC §2: money is never a binary float).
 *
 * @module
 */

const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/** Exclusive bound of |amount| in hundredths: |amount| < 10^8 (DECIMAL(10,2)). */
const LIMIT_HUNDREDTHS = 10_000_000_000;

/**
 * Parses `[+-]?digits[.digits{0,2}]` or `[+-]?.d{1,2}` in `bytes[start, end)` into hundredths with
 * integer arithmetic only, so `1250.50` is exactly 125050. Exponents, spaces, a third fraction
 * digit and |amount| ≥ 10^8 are rejected.
 *
 * @returns the amount in hundredths, or `NaN` when the text is not a valid DECIMAL(10,2).
 * @example
 * ```ts
 * const text = new TextEncoder().encode('-0.5');
 * parseHundredths(text, 0, text.length); // -50
 * ```
 */
export function parseHundredths(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (bytes[i] === PLUS || bytes[i] === MINUS)) {
    negative = bytes[i] === MINUS;
    i++;
  }
  let units = 0;
  const integerStart = i;
  while (i < end) {
    const digit = bytes[i]! - ZERO;
    if (digit < 0 || digit > 9) break;
    units = units * 10 + digit;
    // Stop early: a long digit run must not grow past exact integers.
    if (units * 100 >= LIMIT_HUNDREDTHS) return Number.NaN;
    i++;
  }
  const integerDigits = i - integerStart;
  let hundredths = units * 100;
  let fractionDigits = 0;
  if (i < end && bytes[i] === DOT) {
    i++;
    while (i < end) {
      const digit = bytes[i]! - ZERO;
      if (digit < 0 || digit > 9) break;
      if (++fractionDigits > 2) return Number.NaN;
      hundredths += fractionDigits === 1 ? digit * 10 : digit;
      i++;
    }
  }
  if (i !== end || integerDigits + fractionDigits === 0) return Number.NaN;
  return negative && hundredths !== 0 ? -hundredths : hundredths;
}
