/**
 * Hot-path timestamp parsing and calendar arithmetic over bytes.
 *
 * Instants are microseconds since the Unix epoch, UTC, held in a `number` (integers are exact up to about
 * year 2255); dates are days since 1970-01-01. Parsing is integer arithmetic over the input bytes: no `Date`,
 * no regular expression and no allocation per value (see SPEC §1).
 *
 * @module
 */

import type { TimeZone } from './time-zone.js';

/** Microseconds in one second. */
export const MICROS_PER_SECOND = 1_000_000;

/** Microseconds in one (UTC, leap-second-free) day. */
export const MICROS_PER_DAY = 86_400_000_000;

const SECONDS_PER_DAY = 86_400;
/** Largest accepted explicit offset, ±18:00, the same bound as Java's `ZoneOffset`. */
const MAX_OFFSET_SECONDS = 18 * 3_600;

// ASCII codes used by the parser.
const ZERO = 0x30;
const DASH = 0x2d;
const PLUS = 0x2b;
const COLON = 0x3a;
const DOT = 0x2e;
const SPACE = 0x20;
const UPPER_T = 0x54;
const UPPER_Z = 0x5a;

/** Length of `YYYY-MM-DD`. */
const DATE_LENGTH = 10;
/** Length of `YYYY-MM-DDTHH:MM:SS`. */
const DATE_TIME_LENGTH = 19;

/** Scale of a fraction with n digits (index n) to microseconds. */
const FRACTION_SCALE = [0, 100_000, 10_000, 1_000, 100, 10, 1] as const;

/**
 * Floor division (rounds toward −∞, unlike `Math.trunc(a / b)`), e.g. for splitting negative instants into
 * days. Exact for integers with `|a| ≤ 2^53`.
 *
 * @example
 * ```ts
 * floorDiv(-1, MICROS_PER_DAY); // -1 (1969-12-31)
 * floorDiv(7, 2); // 3
 * ```
 */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`). Does not check
 * the date: month 13 or day 32 roll over like the algorithm does.
 *
 * @param y - the year (any integer; 0 is 1 BC).
 * @param m - the month, 1–12.
 * @param d - the day of the month, 1–31.
 * @example
 * ```ts
 * daysFromCivil(1970, 1, 1); // 0
 * daysFromCivil(2024, 2, 29); // 19782
 * ```
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400; // [0, 399]
  const dayOfYear = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1; // March-based, [0, 365]
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * The proleptic Gregorian date of a day number (Howard Hinnant's `civil_from_days`); inverse of
 * {@link daysFromCivil}.
 *
 * @param days - days since 1970-01-01 (may be negative).
 * @example
 * ```ts
 * civilFromDays(19782); // { year: 2024, month: 2, day: 29 }
 * ```
 */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097; // [0, 146096]
  // Remove the leap days so far in the era, then a year is exactly 365 days.
  const leapFree = dayOfEra - Math.floor(dayOfEra / 1_460) + Math.floor(dayOfEra / 36_524);
  const yearOfEra = Math.floor((leapFree - Math.floor(dayOfEra / 146_096)) / 365); // [0, 399]
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // March = 0
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Formats a day number as an ISO date, `YYYY-MM-DD`. Years outside 0000–9999 use the ISO 8601 expanded
 * form with a sign and six digits (`+010000-01-01`), like `Date.prototype.toISOString`.
 *
 * @param days - days since 1970-01-01.
 * @throws RangeError when `days` is not a finite integer.
 * @example
 * ```ts
 * formatDay(0); // '1970-01-01'
 * ```
 */
export function formatDay(days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`formatDay: expected an integer day number, got ${days}`);
  const { year, month, day } = civilFromDays(days);
  return `${formatYear(year)}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Formats an instant as ISO 8601 UTC with microseconds, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six fraction
 * digits, so strings sort like instants within years 0000–9999).
 *
 * @param utcMicros - microseconds since the Unix epoch, UTC.
 * @throws RangeError when `utcMicros` is not a finite integer.
 * @example
 * ```ts
 * formatTimestamp(1_500_000); // '1970-01-01T00:00:01.500000Z'
 * ```
 */
