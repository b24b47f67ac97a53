/**
 * Integer calendar arithmetic and timestamp text for the generator's hot loops.
 *
 * Generated timestamps are naive wall-clock text (no zone), so they are kept
 * as plain integer seconds / microseconds on a proleptic-Gregorian timeline
 * "as if UTC" and formatted with Howard Hinnant's `days_from_civil` /
 * `civil_from_days` — no `Date` objects, no time-zone database, no per-row
 * allocation beyond the output string.
 */

/** Seconds in a civil day. */
export const SECONDS_PER_DAY = 86_400;
/** Seconds in an hour. */
export const SECONDS_PER_HOUR = 3_600;
/** Microseconds in a second. */
export const MICROS_PER_SECOND = 1_000_000;
/** Microseconds in an hour. */
export const MICROS_PER_HOUR = 3_600_000_000;

/** A calendar date (proleptic Gregorian). */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Days since 1970-01-01 of a civil date (Hinnant's `days_from_civil`).
 *
 * @example daysFromCivil(1970, 1, 1) === 0; daysFromCivil(2000, 3, 1) === 11017
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * The civil date of a day number (Hinnant's `civil_from_days`).
 *
 * @example civilFromDays(0) → { year: 1970, month: 1, day: 1 }
 */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether `year-month-day` is a real calendar date (2023-02-29 is not). */
export function isCivilDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return false;
  const back = civilFromDays(daysFromCivil(year, month, day));
  return back.year === year && back.month === month && back.day === day;
}

/**
 * Parses a `YYYY-MM-DD` date to its day number, or `undefined` when the text is
 * not such a date or the date does not exist.
 */
export function parseIsoDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return isCivilDate(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

/** Size of {@link WallClockFormatter}'s dense day cache (≈11 years). */
const RECENT_DAYS = 4096;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats naive wall-clock seconds / microseconds as text, caching each
 * day's `YYYY-MM-DD` and the 86,400 `HH:MM:SS` strings so a timestamp costs
 * two lookups and a concatenation.
 *
 * @example
 * ```ts
 * const f = new WallClockFormatter();
 * f.dateTime(1_731_681_000, ' ');       // '2024-11-15 14:30:00'
 * f.isoMicros(1_731_681_000_000_042);   // '2024-11-15T14:30:00.000042'
 * f.compactHour(481_022);               // '20241115-14'
 * ```
 */
export class WallClockFormatter {
  private readonly dates = new Map<number, string>();
  private readonly compactDates = new Map<number, string>();
  private readonly clock: string[];
  private lastDay = Number.NaN;
  private lastDate = '';
  /** Dense cache of `date()` for days `near - RECENT_DAYS / 2 … near + RECENT_DAYS / 2`. */
  private readonly recent: string[] = new Array<string>(RECENT_DAYS).fill('');
  private recentBase = Number.NaN;

  constructor() {
    const clock = new Array<string>(SECONDS_PER_DAY);
    for (let s = 0; s < SECONDS_PER_DAY; s++) {
      clock[s] = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
    }
    this.clock = clock;
  }

  /** `YYYY-MM-DD` of a day number. */
  date(day: number): string {
    if (day === this.lastDay) return this.lastDate;
    if (Number.isNaN(this.recentBase)) this.recentBase = day - RECENT_DAYS / 2;
    const slot = day - this.recentBase;
    let text = slot >= 0 && slot < RECENT_DAYS ? (this.recent[slot] as string) : this.dates.get(day);
    if (text !== undefined && text !== '') {
      this.lastDay = day;
      this.lastDate = text;
      return text;
    }
    text = this.dates.get(day);
    if (text === undefined) {
      const c = civilFromDays(day);
      text = `${String(c.year).padStart(4, '0')}-${pad2(c.month)}-${pad2(c.day)}`;
      this.dates.set(day, text);
    }
    if (slot >= 0 && slot < RECENT_DAYS) this.recent[slot] = text;
    this.lastDay = day;
    this.lastDate = text;
    return text;
  }

  /** `YYYYMMDD` of a day number (file names). */
  compactDate(day: number): string {
    let text = this.compactDates.get(day);
    if (text === undefined) {
      text = this.date(day).replaceAll('-', '');
      this.compactDates.set(day, text);
    }
    return text;
  }

  /** `YYYYMMDD-HH` of an hour number (hours since the epoch), for hourly file names. */
  compactHour(hour: number): string {
    const day = Math.floor(hour / 24);
    return `${this.compactDate(day)}-${pad2(hour - day * 24)}`;
  }

  /** `YYYY-MM-DD<sep>HH:MM:SS` of whole seconds. */
  dateTime(seconds: number, separator: 'T' | ' '): string {
    const day = Math.floor(seconds / SECONDS_PER_DAY);
    return this.date(day) + separator + this.clock[seconds - day * SECONDS_PER_DAY];
  }

  /** `YYYY-MM-DDTHH:MM:SS.ffffff` of microseconds (Python's `datetime.isoformat()`). */
  isoMicros(micros: number): string {
    const seconds = Math.floor(micros / MICROS_PER_SECOND);
    const fraction = micros - seconds * MICROS_PER_SECOND;
    return `${this.dateTime(seconds, 'T')}.${String(fraction + MICROS_PER_SECOND).slice(1)}`;
  }
}
