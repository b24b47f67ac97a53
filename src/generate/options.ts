import { z } from 'zod';
import { parseIsoDate } from './wall-clock.js';

/** First session day when {@link GenerateOptions.start} is not given (the peer fixture's first day). */
export const DEFAULT_START = '2025-09-05';
/** Number of session days when {@link GenerateOptions.days} is not given (the seed's "last 90 days"). */
export const DEFAULT_DAYS = 90;

const rate = z.number().min(0).max(1);
const count = z.number().int().min(0).max(2_000_000_000);

/**
 * Validates and completes generator options. Defaults are the seed's
 * `config.ini`: 100 users, 500 sessions, 2,000 events, 300 transactions,
 * `late_arrival_rate` 0.05, `duplicate_rate` 0.02; our extras default to off
 * (`eventDuplicateRate` 0, `corruptRate` 0), `seed` 42, `batches` `'none'`.
 *
 * @example
 * ```ts
 * const options = GenerateOptionsSchema.parse({ outDir: 'data', events: 1_000_000 });
 * await generate(options);
 * ```
 */
export const GenerateOptionsSchema = z.object({
  /** Folder the files are written to (created if missing). */
  outDir: z.string().min(1),
  /** Users in the users extract (ids `USR_00001`…). */
  users: count.min(1).default(100),
  /** Sessions (ids `SES_000001`…, numbered in start order). */
  sessions: count.min(1).default(500),
  /** Distinct events (ids `EVT_00000001`…), before retries and corruption. */
  events: count.default(2000),
  /** Distinct transactions (ids `TXN_0000001`…), before duplicates and corruption. */
  transactions: count.default(300),
  /** Share of events whose timestamp lies 2–48 h before their arrival (and of transactions arriving 2–48 h late). */
  lateRate: rate.default(0.05),
  /** Share of transactions written a second time, byte for byte. */
  duplicateRate: rate.default(0.02),
  /** Share of events re-emitted later with the same `event_id` (producer retries). */
  eventDuplicateRate: rate.default(0),
  /** Share of the lines of each file replaced by a corrupt line. */
  corruptRate: rate.default(0),
  /** PRNG seed: the same seed gives the same bytes. */
  seed: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).default(42),
  /** `'none'`: one file per source; `'hourly'`: one file per arrival hour (users: per day). */
  batches: z.enum(['none', 'hourly']).default('none'),
  /** First session day, `YYYY-MM-DD` (default {@link DEFAULT_START}). */
  start: z
    .string()
    .refine((text) => parseIsoDate(text) !== undefined && text >= '1001' && text < '9000', {
      message: 'expected an existing date YYYY-MM-DD (years 1001–8999)',
    })
    .optional(),
  /** Number of session days (default {@link DEFAULT_DAYS}). */
  days: z.number().int().min(1).max(36_500).optional(),
});

/**
 * Options of {@link generate}; see {@link GenerateOptionsSchema} for meanings and defaults.
 */
export interface GenerateOptions {
  outDir: string;
  users: number;
  sessions: number;
  events: number;
  transactions: number;
  /** 0.05 in the seed. */
  lateRate: number;
  /** 0.02 in the seed: exact-duplicate transaction rows. */
  duplicateRate: number;
  /** Producer retries of events. */
  eventDuplicateRate: number;
  /** Share of lines made corrupt, per file. */
  corruptRate: number;
  seed: number;
  batches: 'none' | 'hourly';
  /** ISO date of the first session day. */
  start?: string | undefined;
  days?: number | undefined;
}

/** Input accepted by {@link GenerateOptionsSchema} (everything but `outDir` may be omitted). */
export type GenerateOptionsInput = z.input<typeof GenerateOptionsSchema>;

/** Thrown by {@link parseConfigIni} for a line it cannot read, with its 1-based line number. */
export class ConfigIniError extends Error {
  override readonly name = 'ConfigIniError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`config.ini line ${line}: ${message}`);
  }
}

type NumericOption = Exclude<keyof GenerateOptions, 'outDir' | 'batches' | 'start'>;

const INI_KEYS: Readonly<Record<string, NumericOption>> = {
  num_users: 'users',
  num_sessions: 'sessions',
  num_events: 'events',
  num_transactions: 'transactions',
  late_arrival_rate: 'lateRate',
  duplicate_rate: 'duplicateRate',
  event_duplicate_rate: 'eventDuplicateRate',
  corrupt_rate: 'corruptRate',
  seed: 'seed',
  days: 'days',
};

/**
 * Reads the seed generator's `config.ini`:
 *
 * ```ini
 * [data_volumes]
 * num_users = 100          # comment
 * num_sessions = 500
 * num_events = 2000
 * num_transactions = 300
 *
 * [data_quality]
 * late_arrival_rate = 0.05
 * duplicate_rate = 0.02
 * event_duplicate_rate = 0   ; our extras
 * corrupt_rate = 0.01
 * seed = 7
 * ```
 *
 * Keys are matched case-insensitively whatever their section (the names are
 * unique); `batches` and `start` (e.g. in a `[generator]` section) are read too.
 * Like Python's `configparser` with `inline_comment_prefixes=('#', ';')`,
 * `key = value` and `key: value` both work and full-line and inline comments
 * are dropped. Unknown keys are ignored; a malformed line or a value that is
 * not a number throws {@link ConfigIniError}. The result is partial: merge it
 * with other settings and validate with {@link GenerateOptionsSchema}.
 */
export function parseConfigIni(text: string): Partial<GenerateOptions> {
  const result: Partial<GenerateOptions> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = stripInlineComment(lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      if (!/^\[[^\]]+\]$/.test(line))
        throw new ConfigIniError(`malformed section header "${line}"`, lineNumber);
      continue;
    }
    const match = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (match === null) throw new ConfigIniError(`expected "key = value", got "${line}"`, lineNumber);
    const key = (match[1] ?? '').toLowerCase();
    const value = match[2] ?? '';
    if (key === 'batches') {
      if (value !== 'none' && value !== 'hourly') {
        throw new ConfigIniError(`batches must be "none" or "hourly", got "${value}"`, lineNumber);
      }
      result.batches = value;
      continue;
    }
    if (key === 'start') {
      result.start = value;
      continue;
    }
    const option = INI_KEYS[key];
    if (option === undefined) continue;
    const number = value === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(number)) {
      throw new ConfigIniError(`${key} must be a number, got "${value}"`, lineNumber);
    }
    result[option] = number;
  }
  return result;
}

/** Drops a `#` or `;` comment that follows whitespace (configparser's inline comments). */
function stripInlineComment(line: string): string {
  const match = /\s[#;]/.exec(line);
  return match === null ? line : line.slice(0, match.index);
}