export function formatTimestamp(utcMicros: number): string {
  if (!Number.isInteger(utcMicros)) {
    throw new RangeError(`formatTimestamp: expected integer microseconds, got ${utcMicros}`);
  }
  const days = floorDiv(utcMicros, MICROS_PER_DAY);
  const microsOfDay = utcMicros - days * MICROS_PER_DAY;
  const secondOfDay = Math.floor(microsOfDay / MICROS_PER_SECOND);
  const fraction = microsOfDay - secondOfDay * MICROS_PER_SECOND;
  const hour = Math.floor(secondOfDay / 3_600);
  const minute = Math.floor((secondOfDay % 3_600) / 60);
  const second = secondOfDay % 60;
  return `${formatDay(days)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${String(fraction).padStart(6, '0')}Z`;
}

/**
 * Parses `YYYY-MM-DD[T| ]HH:MM:SS[.f{1,6}][Z|±HH:MM]` from `bytes[start, end)` (ASCII / UTF-8) into UTC
 * microseconds. Without `Z` or an offset the value is local time in `zone` (Java/Spark gap and overlap rules,
 * see {@link TimeZone}).
 *
 * Strict by design, so every engine agrees on what is invalid: exact field widths, year 0001–9999, real
 * calendar dates (no 2023-02-29), hours 00–23, minutes and seconds 00–59 (no leap second), a fraction of 1–6
 * digits, separator exactly `T` or one space, offset exactly `±HH:MM` with `|offset| ≤ 18:00` (`±HHMM`, `±HH`,
 * lower-case `t`/`z` and zone names are rejected), and nothing before or after (no whitespace).
 *
 * @param bytes - the buffer holding the text.
 * @param start - index of the first byte.
 * @param end - index one past the last byte.
 * @param zone - the zone of values without an explicit offset.
 * @returns microseconds since the Unix epoch, UTC, or `NaN` when the text is not a valid timestamp.
 * @example
 * ```ts
 * const text = new TextEncoder().encode('2025-09-05 12:00:00');
 * parseTimestamp(text, 0, text.length, TimeZone.of('America/Lima')); // 1757091600000000 (17:00Z)
 * ```
 */
export function parseTimestamp(bytes: Uint8Array, start: number, end: number, zone: TimeZone): number {
  const length = end - start;
  if (length < DATE_TIME_LENGTH || start < 0 || end > bytes.length) return Number.NaN;
  const days = parseDate(bytes, start);
  if (Number.isNaN(days)) return Number.NaN;
  const separator = bytes[start + DATE_LENGTH]!;
  if (separator !== UPPER_T && separator !== SPACE) return Number.NaN;
  if (bytes[start + 13] !== COLON || bytes[start + 16] !== COLON) return Number.NaN;
  const hour = twoDigits(bytes, start + 11);
  const minute = twoDigits(bytes, start + 14);
  const second = twoDigits(bytes, start + 17);
  // twoDigits returns -1 for a non-digit, and -1 >>> 0 is huge, so one compare per field covers both cases.
  if (hour >>> 0 > 23 || minute >>> 0 > 59 || second >>> 0 > 59) return Number.NaN;

  let position = start + DATE_TIME_LENGTH;
  let fraction = 0;
  if (position < end && bytes[position] === DOT) {
    position++;
    const fractionStart = position;
    while (position < end) {
      const digit = bytes[position]! - ZERO;
      if (digit >>> 0 > 9) break;
      fraction = fraction * 10 + digit;
      position++;
    }
    const digits = position - fractionStart;
    if (digits === 0 || digits > 6) return Number.NaN;
    fraction *= FRACTION_SCALE[digits as 1 | 2 | 3 | 4 | 5 | 6];
  }

  const local = (days * SECONDS_PER_DAY + hour * 3_600 + minute * 60 + second) * MICROS_PER_SECOND + fraction;
  if (position === end) return zone.localToUtc(local);

  const designator = bytes[position]!;
  if (designator === UPPER_Z) return position + 1 === end ? local : Number.NaN;
  if ((designator !== PLUS && designator !== DASH) || end - position !== 6) return Number.NaN;
  if (bytes[position + 3] !== COLON) return Number.NaN;
  const offsetHours = twoDigits(bytes, position + 1);
  const offsetMinutes = twoDigits(bytes, position + 4);
  if (offsetHours >>> 0 > 18 || offsetMinutes >>> 0 > 59) return Number.NaN;
  const offsetSeconds = offsetHours * 3_600 + offsetMinutes * 60;
  if (offsetSeconds > MAX_OFFSET_SECONDS) return Number.NaN;
  return local - (designator === PLUS ? offsetSeconds : -offsetSeconds) * MICROS_PER_SECOND;
}

