import { EVENT_TYPES, goldTable } from '../schemas/index.js';

/**
 * The bench's baseline: the whole goldsmith job written as one DuckDB SQL script over the bronze
 * files — what a data engineer would write instead of using goldsmith. `read_json` / `read_csv`,
 * dedup with `row_number()`, sessions with `list(... ORDER BY ...)`, the earliest transaction,
 * an as-of join to the user version valid at the session start, the gold columns of SPEC §5,
 * the seed's four data-quality rules, and silver + gold Parquet (gold partitioned by
 * `session_date`).
 *
 * This module only builds SQL text (pure, no DuckDB import); `baseline-runner.ts` executes it.
 *
 * Known limits, acceptable for the bench's clean data and documented in `bench/README.md`:
 * - nothing is quarantined: `read_json` / `read_csv` either fail on a bad line or (with
 *   `ignore_errors`) drop it silently without its raw text — the script keeps them strict;
 * - input order inside one file is not visible to SQL, so a dedup tie (same key, same timestamp)
 *   is broken by file name only; the generator's ties are byte-identical copies, so any pick is
 *   the same row;
 * - `event_details` is re-serialized by DuckDB's JSON type (silver only; gold does not use it).
 */

/** Bronze files per source, in input order (absolute paths). */
export interface BaselineFiles {
  readonly events: readonly string[];
  readonly transactions: readonly string[];
  readonly users: readonly string[];
}

/** Options of {@link baselineScript}. */
export interface BaselineOptions {
  /** IANA zone of timestamps without offset and of derived dates. Default `UTC`. */
  readonly timeZone?: string;
  /** Gold `data_version`. Default 1. */
  readonly dataVersion?: number;
  /** Gold `source_system`. Default `digital-services`. */
  readonly sourceSystem?: string;
  /** Whether any users file has an `updated_at` column (else every user row is a base version). */
  readonly usersHaveUpdatedAt: boolean;
  /** Folder to write silver and gold Parquet to; without it the tables stay in the database. */
  readonly warehouse?: string;
}

/** What a statement is for: plain execution, or a check whose single row must be all zeros. */
export type BaselineStatementKind = 'exec' | 'check';

/** One statement of the script, named like goldsmith's steps so timings line up. */
export interface BaselineStatement {
  readonly step: string;
  readonly kind: BaselineStatementKind;
  /** Table whose row count is reported after the statement, if any. */
  readonly table?: string;
  /** Folder the statement writes into (the runner creates it first), if any. */
  readonly writesTo?: string;
  readonly sql: string;
}

/** Event types the seed's rule allows (SPEC §4). */
export const ALLOWED_EVENT_TYPES = EVENT_TYPES;

/** Gold columns in SPEC §5 order. */
export const GOLD_COLUMNS = goldTable.columns.map((c) => c.name);

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function fileList(files: readonly string[]): string {
  return `[${files.map(sqlString).join(', ')}]`;
}

/** Joins path segments with `/` (DuckDB accepts it on every platform). */
function under(root: string, ...parts: string[]): string {
  return [root.replace(/[\\/]+$/, ''), ...parts].join('/');
}

function bronzeEvents(files: readonly string[]): string {
  if (files.length === 0) {
    return `SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS session_id, NULL::VARCHAR AS user_id,
      NULL::VARCHAR AS event_type, NULL::TIMESTAMPTZ AS event_timestamp, NULL::VARCHAR AS event_details,
      NULL::VARCHAR AS filename WHERE false`;
  }
  return `SELECT event_id, session_id, user_id, event_type,
      CAST(event_timestamp AS TIMESTAMPTZ) AS event_timestamp,
      CAST(event_details AS VARCHAR) AS event_details,
      filename
    FROM read_json(${fileList(files)},
      format = 'newline_delimited', filename = true,
      columns = {event_id: 'VARCHAR', session_id: 'VARCHAR', user_id: 'VARCHAR', event_type: 'VARCHAR',
                 event_timestamp: 'VARCHAR', event_details: 'JSON'})`;
}

const CSV_OPTIONS = `header = true, delim = ',', quote = '"', escape = '"', all_varchar = true,
      union_by_name = true, filename = true`;

