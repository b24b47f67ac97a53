import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  daysFromCivil,
  floorDiv,
  formatDay,
  formatTimestamp,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  parseDateOrTimestamp,
  parseTimestamp,
  parseTimestampString,
  TimeZone,
} from '../../src/time/index.js';

const UTC = TimeZone.UTC;
const LIMA = TimeZone.of('America/Lima');

/** Micros of a UTC date-time built with `Date` (the slow reference); handles years 0–99 too. */
function utcMicros(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, micros = 0) {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() * 1000 + micros;
}

const parse = (text: string, zone: TimeZone = UTC) => parseTimestampString(text, zone);
const parseLoose = (text: string, zone: TimeZone = UTC) => parseTimestampString(text, zone, true);

describe('constants and floorDiv', () => {
  it('has the documented values', () => {
    expect(MICROS_PER_SECOND).toBe(1_000_000);
    expect(MICROS_PER_DAY).toBe(86_400 * 1_000_000);
  });

  it('floors toward negative infinity', () => {
    expect(floorDiv(7, 2)).toBe(3);
    expect(floorDiv(-7, 2)).toBe(-4);
    expect(floorDiv(-1, MICROS_PER_DAY)).toBe(-1);
    expect(floorDiv(-MICROS_PER_DAY, MICROS_PER_DAY)).toBe(-1);
    expect(floorDiv(0, MICROS_PER_DAY)).toBe(0);
    expect(floorDiv(MICROS_PER_DAY - 1, MICROS_PER_DAY)).toBe(0);
  });

  it('matches BigInt floor division for any safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 1, max: 1e11 }), (a, b) => {
        const big = BigInt(a) / BigInt(b);
        const floored = BigInt(a) % BigInt(b) !== 0n && a < 0 ? big - 1n : big;
        expect(floorDiv(a, b)).toBe(Number(floored));
      }),
    );
  });
});

