import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatDay,
  InvalidTimeZoneError,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  parseTimestampString,
  TimeZone,
} from '../../src/time/index.js';

const HOUR = 3_600 * MICROS_PER_SECOND;
const MINUTE = 60 * MICROS_PER_SECOND;

/** Micros of a UTC date-time, via `Date` (the slow reference). */
const utc = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0) =>
  Date.UTC(year, month - 1, day, hour, minute, second) * 1000;

// --- Slow reference, independent of the implementation: Intl's `longOffset` name ("GMT-05:08:36"). ---

const referenceFormatters = new Map<string, Intl.DateTimeFormat>();

/** Offset in seconds at a UTC instant given in milliseconds, parsed from the zone's GMT offset name. */
function referenceOffset(zone: string, utcMillis: number): number {
  let formatter = referenceFormatters.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    referenceFormatters.set(zone, formatter);
  }
  const name = formatter.formatToParts(new Date(utcMillis)).find((part) => part.type === 'timeZoneName');
  const match = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name?.value ?? '');
  if (match === null) throw new Error(`unexpected offset name ${name?.value}`);
  const [, sign, hours, minutes, seconds] = match;
  if (sign === undefined) return 0;
  const magnitude = Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds ?? 0);
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * Java's `ZonedDateTime.ofLocal(local, zone, null)` by brute force: try every offset in force within ±2 days,
 * keep those that read back; none (a gap) → the offset in force just before the transition.
 */
function referenceLocalToUtcMillis(zone: string, localMillis: number): number {
  const offsets = new Set<number>();
  for (let hours = -48; hours <= 48; hours += 3)
    offsets.add(referenceOffset(zone, localMillis + hours * 3_600_000));
  const valid = [...offsets]
    .map((offset) => localMillis - offset * 1000)
    .filter((instant) => referenceOffset(zone, instant) * 1000 === localMillis - instant);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap, reading the local time with the newer (larger) offset lands just before the transition.
  const newest = Math.max(...offsets);
  return localMillis - referenceOffset(zone, localMillis - newest * 1000) * 1000;
}

const ZONES = [
  'UTC',
  'America/Lima',
  'America/New_York',
  'America/Santiago',
  'America/Sao_Paulo',
  'America/St_Johns',
  'Europe/London',
  'Europe/Berlin',
  'Africa/Casablanca',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Pacific/Chatham',
  'Pacific/Apia',
] as const;

describe('TimeZone.of', () => {
  it('returns one cached instance per zone', () => {
    expect(TimeZone.of('America/Lima')).toBe(TimeZone.of('America/Lima'));
    expect(TimeZone.of('UTC')).toBe(TimeZone.UTC);
    expect(TimeZone.of('Etc/UTC')).toBe(TimeZone.UTC);
    expect(TimeZone.of('america/lima')).toBe(TimeZone.of('America/Lima'));
    expect(TimeZone.of('america/lima').name).toBe('America/Lima');
    expect(TimeZone.UTC.name).toBe('UTC');
  });

  it.each(['Mars/Olympus_Mons', 'Lima', '', ' UTC', 'UTC ', '+05:00', 'America/Lima/'])(
    'rejects %j with a helpful error',
    (name) => {
      let error: unknown;
      try {
        TimeZone.of(name);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidTimeZoneError);
      expect(error).toBeInstanceOf(Error);
      const invalid = error as InvalidTimeZoneError;
      expect(invalid.name).toBe('InvalidTimeZoneError');
      expect(invalid.value).toBe(name);
      expect(invalid.message).toContain(JSON.stringify(name));
      expect(invalid.message).toContain("'America/Lima'");
      expect(invalid.message).toContain("'UTC'");
    },
  );
});

describe('UTC', () => {
  it('has offset zero and identity conversions', () => {
    const instant = utc(2024, 3, 10, 2, 30);
    expect(TimeZone.UTC.offsetSecondsAt(instant)).toBe(0);
    expect(TimeZone.UTC.offsetSecondsAt(-instant)).toBe(0);
    expect(TimeZone.UTC.localToUtc(instant)).toBe(instant);
    expect(TimeZone.UTC.localDay(-1)).toBe(-1);
    expect(TimeZone.UTC.localDay(0)).toBe(0);
    expect(TimeZone.UTC.offsetSecondsAt(Number.NaN)).toBeNaN();
  });
});

