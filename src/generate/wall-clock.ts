import { civilFromDays, daysFromCivil } from '../time/timestamp.js';
import { putTwoDigits } from './ascii-bytes.js';

/**
 * Naive wall-clock timestamps for the generator's hot loops.
 *
 * Generated timestamps are text without a zone, so they are kept as integer
 * seconds / microseconds on a proleptic-Gregorian timeline "as if UTC" and
 * formatted with integer arithmetic (Hinnant's `civil_from_days`, shared with
 * `src/time`): no `Date` objects, no time-zone database, no per-row allocation.
 */

/** Seconds in a civil day. */
export const SECONDS_PER_DAY = 86_400;
/** Seconds in an hour. */
export const SECONDS_PER_HOUR = 3_600;
/** Microseconds in a second. */
export const MICROS_PER_SECOND = 1_000_000;
/** Microseconds in an hour. */
export const MICROS_PER_HOUR = 3_600_000_000;

const ZERO = 0x30;
const DASH = 0x2d;
const COLON = 0x3a;
const DOT = 0x2e;
/** `'T'`, the ISO date/time separator. */
export const ISO_SEPARATOR = 0x54;
/** `' '`, the SQL-style date/time separator. */
export const SPACE_SEPARATOR = 0x20;

/** Whether `year-month-day` is a real calendar date (2023-02-29 is not). */
export function isCivilDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return false;
  const back = civilFromDays(daysFromCivil(year, month, day));
  return back.year === year && back.month === month && back.day === day;
}

/**
 * Parses a `YYYY-MM-DD` date to its day number since 1970-01-01, or
 * `undefined` when the text is not such a date or the date does not exist.
 */
export function parseIsoDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isCivilDate(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats naive wall-clock seconds / microseconds, as bytes (hot loops) or as
 * text. The current day's `YYYY-MM-DD` is cached, so a timestamp costs a few
 * integer divisions and byte stores.
 *
 * @example
 * ```ts
 * const f = new WallClockFormatter();
 * f.dateTime(1_731_681_000, ' ');             // '2024-11-15 14:30:00'
 * f.isoMicros(1_731_681_000_000_042);         // '2024-11-15T14:30:00.000042'
 * f.compactHour(481_022);                     // '20241115-14'
 * const end = f.putIsoMicros(bytes, 0, 1_731_681_000_000_042); // 26 bytes written
 * ```
 */
export class WallClockFormatter {
  private day = Number.NaN;
  private readonly dayBytes = new Uint8Array(10);
  private readonly scratch = new Uint8Array(32);

  private setDay(day: number): void {
    const { year, month, day: dom } = civilFromDays(day);
    const d = this.dayBytes;
    if (year < 0 || year > 9999) throw new RangeError(`year ${year} is outside 0000–9999`);
    d[0] = ZERO + Math.floor(year / 1000);
    d[1] = ZERO + (Math.floor(year / 100) % 10);
    d[2] = ZERO + (Math.floor(year / 10) % 10);
    d[3] = ZERO + (year % 10);
    d[4] = DASH;
    putTwoDigits(d, 5, month);
    d[7] = DASH;
    putTwoDigits(d, 8, dom);
    this.day = day;
  }

  /** Writes `YYYY-MM-DD<separator>HH:MM:SS` (19 bytes) of whole seconds. */
  putDateTime(bytes: Uint8Array, at: number, seconds: number, separator: number): number {
    const day = Math.floor(seconds / SECONDS_PER_DAY);
    if (day !== this.day) this.setDay(day);
    const d = this.dayBytes;
    for (let i = 0; i < 10; i++) bytes[at + i] = d[i] as number;
    bytes[at + 10] = separator;
    let rest = seconds - day * SECONDS_PER_DAY;
    const hours = (rest / 3600) | 0;
    rest -= hours * 3600;
    const minutes = (rest / 60) | 0;
    putTwoDigits(bytes, at + 11, hours);
    bytes[at + 13] = COLON;
    putTwoDigits(bytes, at + 14, minutes);
    bytes[at + 16] = COLON;
    putTwoDigits(bytes, at + 17, rest - minutes * 60);
    return at + 19;
  }

  /** Writes `YYYY-MM-DDTHH:MM:SS.ffffff` (26 bytes) of microseconds, like Python's `isoformat()`. */
  putIsoMicros(bytes: Uint8Array, at: number, micros: number): number {
    const seconds = Math.floor(micros / MICROS_PER_SECOND);
    let fraction = micros - seconds * MICROS_PER_SECOND;
    const end = this.putDateTime(bytes, at, seconds, ISO_SEPARATOR) + 7;
    bytes[end - 7] = DOT;
    for (let i = end - 1; i > end - 7; i--) {
      const next = (fraction / 10) | 0;
      bytes[i] = ZERO + fraction - next * 10;
      fraction = next;
    }
    return end;
  }

  /** `YYYY-MM-DD<separator>HH:MM:SS` of whole seconds, as text. */
  dateTime(seconds: number, separator: 'T' | ' '): string {
    const end = this.putDateTime(this.scratch, 0, seconds, separator.charCodeAt(0));
    return String.fromCharCode(...this.scratch.subarray(0, end));
  }

  /** `YYYY-MM-DDTHH:MM:SS.ffffff` of microseconds, as text. */
  isoMicros(micros: number): string {
    const end = this.putIsoMicros(this.scratch, 0, micros);
    return String.fromCharCode(...this.scratch.subarray(0, end));
  }

  /** `YYYYMMDD` of a day number (file names). */
  compactDate(day: number): string {
    const { year, month, day: dom } = civilFromDays(day);
    return `${String(year).padStart(4, '0')}${pad2(month)}${pad2(dom)}`;
  }

  /** `YYYYMMDD-HH` of an hour number (hours since the epoch), for hourly file names. */
  compactHour(hour: number): string {
    const day = Math.floor(hour / 24);
    return `${this.compactDate(day)}-${pad2(hour - day * 24)}`;
  }
}