function bronzeTransactions(files: readonly string[]): string {
  if (files.length === 0) {
    return `SELECT NULL::VARCHAR AS transaction_id, NULL::VARCHAR AS session_id, NULL::VARCHAR AS user_id,
      NULL::DECIMAL(10,2) AS amount, NULL::VARCHAR AS currency, NULL::TIMESTAMPTZ AS transaction_timestamp,
      NULL::VARCHAR AS filename WHERE false`;
  }
  return `SELECT transaction_id, session_id, user_id,
      CAST(amount AS DECIMAL(10,2)) AS amount, currency,
      CAST(transaction_timestamp AS TIMESTAMPTZ) AS transaction_timestamp,
      filename
    FROM read_csv(${fileList(files)}, ${CSV_OPTIONS})`;
}

function bronzeUsers(files: readonly string[], hasUpdatedAt: boolean): string {
  if (files.length === 0) {
    return `SELECT NULL::VARCHAR AS user_id, NULL::TIMESTAMPTZ AS signup_date, NULL::VARCHAR AS device_type,
      NULL::VARCHAR AS country, NULL::TIMESTAMPTZ AS updated_at, NULL::VARCHAR AS filename WHERE false`;
  }
  const updatedAt = hasUpdatedAt ? 'CAST(updated_at AS TIMESTAMPTZ)' : 'NULL::TIMESTAMPTZ';
  return `SELECT user_id, CAST(signup_date AS TIMESTAMPTZ) AS signup_date, device_type, country,
      ${updatedAt} AS updated_at, filename
    FROM read_csv(${fileList(files)}, ${CSV_OPTIONS})`;
}

/**
 * Builds the baseline script. Statements run in order on one connection; `check` statements
 * return one row of violation counts that must all be zero (the seed's rules: `IsUnique
 * "event_id"`, `IsComplete "user_id"`, the `event_type` list, `session_duration_seconds >= 0`),
 * evaluated before anything is written, as goldsmith does.
 *
 * @example
 * const statements = baselineScript(
 *   { events: ['/d/events.jsonl'], transactions: ['/d/transactions.csv'], users: ['/d/users.csv'] },
 *   { usersHaveUpdatedAt: false, warehouse: '/tmp/w' },
 * );
 */