describe('America/Lima', () => {
  const lima = TimeZone.of('America/Lima');

  it('is UTC-5 with no DST since 1994', () => {
    expect(lima.offsetSecondsAt(utc(2025, 1, 15))).toBe(-18_000);
    expect(lima.offsetSecondsAt(utc(2025, 7, 15))).toBe(-18_000);
    expect(lima.offsetSecondsAt(0)).toBe(-18_000);
    expect(parseTimestampString('2025-09-05 12:00:00', lima)).toBe(utc(2025, 9, 5, 17));
    expect(lima.localToUtc(utc(2025, 9, 5, 12))).toBe(utc(2025, 9, 5, 17));
  });

  it('takes the local day across midnight', () => {
    const lastMicroOfSept5 = utc(2025, 9, 6, 5) - 1; // 2025-09-05 23:59:59.999999 in Lima
    expect(formatDay(lima.localDay(lastMicroOfSept5))).toBe('2025-09-05');
    expect(formatDay(lima.localDay(lastMicroOfSept5 + 1))).toBe('2025-09-06');
    expect(formatDay(lima.localDay(utc(2025, 9, 6, 3)))).toBe('2025-09-05');
    expect(formatDay(TimeZone.UTC.localDay(utc(2025, 9, 6, 3)))).toBe('2025-09-06');
  });

  it('handles pre-1970 instants and local mean time', () => {
    expect(formatDay(lima.localDay(utc(1970, 1, 1, 4)))).toBe('1969-12-31');
    expect(lima.localDay(utc(1970, 1, 1, 4))).toBe(-1);
    expect(lima.localDay(utc(1970, 1, 1, 5))).toBe(0);
    // tzdb: Lima used LMT -5:08:36 from 1890 to 1908 and -5:08:12 before 1890 (second resolution).
    expect(lima.offsetSecondsAt(utc(1900, 1, 1))).toBe(-(5 * 3_600 + 8 * 60 + 36));
    expect(lima.offsetSecondsAt(utc(1850, 1, 1))).toBe(-(5 * 3_600 + 8 * 60 + 12));
    expect(parseTimestampString('1900-01-01 00:00:00', lima)).toBe(utc(1900, 1, 1, 5, 8, 36));
    // Before 1800 the 1800 offset applies (no zone has a transition before 1845).
    expect(lima.offsetSecondsAt(utc(1200, 1, 1))).toBe(-(5 * 3_600 + 8 * 60 + 12));
    expect(parseTimestampString('0001-01-01 00:00:00', lima)).toBe(
      parseTimestampString('0001-01-01T05:08:12Z', TimeZone.UTC),
    );
  });
});

describe('America/New_York DST', () => {
  const ny = TimeZone.of('America/New_York');

  it('switches offsets at the exact second', () => {
    const springForward = utc(2024, 3, 10, 7); // 02:00 EST → 03:00 EDT
    expect(ny.offsetSecondsAt(springForward - 1)).toBe(-5 * 3_600);
    expect(ny.offsetSecondsAt(springForward)).toBe(-4 * 3_600);
    const fallBack = utc(2024, 11, 3, 6); // 02:00 EDT → 01:00 EST
    expect(ny.offsetSecondsAt(fallBack - 1)).toBe(-4 * 3_600);
    expect(ny.offsetSecondsAt(fallBack)).toBe(-5 * 3_600);
  });

  it('shifts a local time in the spring gap forward by the gap', () => {
    // 02:30 never happens: Java/Spark read it as 03:30 EDT = 07:30Z.
    expect(parseTimestampString('2024-03-10 02:30:00', ny)).toBe(utc(2024, 3, 10, 7, 30));
    expect(parseTimestampString('2024-03-10 02:00:00', ny)).toBe(utc(2024, 3, 10, 7));
    expect(parseTimestampString('2024-03-10 01:59:59.999999', ny)).toBe(utc(2024, 3, 10, 7) - 1);
    expect(parseTimestampString('2024-03-10 03:00:00', ny)).toBe(utc(2024, 3, 10, 7));
  });

  it('picks the earlier instant in the autumn overlap', () => {
    // 01:30 happens twice (EDT 05:30Z, then EST 06:30Z): the earlier wins.
    expect(parseTimestampString('2024-11-03 01:30:00', ny)).toBe(utc(2024, 11, 3, 5, 30));
    expect(parseTimestampString('2024-11-03 01:00:00', ny)).toBe(utc(2024, 11, 3, 5));
    expect(parseTimestampString('2024-11-03 01:59:59.999999', ny)).toBe(utc(2024, 11, 3, 6) - 1);
    expect(parseTimestampString('2024-11-03 02:00:00', ny)).toBe(utc(2024, 11, 3, 7));
    expect(parseTimestampString('2024-11-03 00:59:59', ny)).toBe(utc(2024, 11, 3, 4, 59, 59));
  });

  it('keeps explicit offsets exact inside the overlap', () => {
    expect(parseTimestampString('2024-11-03 01:30:00-05:00', ny)).toBe(utc(2024, 11, 3, 6, 30));
    expect(parseTimestampString('2024-11-03 01:30:00-04:00', ny)).toBe(utc(2024, 11, 3, 5, 30));
  });

  it('takes local days on DST days', () => {
    expect(formatDay(ny.localDay(utc(2024, 11, 3, 4, 59)))).toBe('2024-11-03'); // 00:59 EDT
    expect(formatDay(ny.localDay(utc(2024, 11, 3, 3, 59)))).toBe('2024-11-02'); // 23:59 EDT
    expect(formatDay(ny.localDay(utc(2024, 11, 4, 4, 59)))).toBe('2024-11-03'); // 23:59 EST
    expect(formatDay(ny.localDay(utc(2024, 11, 4, 5)))).toBe('2024-11-04');
  });
});

