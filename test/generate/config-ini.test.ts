import { describe, expect, it } from 'vitest';
import { ConfigIniError, GenerateOptionsSchema, parseConfigIni } from '../../src/generate/index.js';

// The seed README's config.ini, verbatim (Spanish inline comments included).
const SEED_CONFIG = `[data_volumes]
num_users = 100          # Número de usuarios a generar
num_sessions = 500       # Número de sesiones
num_events = 2000        # Número de eventos
num_transactions = 300   # Número de transacciones

[data_quality]
late_arrival_rate = 0.05  # 5% de eventos con retraso
duplicate_rate = 0.02     # 2% de transacciones duplicadas
`;

describe('parseConfigIni', () => {
  it("reads the seed's config.ini with inline comments", () => {
    expect(parseConfigIni(SEED_CONFIG)).toEqual({
      users: 100,
      sessions: 500,
      events: 2000,
      transactions: 300,
      lateRate: 0.05,
      duplicateRate: 0.02,
    });
  });

  it('reads our extras, any case, ":" delimiters, CRLF, a BOM and full-line comments', () => {
    const text =
      '\uFEFF; generator settings\r\n[data_quality]\r\nEVENT_DUPLICATE_RATE: 0.01\r\ncorrupt_rate = 0.005 ; inline\r\n# seed below\r\nseed = 7\r\n[generator]\r\nbatches = hourly\r\nstart = 2025-01-01\r\ndays = 14\r\n';
    expect(parseConfigIni(text)).toEqual({
      eventDuplicateRate: 0.01,
      corruptRate: 0.005,
      seed: 7,
      batches: 'hourly',
      start: '2025-01-01',
      days: 14,
    });
  });

  it('keeps "#" that is not preceded by whitespace and ignores unknown keys', () => {
    expect(() => parseConfigIni('num_users = 12#not-a-comment')).toThrow(/got "12#not-a-comment"/);
    expect(parseConfigIni('start = 2025-01-01 #c\nnum_users = 12 #c')).toEqual({
      start: '2025-01-01',
      users: 12,
    });
    expect(parseConfigIni('[x]\nunknown = 3\nnum_users = 4\n')).toEqual({ users: 4 });
  });

  it('throws with the line number on malformed lines and non-numbers', () => {
    expect(() => parseConfigIni('[data_volumes]\nnum_users = many\n')).toThrow(
      /line 2: num_users must be a number/,
    );
    expect(() => parseConfigIni('[data_volumes\n')).toThrow(/line 1: malformed section/);
    expect(() => parseConfigIni('[a]\njust text\n')).toThrow(/line 2: expected "key = value"/);
    expect(() => parseConfigIni('batches = daily')).toThrow(/batches must be/);
    expect(() => parseConfigIni('num_events =')).toThrow(ConfigIniError);
  });

  it('merges into the schema, which validates the values', () => {
    const options = GenerateOptionsSchema.parse({ outDir: 'data', ...parseConfigIni(SEED_CONFIG), seed: 3 });
    expect(options).toMatchObject({ users: 100, events: 2000, lateRate: 0.05, seed: 3, batches: 'none' });
    expect(() =>
      GenerateOptionsSchema.parse({ outDir: 'd', ...parseConfigIni('num_users = 1.5') }),
    ).toThrow();
    expect(() =>
      GenerateOptionsSchema.parse({ outDir: 'd', ...parseConfigIni('late_arrival_rate = 2') }),
    ).toThrow();
  });
});
