import { makeVector } from 'apache-arrow';
import { silverTransactionsArrowSchema } from '../../schemas/silver.js';
import { DictionaryBuilder } from '../columns/dictionary-builder.js';
import { NumericBuilder } from '../columns/numeric-builder.js';
import { withSchema } from '../columns/take.js';
import { Utf8Builder } from '../columns/utf8-builder.js';
import { parseTimestamp, type TimeZone } from '../time/index.js';
import type { CsvRecord } from './csv-record.js';
import { CsvSink } from './csv-sink.js';
import { parseHundredths } from './decimal.js';
import type { InputFile } from './input-file.js';
import type { ReadOptions, SourceReadResult } from './read-result.js';
import { checkReadOptions, driveRecords, type Rejection, reject, shown } from './record-driver.js';

const COLUMNS = [
  'transaction_id',
  'session_id',
  'user_id',
  'amount',
  'currency',
  'transaction_timestamp',
] as const;
const AMOUNT = 3;
const CURRENCY = 4;
const TIMESTAMP = 5;
const UPPER_A = 0x41;
const UPPER_Z = 0x5a;

/** Validates transaction rows (SPEC §2) and appends the valid ones to the silver columns. */
class TransactionSink extends CsvSink {
  readonly transactionId = new Utf8Builder();
  readonly sessionId = new Utf8Builder();
  readonly userId = new Utf8Builder();
  readonly amount = new NumericBuilder('decimal');
  readonly currency = new DictionaryBuilder();
  readonly timestamp = new NumericBuilder('timestamp');

  constructor(private readonly zone: TimeZone) {
    super(COLUMNS, []);
  }

  protected row(csv: CsvRecord, columns: Int32Array): Rejection | undefined {
    for (let c = 0; c < AMOUNT; c++) {
      if (csv.isEmpty(columns[c]!))
        return reject(`missing_field:${COLUMNS[c]}`, `${COLUMNS[c]} is empty`, COLUMNS[c]);
    }
    const a = columns[AMOUNT]!;
    const hundredths = parseHundredths(csv.buffer(a), csv.starts[a]!, csv.ends[a]!);
    if (Number.isNaN(hundredths)) {
      const value = csv.isEmpty(a) ? 'is empty' : `${shown(csv.text(a))} is not`;
      return reject(
        'invalid_decimal:amount',
        `amount ${value} a decimal with at most 2 fraction digits and |amount| < 10^8 (DECIMAL(10,2))`,
        'amount',
      );
    }
    const cur = columns[CURRENCY]!;
    if (!isCurrency(csv.buffer(cur), csv.starts[cur]!, csv.ends[cur]!)) {
      const value = csv.isEmpty(cur) ? 'is empty' : `${shown(csv.text(cur))} is not`;
      return reject('invalid_currency', `currency ${value} 3 upper-case letters (ISO 4217)`, 'currency');
    }
    const t = columns[TIMESTAMP]!;
    if (csv.isEmpty(t)) {
      return reject(
        'missing_field:transaction_timestamp',
        'transaction_timestamp is empty',
        'transaction_timestamp',
      );
    }
    const timestamp = parseTimestamp(csv.buffer(t), csv.starts[t]!, csv.ends[t]!, this.zone);
    if (Number.isNaN(timestamp)) {
      return reject(
        'invalid_timestamp:transaction_timestamp',
        `transaction_timestamp ${shown(csv.text(t))} is not a valid timestamp (expected YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM])`,
        'transaction_timestamp',
      );
    }

    const id = columns[0]!;
    const session = columns[1]!;
    const user = columns[2]!;
    this.transactionId.appendBytes(csv.buffer(id), csv.starts[id]!, csv.ends[id]!);
    this.sessionId.appendBytes(csv.buffer(session), csv.starts[session]!, csv.ends[session]!);
    this.userId.appendBytes(csv.buffer(user), csv.starts[user]!, csv.ends[user]!);
    this.amount.append(hundredths);
    this.currency.appendBytes(csv.buffer(cur), csv.starts[cur]!, csv.ends[cur]!);
    this.timestamp.append(timestamp);
    this.valid++;
    return undefined;
  }
}

function isCurrency(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 3) return false;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c < UPPER_A || c > UPPER_Z) return false;
  }
  return true;
}

/**
 * Reads bronze transactions (CSV with a header, RFC 4180) into the silver transaction columns,
 * quarantining invalid records (SPEC §2), checked in this order: `invalid_utf8`,
 * `wrong_field_count`, `missing_field:<f>` for an empty transaction_id, session_id or user_id,
 * `invalid_decimal:amount` (not `[+-]?digits[.d{0,2}]` / `[+-]?.d{1,2}`, or |amount| ≥ 10^8),
 * `invalid_currency` (not exactly 3 ASCII upper-case letters), then `missing_field` /
 * `invalid_timestamp` for transaction_timestamp. Amounts are parsed exactly into hundredths.
 *
 * @param files - the transaction files, in arrival order.
 * @param options - the run's time zone; `maxLineBytes` (per record).
 * @throws {@link InputFormatError} when a file's header lacks a required column.
 * @example
 * ```ts
 * const csv = 'transaction_id,session_id,user_id,amount,currency,transaction_timestamp\n' +
 *   'TXN_1,SES_1,USR_1,1250.50,USD,2024-11-15 14:45:00\n';
 * const { table } = await readTransactions([bytesInput('t.csv', csv)], { timeZone: TimeZone.UTC });
 * // table.getChild('amount') holds 125050 hundredths
 * ```
 */
export async function readTransactions(
  files: readonly InputFile[],
  options: ReadOptions,
): Promise<SourceReadResult> {
  checkReadOptions(options);
  const sink = new TransactionSink(options.timeZone);
  const { read, bytes, quarantined } = await driveRecords('transactions', files, options, true, sink);
  const table = withSchema(
    {
      transaction_id: makeVector(sink.transactionId.finish()),
      session_id: makeVector(sink.sessionId.finish()),
      user_id: makeVector(sink.userId.finish()),
      amount: makeVector(sink.amount.finish()),
      currency: makeVector(sink.currency.finish()),
      transaction_timestamp: makeVector(sink.timestamp.finish()),
    },
    silverTransactionsArrowSchema,
  );
  return { source: 'transactions', table, quarantined, read, valid: sink.valid, bytes };
}
