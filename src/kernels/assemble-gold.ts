import { makeVector, type Table, type Vector } from 'apache-arrow';
import { goldArrowSchema } from '../../schemas/gold.js';
import { nullFlags, numberView, stringView } from '../columns/column-views.js';
import { numbersToArrow } from '../columns/numeric-builder.js';
import { identity, takeStrings, withSchema } from '../columns/take.js';
import { Utf8Builder } from '../columns/utf8-builder.js';
import { MICROS_PER_SECOND, type TimeZone } from '../time/index.js';
import { column } from './key-columns.js';

/** Run-level values gold carries (SPEC §5). */
export interface GoldSettings {
  timeZone: TimeZone;
  /** `processing_timestamp`, epoch microseconds; one value per run. */
  processingTimestamp: number;
  dataVersion: number;
  sourceSystem: string;
}

/** Whole epoch seconds of a microsecond instant: Spark's `unix_timestamp` (floor). */
function secs(micros: number): number {
  return Math.floor(micros / MICROS_PER_SECOND);
}

/**
 * Derives the remaining gold columns and returns exactly SPEC §5's columns, order and types:
 * `signup_date` and `session_date` as calendar dates in the run's time zone,
 * `session_duration_seconds` = secs(end) − secs(start), `has_transaction`,
 * `time_to_purchase_seconds` = secs(transaction) − secs(start) (null without a transaction).
 */
export function assembleGold(input: Table, settings: GoldSettings): Table {
  const n = input.numRows;
  const tz = settings.timeZone;
  const start = numberView(column(input, 'session_start_time'));
  const end = numberView(column(input, 'session_end_time'));
  const signup = numberView(column(input, 'signup_time'));
  const txnTime = numberView(column(input, 'transaction_timestamp'));
  const txnNulls = nullFlags(column(input, 'transaction_id'));

  const signupDate = new Float64Array(n);
  const sessionDate = new Float64Array(n);
  const duration = new Float64Array(n);
  const hasTxn = new Float64Array(n);
  const toPurchase = new Float64Array(n);
  const signupNulls = new Uint8Array((n + 7) >> 3).fill(0xff);
  const purchaseNulls = new Uint8Array((n + 7) >> 3).fill(0xff);
  let signupNullCount = 0;
  let purchaseNullCount = 0;
  for (let i = 0; i < n; i++) {
    const s = start[i]!;
    sessionDate[i] = tz.localDay(s);
    duration[i] = secs(end[i]!) - secs(s);
    if (Number.isNaN(signup[i]!)) {
      signupNulls[i >> 3]! &= ~(1 << (i & 7));
      signupNullCount++;
    } else {
      signupDate[i] = tz.localDay(signup[i]!);
    }
    if (txnNulls?.[i] || Number.isNaN(txnTime[i]!)) {
      purchaseNulls[i >> 3]! &= ~(1 << (i & 7));
      purchaseNullCount++;
    } else {
      hasTxn[i] = 1;
      toPurchase[i] = secs(txnTime[i]!) - secs(s);
    }
  }

  const plain = (name: string): Vector =>
    makeVector(takeStrings(stringView(column(input, name)), identity(n)));
  const constantString = (value: string): Vector => {
    const builder = new Utf8Builder();
    const bytes = new TextEncoder().encode(value);
    for (let i = 0; i < n; i++) builder.appendBytes(bytes, 0, bytes.length);
    return makeVector(builder.finish());
  };
  const constantNumber = (kind: 'timestamp' | 'int32', value: number): Vector =>
    makeVector(numbersToArrow(kind, new Float64Array(n).fill(value), undefined, 0));

  return withSchema(
    {
      user_id: column(input, 'user_id'),
      session_id: column(input, 'session_id'),
      signup_date: makeVector(
        numbersToArrow('date', signupDate, signupNullCount > 0 ? signupNulls : undefined, signupNullCount),
      ),
      device_type: plain('device_type'),
      country: plain('country'),
      session_start_time: column(input, 'session_start_time'),
      session_end_time: column(input, 'session_end_time'),
      session_duration_seconds: makeVector(numbersToArrow('int32', duration, undefined, 0)),
      session_date: makeVector(numbersToArrow('date', sessionDate, undefined, 0)),
      total_events: column(input, 'total_events'),
      event_types: column(input, 'event_types'),
      first_event_type: column(input, 'first_event_type'),
      last_event_type: column(input, 'last_event_type'),
      transaction_id: plain('transaction_id'),
      transaction_amount: column(input, 'transaction_amount'),
      transaction_currency: plain('transaction_currency'),
      transaction_timestamp: column(input, 'transaction_timestamp'),
      has_transaction: makeVector(numbersToArrow('boolean', hasTxn, undefined, 0)),
      time_to_purchase_seconds: makeVector(
        numbersToArrow(
          'int32',
          toPurchase,
          purchaseNullCount > 0 ? purchaseNulls : undefined,
          purchaseNullCount,
        ),
      ),
      processing_timestamp: constantNumber('timestamp', settings.processingTimestamp),
      data_version: constantNumber('int32', settings.dataVersion),
      source_system: constantString(settings.sourceSystem),
    },
    goldArrowSchema,
  );
}
