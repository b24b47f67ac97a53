import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCivilDate, parseIsoDate, WallClockFormatter } from '../../src/generate/index.js';

const DAY_MS = 86_400_000;

describe('calendar validation', () => {
  it('knows impossible dates', () => {
    expect(isCivilDate(2024, 2, 29)).toBe(true);
    expect(isCivilDate(2023, 2, 29)).toBe(false);
    expect(isCivilDate(2024, 13, 45)).toBe(false);
    expect(isCivilDate(2025, 4, 31)).toBe(false);
    expect(isCivilDate(1900, 2, 29)).toBe(false);
    expect(isCivilDate(2000, 2, 29)).toBe(true);
    expect(parseIsoDate('2025-09-05')).toBe(Date.UTC(2025, 8, 5) / DAY_MS);
    expect(parseIsoDate('1969-12-31')).toBe(-1);
    expect(parseIsoDate('2023-02-29')).toBeUndefined();
    expect(parseIsoDate('2025-9-5')).toBeUndefined();
  });
});

describe('WallClockFormatter', () => {
  it('formats seconds and microseconds exactly like Date#toISOString (without zone)', () => {
    const f = new WallClockFormatter();
    fc.assert(
      fc.property(
        fc.integer({ min: -5_000_000_000, max: 5_000_000_000 }),
        fc.integer({ min: 0, max: 999_999 }),
        (seconds, micros) => {
          const iso = new Date(seconds * 1000).toISOString();
          expect(f.dateTime(seconds, 'T')).toBe(iso.slice(0, 19));
          expect(f.dateTime(seconds, ' ')).toBe(iso.slice(0, 19).replace('T', ' '));
          expect(f.isoMicros(seconds * 1_000_000 + micros)).toBe(
            `${iso.slice(0, 19)}.${String(micros).padStart(6, '0')}`,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('formats file-name dates and hours', () => {
    const f = new WallClockFormatter();
    const hour = Date.UTC(2024, 10, 15, 14) / 3_600_000;
    expect(f.compactHour(hour)).toBe('20241115-14');
    expect(f.compactHour(hour + 10)).toBe('20241116-00');
    expect(f.compactDate(Date.UTC(2025, 0, 2) / DAY_MS)).toBe('20250102');
    expect(f.isoMicros(1_731_681_000_000_042)).toBe('2024-11-15T14:30:00.000042');
  });
});