describe('Australia/Lord_Howe (30-minute DST)', () => {
  const lordHowe = TimeZone.of('Australia/Lord_Howe');

  it('uses +10:30 in winter and +11:00 in summer', () => {
    expect(lordHowe.offsetSecondsAt(utc(2024, 7, 1))).toBe(10.5 * 3_600);
    expect(lordHowe.offsetSecondsAt(utc(2025, 1, 1))).toBe(11 * 3_600);
  });

  it('handles its 30-minute gap and overlap like Java', () => {
    // 2024-10-06 02:00 LHST → 02:30 LHDT: 02:15 is read with +10:30 (i.e. as 02:45 +11:00).
    expect(parseTimestampString('2024-10-06 02:15:00', lordHowe)).toBe(utc(2024, 10, 5, 15, 45));
    // 2024-04-07 02:00 LHDT → 01:30 LHST: 01:45 happens twice, the +11:00 one is earlier.
    expect(parseTimestampString('2024-04-07 01:45:00', lordHowe)).toBe(utc(2024, 4, 6, 14, 45));
    expect(parseTimestampString('2024-04-07 02:00:00', lordHowe)).toBe(utc(2024, 4, 6, 15, 30));
  });
});

describe('Pacific/Apia (skipped 2011-12-30 entirely)', () => {
  it('shifts a time on the missing day forward by 24 hours', () => {
    const apia = TimeZone.of('Pacific/Apia');
    expect(apia.offsetSecondsAt(utc(2011, 12, 29, 12))).toBe(-10 * 3_600);
    expect(apia.offsetSecondsAt(utc(2011, 12, 31, 12))).toBe(14 * 3_600);
    // Java: 2011-12-30T12:00 → 2011-12-31T12:00+14:00 = 2011-12-30T22:00Z.
    expect(parseTimestampString('2011-12-30 12:00:00', apia)).toBe(utc(2011, 12, 30, 22));
    expect(formatDay(apia.localDay(utc(2011, 12, 30, 22)))).toBe('2011-12-31');
  });
});

describe('cache behaviour', () => {
  it('answers the same after cache slots are reused by distant hours', () => {
    const berlin = TimeZone.of('Europe/Berlin');
    const summer = utc(2024, 7, 1, 12);
    const winter = utc(2024, 1, 1, 12);
    const collidingHours = 16_384 * HOUR; // the cache is direct-mapped on 2^14 hours
    for (let round = 0; round < 3; round++) {
      expect(berlin.offsetSecondsAt(summer)).toBe(7_200);
      expect(berlin.offsetSecondsAt(winter + collidingHours * round)).toBe(
        referenceOffset('Europe/Berlin', (winter + collidingHours * round) / 1000),
      );
      expect(berlin.offsetSecondsAt(summer + collidingHours)).toBe(
        referenceOffset('Europe/Berlin', (summer + collidingHours) / 1000),
      );
    }
  });

  it('returns NaN for non-finite instants', () => {
    const ny = TimeZone.of('America/New_York');
    expect(ny.offsetSecondsAt(Number.NaN)).toBeNaN();
    expect(ny.offsetSecondsAt(Number.POSITIVE_INFINITY)).toBeNaN();
    expect(ny.localToUtc(Number.NaN)).toBeNaN();
    expect(ny.localDay(Number.NaN)).toBeNaN();
  });
});