/**
 * Like {@link parseTimestamp}, but also accepts a bare date `YYYY-MM-DD`, read as local midnight in `zone`
 * (shifted forward if midnight falls in a DST gap) — for `users.signup_date` and `users.updated_at`.
 *
 * @returns microseconds since the Unix epoch, UTC, or `NaN` when invalid.
 * @example
 * ```ts
 * const text = new TextEncoder().encode('2024-03-15');
 * parseDateOrTimestamp(text, 0, text.length, TimeZone.UTC); // 1710460800000000
 * ```
 */
export function parseDateOrTimestamp(bytes: Uint8Array, start: number, end: number, zone: TimeZone): number {
  if (end - start !== DATE_LENGTH) return parseTimestamp(bytes, start, end, zone);
  if (start < 0 || end > bytes.length) return Number.NaN;
  const days = parseDate(bytes, start);
  return Number.isNaN(days) ? Number.NaN : zone.localToUtc(days * MICROS_PER_DAY);
}

/**
 * Convenience wrapper of {@link parseTimestamp} / {@link parseDateOrTimestamp} for a string, for code off the
 * hot path (configuration, tests). Non-ASCII text is invalid.
 *
 * @param text - the timestamp text.
 * @param zone - the zone of values without an explicit offset.
 * @param allowDateOnly - also accept `YYYY-MM-DD` (local midnight); default `false`.
 * @returns microseconds since the Unix epoch, UTC, or `NaN` when invalid.
 * @example
 * ```ts
 * parseTimestampString('2024-11-15T14:30:00Z', TimeZone.UTC); // 1731681000000000
 * ```
 */
export function parseTimestampString(text: string, zone: TimeZone, allowDateOnly = false): number {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return Number.NaN; // no valid timestamp has a non-ASCII character
    bytes[i] = code;
  }
  return allowDateOnly
    ? parseDateOrTimestamp(bytes, 0, bytes.length, zone)
    : parseTimestamp(bytes, 0, bytes.length, zone);
}

/** Days in a common year before the first of each month (index 1 = January). */
const DAYS_BEFORE_MONTH = Int32Array.of(0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334);
// One-entry memo of the last parsed year (module state is safe: JS runs one parse at a time).
let cachedYear = -1;
let cachedYearStart = 0;
let cachedLeap = false;

/** Parses and validates `YYYY-MM-DD` at `at` (bounds already checked); days since epoch or `NaN`. */
function parseDate(bytes: Uint8Array, at: number): number {
  if (bytes[at + 4] !== DASH || bytes[at + 7] !== DASH) return Number.NaN;
  const high = twoDigits(bytes, at);
  const low = twoDigits(bytes, at + 2);
  const month = twoDigits(bytes, at + 5);
  const day = twoDigits(bytes, at + 8);
  if (high < 0 || low < 0 || month >>> 0 > 12 || day >>> 0 > 31) return Number.NaN;
  const year = high * 100 + low;
  if (year === 0 || month === 0 || day === 0) return Number.NaN;
  if (year !== cachedYear) {
    // Values in one file share a handful of years: memoise the year's divisions, keep months as a table.
    cachedYear = year;
    cachedYearStart = daysFromCivil(year, 1, 1);
    cachedLeap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  }
  if (month === 2) {
    if (day > (cachedLeap ? 29 : 28)) return Number.NaN;
  } else if (day > 30 + ((month + (month >> 3)) & 1)) {
    return Number.NaN; // 31 days in Jan, Mar, May, Jul, Aug, Oct, Dec; 30 in the others
  }
  return cachedYearStart + DAYS_BEFORE_MONTH[month]! + (cachedLeap && month > 2 ? day : day - 1);
}

/** The value of two ASCII digits at `at`, or -1 if either is not a digit. */
function twoDigits(bytes: Uint8Array, at: number): number {
  const tens = bytes[at]! - ZERO;
  const ones = bytes[at + 1]! - ZERO;
  return tens >>> 0 > 9 || ones >>> 0 > 9 ? -1 : tens * 10 + ones;
}

function pad2(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9_999) return String(year).padStart(4, '0');
  return (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
}
