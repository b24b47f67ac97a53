import type { Sfc32 } from './prng.js';

/**
 * Corrupt lines the generator writes in place of good ones, one per SPEC §2
 * quarantine reason. Each corrupt line has exactly one defect, so the reason a
 * pipeline must report for it is unambiguous:
 *
 * - a missing key, a `null` or an empty string → `missing_field:<name>`;
 * - a present value of the wrong JSON type (number, boolean, array, object)
 *   → `invalid_type:<name>`;
 * - a string that is not a valid timestamp → `invalid_timestamp:<name>`.
 */

/** Reasons of corrupt event lines, cycled through in this order. */
export const EVENT_CORRUPTIONS = [
  'malformed_json',
  'not_an_object',
  'missing_field:event_id',
  'missing_field:session_id',
  'missing_field:user_id',
  'missing_field:event_type',
  'missing_field:event_timestamp',
  'invalid_type:event_id',
  'invalid_type:session_id',
  'invalid_type:user_id',
  'invalid_type:event_type',
  'invalid_timestamp:event_timestamp',
  'invalid_type:event_details',
] as const;

/** Reasons of corrupt transaction rows, cycled through in this order. */
export const TRANSACTION_CORRUPTIONS = [
  'wrong_field_count',
  'missing_field:transaction_id',
  'missing_field:session_id',
  'missing_field:user_id',
  'invalid_decimal:amount',
  'invalid_currency',
  'invalid_timestamp:transaction_timestamp',
] as const;

/** Reasons of corrupt user rows, cycled through in this order. */
export const USER_CORRUPTIONS = ['missing_field:user_id', 'invalid_timestamp:signup_date'] as const;

/** A quarantine reason code the generator can produce for events. */
export type EventCorruption = (typeof EVENT_CORRUPTIONS)[number];
/** A quarantine reason code the generator can produce for transactions. */
export type TransactionCorruption = (typeof TRANSACTION_CORRUPTIONS)[number];
/** A quarantine reason code the generator can produce for users. */
export type UserCorruption = (typeof USER_CORRUPTIONS)[number];
/** Any reason code the generator can produce. */
export type CorruptionReason = EventCorruption | TransactionCorruption | UserCorruption;

/** Timestamp texts that are not valid (impossible dates or times, or not timestamps at all). */
export const INVALID_TIMESTAMPS: readonly string[] = [
  '2024-13-45T10:00:00',
  '2023-02-29 10:00:00',
  '2025-11-15T25:00:00',
  '25:00',
  'not-a-date',
  '2025-04-31 12:00:00',
  '2025-11-15 10:61:00',
  '15/11/2025 10:00:00',
];

/** Amount texts that are not a DECIMAL(10,2) with at most 2 fraction digits. */
export const INVALID_AMOUNTS: readonly string[] = [
  '12.345',
  '1e5',
  'abc',
  '123456789.00',
  '100000000.00',
  '12.3.4',
  '$12.00',
  'NaN',
];

/** Currency texts that are not 3 upper-case letters. */
export const INVALID_CURRENCIES: readonly string[] = ['usd', 'US', 'USDD', 'U5D', 'Pen', '123', 'S/.'];

/** Blank lines (each ending in `\n`) a reader must skip: empty, spaces, tabs, a lone `\r`. */
export const BLANK_LINES: readonly string[] = ['\n', '  \n', '\t\n', '\r\n', ' \t \r\n'];

/**
 * Serializes a JSON value the way Python's `json.dumps` does by default
 * (`", "` between items, `": "` after keys), which is how the seed's events look.
 */
export function pyJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) parts.push(`${JSON.stringify(key)}: ${pyJson(item)}`);
  return `{${parts.join(', ')}}`;
}

/** Builds the corrupt text for `reason` from a good line (without its newline). */
export type CorruptLineBuilder<R extends string> = (reason: R, line: string, rng: Sfc32) => string;

function wrongType(rng: Sfc32, text: unknown): unknown {
  switch (rng.int(4)) {
    case 0:
      return 12345;
    case 1:
      return true;
    case 2:
      return [text];
    default:
      return { value: text };
  }
}

function missingValue(record: Record<string, unknown>, field: string, rng: Sfc32): void {
  switch (rng.int(3)) {
    case 0:
      delete record[field];
      break;
    case 1:
      record[field] = null;
      break;
    default:
      record[field] = '';
  }
}

/** Corrupts a good event line (a JSON object in Python's spacing). */
export const corruptEventLine: CorruptLineBuilder<EventCorruption> = (reason, line, rng) => {
  if (reason === 'malformed_json') {
    switch (rng.int(4)) {
      case 0:
        return line.slice(0, 1 + rng.int(line.length - 1));
      case 1:
        return line.replaceAll('"', "'");
      case 2:
        return line.replace('", "', '" "');
      default:
        return '<html><body>503 Service Unavailable</body></html>';
    }
  }
  const record = JSON.parse(line) as Record<string, unknown>;
  if (reason === 'not_an_object') {
    switch (rng.int(5)) {
      case 0:
        return `[${line}]`;
      case 1:
        return String(rng.int(100_000));
      case 2:
        return JSON.stringify(record.event_id);
      case 3:
        return 'null';
      default:
        return 'true';
    }
  }
  const [kind, field = ''] = reason.split(':') as [string, string?];
  if (reason === 'missing_field:event_timestamp') {
    delete record[field];
  } else if (kind === 'missing_field') {
    missingValue(record, field, rng);
  } else if (reason === 'invalid_timestamp:event_timestamp') {
    record[field] = rng.pick(INVALID_TIMESTAMPS);
  } else if (reason === 'invalid_type:event_details') {
    record[field] = rng.pick<unknown>([String(record.event_type), 42, [1, 2], true]);
  } else {
    record[field] = wrongType(rng, record[field]);
  }
  return pyJson(record);
};

