import { makeVector } from 'apache-arrow';
import { silverUsersArrowSchema } from '../../schemas/silver.js';
import { DictionaryBuilder } from '../columns/dictionary-builder.js';
import { NumericBuilder } from '../columns/numeric-builder.js';
import { withSchema } from '../columns/take.js';
import { Utf8Builder } from '../columns/utf8-builder.js';
import { parseDateOrTimestamp, type TimeZone } from '../time/index.js';
import type { CsvRecord } from './csv-record.js';
import { CsvSink } from './csv-sink.js';
import type { InputFile } from './input-file.js';
import type { ReadOptions, SourceReadResult } from './read-result.js';
import { checkReadOptions, driveRecords, type Rejection, reject, shown } from './record-driver.js';

const REQUIRED = ['user_id', 'signup_date', 'device_type', 'country'] as const;
const OPTIONAL = ['updated_at'] as const;
const USER_ID = 0;
const SIGNUP_DATE = 1;
const DEVICE_TYPE = 2;
const COUNTRY = 3;
const UPDATED_AT = 4;
const DATE_FORMAT = 'expected YYYY-MM-DD or YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]';

/** Validates user rows (SPEC §2) and appends the valid ones to the silver user columns. */
class UserSink extends CsvSink {
  readonly userId = new Utf8Builder();
  readonly signupDate = new NumericBuilder('timestamp');
  readonly deviceType = new DictionaryBuilder();
  readonly country = new DictionaryBuilder();
  readonly updatedAt = new NumericBuilder('timestamp');

  constructor(private readonly zone: TimeZone) {
    super(REQUIRED, OPTIONAL);
  }

  protected row(csv: CsvRecord, columns: Int32Array): Rejection | undefined {
    const id = columns[USER_ID]!;
    if (csv.isEmpty(id)) return reject('missing_field:user_id', 'user_id is empty', 'user_id');
    const s = columns[SIGNUP_DATE]!;
    if (csv.isEmpty(s)) return reject('missing_field:signup_date', 'signup_date is empty', 'signup_date');
    const signup = parseDateOrTimestamp(csv.buffer(s), csv.starts[s]!, csv.ends[s]!, this.zone);
    if (Number.isNaN(signup)) {
      return reject(
        'invalid_timestamp:signup_date',
        `signup_date ${shown(csv.text(s))} is not a valid date or timestamp (${DATE_FORMAT})`,
        'signup_date',
      );
    }
    // updated_at is optional twice over: the column may be absent, and an empty value is null.
    const u = columns[UPDATED_AT]!;
    let updated = Number.NaN;
    if (u >= 0 && !csv.isEmpty(u)) {
      updated = parseDateOrTimestamp(csv.buffer(u), csv.starts[u]!, csv.ends[u]!, this.zone);
      if (Number.isNaN(updated)) {
        return reject(
          'invalid_timestamp:updated_at',
          `updated_at ${shown(csv.text(u))} is not a valid date or timestamp (${DATE_FORMAT})`,
          'updated_at',
        );
      }
    }

    this.userId.appendBytes(csv.buffer(id), csv.starts[id]!, csv.ends[id]!);
    this.signupDate.append(signup);
    appendOptional(this.deviceType, csv, columns[DEVICE_TYPE]!);
    appendOptional(this.country, csv, columns[COUNTRY]!);
    if (Number.isNaN(updated)) this.updatedAt.appendNull();
    else this.updatedAt.append(updated);
    this.valid++;
    return undefined;
  }
}

function appendOptional(builder: DictionaryBuilder, csv: CsvRecord, k: number): void {
  if (csv.isEmpty(k)) builder.appendNull();
  else builder.appendBytes(csv.buffer(k), csv.starts[k]!, csv.ends[k]!);
}

/**
 * Reads bronze users (CSV with a header, RFC 4180; `updated_at` optional) into the silver user
 * columns, quarantining invalid records (SPEC §2), checked in this order: `invalid_utf8`,
 * `wrong_field_count`, `missing_field:user_id`, `missing_field:signup_date`,
 * `invalid_timestamp:signup_date`, `invalid_timestamp:updated_at`. `signup_date` and `updated_at`
 * accept a bare date (local midnight in the run's zone). Empty device_type, country and updated_at
 * are null.
 *
 * @param files - the user files, in arrival order.
 * @param options - the run's time zone; `maxLineBytes` (per record).
 * @throws {@link InputFormatError} when a file's header lacks user_id, signup_date, device_type or country.
 * @example
 * ```ts
 * const csv = 'user_id,signup_date,device_type,country\nUSR_00001,2024-03-15 14:23:00,iOS,PE\n';
 * const { table } = await readUsers([bytesInput('users.csv', csv)], { timeZone: TimeZone.of('America/Lima') });
 * ```
 */
export async function readUsers(
  files: readonly InputFile[],
  options: ReadOptions,
): Promise<SourceReadResult> {
  checkReadOptions(options);
  const sink = new UserSink(options.timeZone);
  const { read, bytes, quarantined } = await driveRecords('users', files, options, true, sink);
  const table = withSchema(
    {
      user_id: makeVector(sink.userId.finish()),
      signup_date: makeVector(sink.signupDate.finish()),
      device_type: makeVector(sink.deviceType.finish()),
      country: makeVector(sink.country.finish()),
      updated_at: makeVector(sink.updatedAt.finish()),
    },
    silverUsersArrowSchema,
  );
  return { source: 'users', table, quarantined, read, valid: sink.valid, bytes };
}