describe('calendar arithmetic', () => {
  it('knows fixed points', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(1969, 12, 31)).toBe(-1);
    expect(daysFromCivil(2000, 3, 1)).toBe(11_017);
    expect(daysFromCivil(2024, 2, 29)).toBe(19_782);
    expect(daysFromCivil(1, 1, 1)).toBe(-719_162);
    expect(civilFromDays(19_782)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(civilFromDays(-719_162)).toEqual({ year: 1, month: 1, day: 1 });
  });

  it('agrees with Date and round-trips for every day from year 1 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_162, max: 2_932_896 }), (days) => {
        const date = new Date(days * 86_400_000);
        const civil = civilFromDays(days);
        expect(civil).toEqual({
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
        });
        expect(daysFromCivil(civil.year, civil.month, civil.day)).toBe(days);
      }),
      { numRuns: 2_000 },
    );
  });

  it('formats days', () => {
    expect(formatDay(0)).toBe('1970-01-01');
    expect(formatDay(-1)).toBe('1969-12-31');
    expect(formatDay(19_782)).toBe('2024-02-29');
    expect(formatDay(-719_162)).toBe('0001-01-01');
    expect(formatDay(daysFromCivil(10_000, 1, 1))).toBe('+010000-01-01');
    expect(formatDay(daysFromCivil(-1, 1, 1))).toBe('-000001-01-01');
    expect(() => formatDay(Number.NaN)).toThrow(RangeError);
    expect(() => formatDay(1.5)).toThrow(RangeError);
  });

  it('formats timestamps like toISOString, with microseconds', () => {
    expect(formatTimestamp(0)).toBe('1970-01-01T00:00:00.000000Z');
    expect(formatTimestamp(-1)).toBe('1969-12-31T23:59:59.999999Z');
    expect(formatTimestamp(1_500_000)).toBe('1970-01-01T00:00:01.500000Z');
    expect(formatTimestamp(utcMicros(2025, 9, 5, 17, 0, 0, 123))).toBe('2025-09-05T17:00:00.000123Z');
    expect(() => formatTimestamp(Number.NaN)).toThrow(RangeError);
    fc.assert(
      // Micros are exact integers only within ±2^53 (years ~1685–2255).
      fc.property(fc.integer({ min: -9_007_199_254_740, max: 9_007_199_254_740 }), (ms) => {
        const iso = new Date(ms).toISOString(); // 'YYYY-MM-DDTHH:MM:SS.mmmZ'
        expect(formatTimestamp(ms * 1000 + 456)).toBe(`${iso.slice(0, 23)}456Z`);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('parseTimestamp: accepted forms', () => {
  it('parses the seed formats', () => {
    const expected = utcMicros(2024, 11, 15, 14, 30);
    expect(parse('2024-11-15T14:30:00')).toBe(expected);
    expect(parse('2024-11-15 14:30:00')).toBe(expected);
    expect(parse('2024-11-15T14:30:00Z')).toBe(expected);
    expect(parse('2024-11-15T14:30:00+00:00')).toBe(expected);
    expect(parse('2024-11-15T14:30:00-00:00')).toBe(expected);
  });

  it('scales fractions of 1 to 6 digits to microseconds', () => {
    const base = utcMicros(2024, 11, 15, 14, 30);
    expect(parse('2024-11-15T14:30:00.5')).toBe(base + 500_000);
    expect(parse('2024-11-15T14:30:00.05')).toBe(base + 50_000);
    expect(parse('2024-11-15T14:30:00.123')).toBe(base + 123_000);
    expect(parse('2024-11-15T14:30:00.1234')).toBe(base + 123_400);
    expect(parse('2024-11-15T14:30:00.12345')).toBe(base + 123_450);
    expect(parse('2024-11-15T14:30:00.123456')).toBe(base + 123_456);
    expect(parse('2024-11-15T14:30:00.000001Z')).toBe(base + 1);
    expect(parse('2024-11-15T14:30:00.999999+01:00')).toBe(base + 999_999 - 3_600 * MICROS_PER_SECOND);
  });

  it('applies explicit offsets whatever the zone', () => {
    const expected = utcMicros(2024, 11, 15, 19, 30);
    expect(parse('2024-11-15T14:30:00-05:00', UTC)).toBe(expected);
    expect(parse('2024-11-15T14:30:00-05:00', LIMA)).toBe(expected);
    expect(parse('2024-11-16T01:00:00+05:30', LIMA)).toBe(expected);
    expect(parse('2024-11-15T14:30:00Z', LIMA)).toBe(utcMicros(2024, 11, 15, 14, 30));
    expect(parse('2024-01-01T00:00:00+18:00')).toBe(utcMicros(2023, 12, 31, 6));
    expect(parse('2024-01-01T00:00:00-18:00')).toBe(utcMicros(2024, 1, 1, 18));
    expect(parse('2024-01-01T00:00:00+05:45')).toBe(utcMicros(2023, 12, 31, 18, 15));
  });

  it('reads zoneless values as local time in the zone', () => {
    expect(parse('2025-09-05 12:00:00', LIMA)).toBe(utcMicros(2025, 9, 5, 17));
    expect(parse('2025-09-05T19:30:00.25', LIMA)).toBe(utcMicros(2025, 9, 6, 0, 30, 0, 250_000));
  });

  it('handles the calendar edges', () => {
    expect(parse('2024-02-29T00:00:00')).toBe(utcMicros(2024, 2, 29));
    expect(parse('2000-02-29T00:00:00')).toBe(utcMicros(2000, 2, 29));
    expect(parse('2024-12-31T23:59:59.999999')).toBe(utcMicros(2025, 1, 1) - 1);
    expect(parse('1970-01-01T00:00:00Z')).toBe(0);
    expect(parse('1969-12-31T23:59:59.999999Z')).toBe(-1);
    expect(parse('1900-01-01T00:00:00Z')).toBe(-2_208_988_800 * MICROS_PER_SECOND);
    expect(parse('0001-01-01T00:00:00Z')).toBe(-62_135_596_800 * MICROS_PER_SECOND);
    // Past ~2255 micros no longer fit a double exactly; the value is still the nearest representable one.
    expect(parse('9999-12-31T23:59:59.999999Z')).toBeCloseTo(253_402_300_800 * MICROS_PER_SECOND - 1, -3);
  });

  it('reads a slice of a larger buffer', () => {
    const bytes = new TextEncoder().encode('xx,2024-11-15 14:45:00,yy');
    expect(parseTimestamp(bytes, 3, 22, UTC)).toBe(utcMicros(2024, 11, 15, 14, 45));
    expect(parseTimestamp(bytes, 3, 23, UTC)).toBeNaN();
    expect(parseTimestamp(bytes, 2, 22, UTC)).toBeNaN();
    expect(parseTimestamp(bytes, 3, 99, UTC)).toBeNaN();
  });
});

describe('parseTimestamp: rejected forms', () => {
  const invalid = [
    '',
    '2024-11-15',
    '2024-11-15T14:30',
    '2024-13-01T00:00:00',
    '2024-00-10T00:00:00',
    '2024-13-45 00:00:00',
    '2024-01-00T00:00:00',
    '2024-01-32T00:00:00',
    '2024-04-31T00:00:00',
    '2023-02-29T00:00:00',
    '1900-02-29T00:00:00',
    '0000-01-01T00:00:00',
    '2024-11-15T24:00:00',
    '2024-11-15T25:00:00',
    '2024-11-15T23:60:00',
    '2024-11-15T23:59:60',
    '2024-11-15T14:30:00.',
    '2024-11-15T14:30:00.1234567',
    '2024-11-15T14:30:00.Z',
    '2024-11-15T14:30:00,5',
    ' 2024-11-15T14:30:00',
    '2024-11-15T14:30:00 ',
    '2024-11-15T14:30:00\r',
    '2024-11-15  14:30:00',
    '2024-11-15t14:30:00',
    '2024-11-15_14:30:00',
    '2024-11-15T14:30:00z',
    '2024-11-15T14:30:00ZZ',
    '2024-11-15T14:30:00 Z',
    '2024-11-15T14:30:00+0500',
    '2024-11-15T14:30:00+05',
    '2024-11-15T14:30:00+5:00',
    '2024-11-15T14:30:00+05:0',
    '2024-11-15T14:30:00+05:60',
    '2024-11-15T14:30:00+19:00',
    '2024-11-15T14:30:00+18:01',
    '2024-11-15T14:30:00+05:00Z',
    '2024-11-15T14:30:00 UTC',
    '24-11-15T14:30:00',
    '+2024-11-15T14:30:00',
    '20241-11-15T14:30:00',
    '2024-1-15T14:30:00',
    '2024-11-5T14:30:00',
    '2024-11-15T4:30:00',
    '2024/11/15 14:30:00',
    '2024-11-15T14-30-00',
    '２０２４-11-15T14:30:00',
    '2024-11-15T14:30:00\u00a0',
    'not a timestamp at all',
  ];

  it.each(invalid)('rejects %j', (text) => {
    expect(parse(text)).toBeNaN();
    expect(parse(text, LIMA)).toBeNaN();
  });

  it('rejects a bare date unless asked', () => {
    expect(parse('2024-03-15')).toBeNaN();
    expect(parseLoose('2024-03-15')).toBe(utcMicros(2024, 3, 15));
  });
});

describe('parseDateOrTimestamp', () => {
  it('reads a bare date as local midnight', () => {
    expect(parseLoose('2024-03-15', UTC)).toBe(utcMicros(2024, 3, 15));
    expect(parseLoose('2024-03-15', LIMA)).toBe(utcMicros(2024, 3, 15, 5));
    expect(parseLoose('1969-12-31', UTC)).toBe(-MICROS_PER_DAY);
  });

  it('still reads full timestamps', () => {
    expect(parseLoose('2024-03-15 14:23:00', LIMA)).toBe(utcMicros(2024, 3, 15, 19, 23));
    expect(parseLoose('2024-03-15T14:23:00Z', LIMA)).toBe(utcMicros(2024, 3, 15, 14, 23));
  });

  it('shifts a midnight that falls in a DST gap forward (Java ofLocal)', () => {
    // Santiago skipped 2022-09-11 00:00–01:00 (-04 → -03): midnight reads as 01:00 -03.
    const santiago = TimeZone.of('America/Santiago');
    expect(parseLoose('2022-09-11', santiago)).toBe(utcMicros(2022, 9, 11, 4));
  });

  it('rejects invalid dates and near-misses', () => {
    for (const text of ['2023-02-29', '2024-13-45', '2024-1-15', '2024-01-15 ', '2024-01-15T', '20240115']) {
      expect(parseLoose(text)).toBeNaN();
    }
    const bytes = new TextEncoder().encode('2024-03-15');
    expect(parseDateOrTimestamp(bytes, 0, 10, UTC)).toBe(utcMicros(2024, 3, 15));
    expect(parseDateOrTimestamp(bytes, 1, 11, UTC)).toBeNaN();
  });
});

// A slow reference parser built on a regular expression and Date, independent of the byte parser.
const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}:\d{2})?$/;

function referenceParse(text: string, zoneOffsetSeconds: (local: number) => number): number {
  const match = PATTERN.exec(text);
  if (match === null) return Number.NaN;
  const [, y, mo, d, h, mi, s, fraction, designator] = match.map((part) => part ?? '');
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (year === 0 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1) return Number.NaN;
  if (date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  const local = utcMicros(year, month, day, hour, minute, second, Number(fraction?.padEnd(6, '0')));
  if (designator === '') return local - zoneOffsetSeconds(local) * MICROS_PER_SECOND;
  if (designator === 'Z') return local;
  const sign = designator?.startsWith('-') ? -1 : 1;
  const offsetMinutes = Number(designator?.slice(4, 6));
  const offset = Number(designator?.slice(1, 3)) * 3_600 + offsetMinutes * 60;
  if (offset > 18 * 3_600 || offsetMinutes > 59) return Number.NaN;
  return local - sign * offset * MICROS_PER_SECOND;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');
/** NaN-aware value for `toBe`, so a failure shows which side was invalid. */
const show = (value: number) => (Number.isNaN(value) ? 'invalid' : value);

/** Timestamp-looking strings, valid and invalid, with every optional part exercised. */
const timestampText = fc
  .record({
    year: fc.integer({ min: 0, max: 9_999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    separator: fc.constantFrom('T', ' '),
    fraction: fc.option(fc.stringMatching(/^\d{0,8}$/), { nil: undefined }),
    offset: fc.option(
      fc.oneof(
        fc.constant('Z'),
        fc
          .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 60 }))
          .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`),
      ),
      { nil: undefined },
    ),
  })
  .map(
    (p) =>
      `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}${p.separator}${pad(p.hour, 2)}:${pad(p.minute, 2)}:` +
      `${pad(p.second, 2)}${p.fraction === undefined ? '' : `.${p.fraction}`}${p.offset ?? ''}`,
  );

describe('parseTimestamp properties', () => {
  it('agrees with a regex + Date reference (UTC)', () => {
    fc.assert(
      fc.property(timestampText, (text) => {
        expect(show(parse(text))).toBe(show(referenceParse(text, () => 0)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with the reference on single-character mutations of valid timestamps', () => {
    const alphabet = '0123456789-: T.Z+z\t/';
    fc.assert(
      fc.property(
        timestampText,
        fc.nat(),
        fc.integer({ min: 0, max: alphabet.length - 1 }),
        fc.constantFrom('replace', 'insert', 'delete'),
        (text, at, pick, kind) => {
          const index = at % (text.length + 1);
          const char = alphabet[pick]!;
          const mutated =
            kind === 'replace'
              ? text.slice(0, index) + char + text.slice(index + 1)
              : kind === 'insert'
                ? text.slice(0, index) + char + text.slice(index)
                : text.slice(0, index) + text.slice(index + 1);
          expect(show(parse(mutated))).toBe(show(referenceParse(mutated, () => 0)));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('round-trips formatTimestamp', () => {
    fc.assert(
      fc.property(fc.integer({ min: -9_007_199_254_740_991, max: 9_007_199_254_740_991 }), (micros) => {
        expect(parse(formatTimestamp(micros))).toBe(micros);
        expect(parse(formatTimestamp(micros), LIMA)).toBe(micros);
      }),
      { numRuns: 3_000 },
    );
  });
});