const TRANSACTION_FIELD_INDEX = { transaction_id: 0, session_id: 1, user_id: 2 } as const;

/** Corrupts a good transaction row (6 comma-separated fields, none quoted). */
export const corruptTransactionLine: CorruptLineBuilder<TransactionCorruption> = (reason, line, rng) => {
  const fields = line.split(',');
  switch (reason) {
    case 'wrong_field_count': {
      const amount = fields[3] ?? '';
      const variant = rng.int(4);
      if (variant === 0) return fields.slice(0, 5).join(',');
      if (variant === 1) return `${line},PROMO10`;
      if (variant === 2 && amount.length > 6) {
        fields[3] = `${amount.slice(0, -6)},${amount.slice(-6)}`;
        return fields.join(',');
      }
      return fields.join(';');
    }
    case 'missing_field:transaction_id':
    case 'missing_field:session_id':
    case 'missing_field:user_id': {
      const name = reason.slice('missing_field:'.length) as keyof typeof TRANSACTION_FIELD_INDEX;
      fields[TRANSACTION_FIELD_INDEX[name]] = '';
      return fields.join(',');
    }
    case 'invalid_decimal:amount':
      fields[3] = rng.chance(0.25) ? `${fields[3] ?? '0.00'}5` : rng.pick(INVALID_AMOUNTS);
      return fields.join(',');
    case 'invalid_currency':
      fields[4] = rng.chance(0.25) ? (fields[4] ?? 'usd').toLowerCase() : rng.pick(INVALID_CURRENCIES);
      return fields.join(',');
    case 'invalid_timestamp:transaction_timestamp':
      fields[5] = rng.pick(INVALID_TIMESTAMPS);
      return fields.join(',');
  }
};

/** Corrupts a good user row (`user_id,signup_date,device_type,country[,updated_at]`). */
export const corruptUserLine: CorruptLineBuilder<UserCorruption> = (reason, line, rng) => {
  const fields = line.split(',');
  if (reason === 'missing_field:user_id') fields[0] = '';
  else fields[1] = rng.pick(INVALID_TIMESTAMPS);
  return fields.join(',');
};

/**
 * Replaces about `rate` of the lines it sees with corrupt ones, cycling
 * through `reasons` so every reason appears roughly equally often.
 *
 * A line is picked with probability `rate`; a picked line that is not
 * `eligible` (part of a duplicate group, whose counts must stay exact) passes
 * its turn to the next eligible line, so the overall share stays `rate`.
 * Counts per reason are kept in `byReason`.
 */
export class LineCorrupter<R extends string> {
  private debt = 0;
  private cursor = 0;
  /** Corrupt lines written, per reason. */
  readonly byReason: Map<R, number> = new Map();
  /** Corrupt lines written in total. */
  total = 0;
  /** Blank lines written (see {@link LineCorrupter.blank}). */
  blanks = 0;

  constructor(
    private readonly reasons: readonly R[],
    private readonly rate: number,
    private readonly rng: Sfc32,
    private readonly build: CorruptLineBuilder<R>,
  ) {}

  /**
   * Decides the fate of the next line: `undefined` to keep it, or the reason
   * it must be replaced for (then call {@link LineCorrupter.corrupt}).
   */
  pick(eligible: boolean): R | undefined {
    if (this.rate <= 0) return undefined;
    if (this.rng.next() < this.rate) this.debt++;
    if (this.debt === 0 || !eligible) return undefined;
    this.debt--;
    const reason = this.reasons[this.cursor++ % this.reasons.length] as R;
    this.byReason.set(reason, (this.byReason.get(reason) ?? 0) + 1);
    this.total++;
    return reason;
  }

  /** The corrupt line (ending in `\n`) replacing `line` (ending in `\n`) for `reason`. */
  corrupt(reason: R, line: string): string {
    return `${this.build(reason, line.slice(0, -1), this.rng)}\n`;
  }

  /**
   * Now and then (an eighth of the corrupt rate) a blank line to write after
   * the current one: empty, or only spaces, tabs and `\r`. SPEC §1 says readers
   * skip these without counting them; they are not corrupt.
   */
  blank(): string | undefined {
    if (this.rate <= 0 || this.rng.next() >= this.rate / 8) return undefined;
    this.blanks++;
    return BLANK_LINES[this.rng.int(BLANK_LINES.length)];
  }

  /** Returns `line` (ending in `\n`) or the corrupt line that replaces it. */
  apply(line: string, eligible: boolean): string {
    const reason = this.pick(eligible);
    return reason === undefined ? line : this.corrupt(reason, line);
  }
}