export function baselineScript(files: BaselineFiles, options: BaselineOptions): BaselineStatement[] {
  const timeZone = options.timeZone ?? 'UTC';
  const dataVersion = options.dataVersion ?? 1;
  const sourceSystem = options.sourceSystem ?? 'digital-services';
  if (!Number.isInteger(dataVersion)) throw new RangeError(`dataVersion ${dataVersion}: expected an integer`);

  const statements: BaselineStatement[] = [
    // Timestamps without an offset are local time in this zone; DATE casts use it too.
    { step: 'set-time-zone', kind: 'exec', sql: `SET TimeZone = ${sqlString(timeZone)}` },
    {
      step: 'dedup(silver_events)',
      kind: 'exec',
      table: 'silver_events',
      sql: `CREATE OR REPLACE TABLE silver_events AS
  SELECT event_id, session_id, user_id, event_type, event_timestamp, event_details
  FROM (${bronzeEvents(files.events)})
  QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY event_timestamp DESC, filename DESC) = 1`,
    },
    {
      step: 'dedup(silver_transactions)',
      kind: 'exec',
      table: 'silver_transactions',
      sql: `CREATE OR REPLACE TABLE silver_transactions AS
  SELECT transaction_id, session_id, user_id, amount, currency, transaction_timestamp
  FROM (${bronzeTransactions(files.transactions)})
  QUALIFY row_number() OVER (PARTITION BY transaction_id ORDER BY transaction_timestamp DESC, filename DESC) = 1`,
    },
    {
      step: 'dedup(silver_users)',
      kind: 'exec',
      table: 'silver_users',
      sql: `CREATE OR REPLACE TABLE silver_users AS
  SELECT user_id, signup_date, device_type, country, updated_at
  FROM (${bronzeUsers(files.users, options.usersHaveUpdatedAt)})
  QUALIFY row_number() OVER (PARTITION BY user_id, updated_at ORDER BY filename DESC) = 1`,
    },
    {
      step: 'gold',
      kind: 'exec',
      table: 'gold',
      sql: `CREATE OR REPLACE TABLE gold AS
  WITH sessions AS (
    SELECT session_id, user_id,
      min(event_timestamp) AS session_start_time,
      max(event_timestamp) AS session_end_time,
      count(*) AS total_events,
      list(event_type ORDER BY event_timestamp, event_id) AS event_types
    FROM silver_events
    GROUP BY session_id, user_id
  ),
  first_transaction AS (
    SELECT * FROM silver_transactions
    QUALIFY row_number() OVER (PARTITION BY session_id, user_id ORDER BY transaction_timestamp, transaction_id) = 1
  ),
  -- a version without updated_at is the user's base version: valid from the beginning of time
  user_versions AS (
    SELECT *, coalesce(updated_at, '-infinity'::TIMESTAMPTZ) AS valid_from FROM silver_users
  ),
  earliest_version AS (
    SELECT * FROM user_versions
    QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY valid_from) = 1
  ),
  -- the version valid at the session start, else (session before every version) the earliest one
  session_user AS (
    SELECT s.*,
      CASE WHEN v.user_id IS NOT NULL THEN v.signup_date ELSE e.signup_date END AS signup_time,
      CASE WHEN v.user_id IS NOT NULL THEN v.device_type ELSE e.device_type END AS device_type,
      CASE WHEN v.user_id IS NOT NULL THEN v.country ELSE e.country END AS country
    FROM sessions s
    ASOF LEFT JOIN user_versions v ON s.user_id = v.user_id AND s.session_start_time >= v.valid_from
    LEFT JOIN earliest_version e ON s.user_id = e.user_id
  )
  SELECT
    s.user_id,
    s.session_id,
    CAST(s.signup_time AS DATE) AS signup_date,
    s.device_type,
    s.country,
    s.session_start_time,
    s.session_end_time,
    -- date_diff counts whole-second boundaries: floor(end) - floor(start), as Spark's unix_timestamp
    CAST(date_diff('second', s.session_start_time, s.session_end_time) AS INTEGER) AS session_duration_seconds,
    CAST(s.session_start_time AS DATE) AS session_date,
    CAST(s.total_events AS INTEGER) AS total_events,
    s.event_types,
    s.event_types[1] AS first_event_type,
    s.event_types[-1] AS last_event_type,
    t.transaction_id,
    t.amount AS transaction_amount,
    t.currency AS transaction_currency,
    t.transaction_timestamp,
    t.transaction_id IS NOT NULL AS has_transaction,
    CAST(date_diff('second', s.session_start_time, t.transaction_timestamp) AS INTEGER) AS time_to_purchase_seconds,
    get_current_timestamp() AS processing_timestamp,
    CAST(${dataVersion} AS INTEGER) AS data_version,
    ${sqlString(sourceSystem)} AS source_system
  FROM session_user s
  LEFT JOIN first_transaction t ON t.session_id = s.session_id AND t.user_id = s.user_id`,
    },
    {
      step: 'check-rules',
      kind: 'check',
      sql: `SELECT
    (SELECT count(*) - count(DISTINCT event_id) FROM silver_events) AS "IsUnique event_id",
    (SELECT count(*) FILTER (WHERE user_id IS NULL) FROM silver_events)
      + (SELECT count(*) FILTER (WHERE user_id IS NULL) FROM silver_transactions)
      + (SELECT count(*) FILTER (WHERE user_id IS NULL) FROM silver_users)
      + (SELECT count(*) FILTER (WHERE user_id IS NULL) FROM gold) AS "IsComplete user_id",
    (SELECT count(*) FILTER (WHERE event_type IS NULL OR event_type NOT IN (${ALLOWED_EVENT_TYPES.map(sqlString).join(', ')}))
      FROM silver_events) AS "ColumnValues event_type",
    (SELECT count(*) FILTER (WHERE session_duration_seconds < 0) FROM gold) AS "ColumnValues session_duration_seconds"`,
    },
  ];

  const warehouse = options.warehouse;
  if (warehouse !== undefined) {
    for (const table of ['events', 'transactions', 'users'] as const) {
      const dir = under(warehouse, 'silver', table);
      statements.push({
        step: `write(silver_${table})`,
        kind: 'exec',
        writesTo: dir,
        sql: `COPY silver_${table} TO ${sqlString(under(dir, 'part-00000.parquet'))} (FORMAT parquet, COMPRESSION snappy)`,
      });
    }
    const goldDir = under(warehouse, 'gold', 'user_session_analysis');
    statements.push({
      step: 'write(gold)',
      kind: 'exec',
      writesTo: goldDir,
      sql: `COPY gold TO ${sqlString(goldDir)}
  (FORMAT parquet, COMPRESSION snappy, PARTITION_BY (session_date), WRITE_PARTITION_COLUMNS true, OVERWRITE_OR_IGNORE true)`,
    });
  }
  return statements;
}