describe('properties against the Intl reference', () => {
  const zone = fc.constantFrom(...ZONES);
  // Whole milliseconds 1900–2100 (the reference has millisecond input) plus a random sub-millisecond part.
  const instantMillis = fc.integer({ min: utc(1900, 1, 1) / 1000, max: utc(2100, 1, 1) / 1000 });
  const recentMillis = fc.integer({ min: utc(2020, 1, 1) / 1000, max: utc(2026, 1, 1) / 1000 });
  const subMillis = fc.integer({ min: 0, max: 999 });

  it('offsetSecondsAt and localDay match for random instants', () => {
    fc.assert(
      fc.property(zone, fc.oneof(instantMillis, recentMillis), subMillis, (name, millis, sub) => {
        const tz = TimeZone.of(name);
        const instant = millis * 1000 + sub;
        const offset = referenceOffset(name, millis);
        expect(tz.offsetSecondsAt(instant)).toBe(offset);
        const localDate = new Date(millis + offset * 1000).toISOString().slice(0, 10);
        expect(formatDay(tz.localDay(instant))).toBe(localDate);
      }),
      { numRuns: 3_000 },
    );
  });

  it('localToUtc matches Java ofLocal semantics for random local times', () => {
    fc.assert(
      fc.property(zone, fc.oneof(instantMillis, recentMillis), subMillis, (name, localMillis, sub) => {
        const tz = TimeZone.of(name);
        const expected = referenceLocalToUtcMillis(name, localMillis) * 1000 + sub;
        expect(tz.localToUtc(localMillis * 1000 + sub)).toBe(expected);
      }),
      { numRuns: 1_000 },
    );
  });

  it('localToUtc matches near every DST transition of 2020–2025', () => {
    // Local times within ±90 minutes of each transition (in both offsets), where gaps and overlaps live.
    const transitions: { zone: string; instant: number; before: number; after: number }[] = [];
    for (const name of ZONES) {
      for (let hour = utc(2020, 1, 1) / HOUR; hour < utc(2026, 1, 1) / HOUR; hour += 6) {
        const before = referenceOffset(name, hour * 3_600_000);
        const after = referenceOffset(name, (hour + 6) * 3_600_000);
        if (before === after) continue;
        let low = hour * 3_600;
        let high = (hour + 6) * 3_600;
        while (high - low > 1) {
          const middle = Math.floor((low + high) / 2);
          if (referenceOffset(name, middle * 1000) === before) low = middle;
          else high = middle;
        }
        transitions.push({ zone: name, instant: high * 1000, before, after });
      }
    }
    expect(transitions.length).toBeGreaterThan(50);
    fc.assert(
      fc.property(
        fc.constantFrom(...transitions),
        fc.integer({ min: -90 * 60, max: 90 * 60 }),
        fc.boolean(),
        (transition, deltaSeconds, useAfter) => {
          const tz = TimeZone.of(transition.zone);
          const offset = useAfter ? transition.after : transition.before;
          const localMillis = transition.instant + (offset + deltaSeconds) * 1000;
          expect(tz.localToUtc(localMillis * 1000)).toBe(
            referenceLocalToUtcMillis(transition.zone, localMillis) * 1000,
          );
          // offsetSecondsAt agrees on both sides of the exact transition second.
          expect(tz.offsetSecondsAt(transition.instant * 1000 - 1)).toBe(transition.before);
          expect(tz.offsetSecondsAt(transition.instant * 1000)).toBe(transition.after);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('round-trips: reading an instant’s local time gives it back, or the earlier twin in an overlap', () => {
    fc.assert(
      fc.property(zone, fc.oneof(instantMillis, recentMillis), subMillis, (name, millis, sub) => {
        const tz = TimeZone.of(name);
        const instant = millis * 1000 + sub;
        const local = instant + tz.offsetSecondsAt(instant) * MICROS_PER_SECOND;
        const back = tz.localToUtc(local);
        expect(back).toBeLessThanOrEqual(instant);
        expect(back + tz.offsetSecondsAt(back) * MICROS_PER_SECOND).toBe(local);
        expect(instant - back).toBeLessThan(MICROS_PER_DAY + MINUTE);
      }),
      { numRuns: 3_000 },
    );
  });
});
