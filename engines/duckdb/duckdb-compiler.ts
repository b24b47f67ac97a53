import { describeStep } from '../../src/engine/interpret.js';
import type { Plan, PlanOptions, StepNode, StepOf } from '../../src/plan/index.js';

/**
 * The DuckDB engine's query compiler: plan steps → SQL text. Pure (no DuckDB import), so the SQL
 * can be printed (`goldsmith plan --engine duckdb`) and unit-tested without a database.
 *
 * Conventions the SQL relies on (the engine's loader establishes them):
 * - every relation is a DuckDB table named after the plan relation;
 * - timestamps are `BIGINT` epoch microseconds (no ICU or time-zone functions needed, which
 *   duckdb-wasm in Node does not have);
 * - every table carries {@link ARRIVAL_COLUMN}, the bronze row's arrival position (files in path
 *   order, lines in file order). `rowid` of a derived table is not arrival order, so ties that
 *   SPEC §3 breaks by arrival are broken by this column;
 * - for a run time zone other than UTC, {@link TZ_OFFSETS_TABLE} holds the zone's UTC offsets as
 *   half-open intervals covering every instant `assemble-gold` converts to a date.
 *
 * @module
 */

/** Arrival position of a bronze row (BIGINT, 0-based), kept through every derived relation. */
export const ARRIVAL_COLUMN = '_row';

/** Interval table of the run zone's offsets: `(from_us BIGINT, to_us BIGINT, offset_us BIGINT)`. */
export const TZ_OFFSETS_TABLE = 'tz_offsets';

/** Per-run values the SQL may inline. */
export interface CompileContext {
  /**
   * Gold `processing_timestamp`, epoch microseconds. Absent: the SQL reads the DuckDB variable
   * `processing_timestamp` (`SET VARIABLE processing_timestamp = …`), so a plan compiles without
   * a run.
   */
  readonly processingTimestamp?: number;
}

/** Quotes an identifier (plan relation and column names). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const MICROS_PER_SECOND = '1000000';
const MICROS_PER_DAY = '86400000000';

/**
 * Exact floor division of a BIGINT by a positive constant. DuckDB's `//` truncates toward zero
 * (`-7 // 2 = -3`) and `/` is floating point, so neither floors instants before 1970 (or a
 * negative offset sum) exactly: subtract the non-negative remainder first, then `//` is exact.
 */
export function floorDivSql(expr: string, divisor: string): string {
  return `((${expr}) - (((${expr}) % ${divisor}) + ${divisor}) % ${divisor}) // ${divisor}`;
}

/** Whole epoch seconds of a microsecond instant (Spark's `unix_timestamp`): SPEC §5's secs(t). */
export function secondsSql(expr: string): string {
  return floorDivSql(expr, MICROS_PER_SECOND);
}

/** The local calendar date of an instant given its zone offset (both BIGINT microseconds). */
export function localDateSql(instant: string, offset: string): string {
  return `DATE '1970-01-01' + CAST(${floorDivSql(`${instant} + ${offset}`, MICROS_PER_DAY)} AS INTEGER)`;
}

const isUtc = (options: PlanOptions) => options.timeZone === 'UTC';

function dedupSql(step: StepOf<'dedup'>): string[] {
  const order = [
    ...(step.orderBy === null ? [] : [`${sqlIdent(step.orderBy)} DESC NULLS LAST`]),
    // SPEC §3: on a tie the row later in the input wins.
    `${ARRIVAL_COLUMN} DESC`,
  ];
  return [
    `CREATE OR REPLACE TABLE ${sqlIdent(step.output)} AS
SELECT *
FROM ${sqlIdent(step.input)}
QUALIFY row_number() OVER (
  PARTITION BY ${step.key.map(sqlIdent).join(', ')}
  ORDER BY ${order.join(', ')}
) = 1`,
  ];
}

function sessionizeSql(step: StepOf<'sessionize'>): string[] {
  return [
    `CREATE OR REPLACE TABLE ${sqlIdent(step.output)} AS
SELECT
  user_id,
  session_id,
  session_start_time,
  session_end_time,
  total_events,
  event_types,
  event_types[1] AS first_event_type,
  event_types[-1] AS last_event_type,
  ${ARRIVAL_COLUMN}
FROM (
  SELECT
    user_id,
    session_id,
    min(event_timestamp) AS session_start_time,
    max(event_timestamp) AS session_end_time,
    CAST(count(*) AS INTEGER) AS total_events,
    -- SPEC §5 order (event_timestamp, event_id; arrival for exact ties). Sorting each session's
    -- small list of structs (compared field by field, strings byte-wise) is ~3x faster in DuckDB
    -- than an ordered aggregate list(event_type ORDER BY …).
    list_transform(
      list_sort(
        list({'ts': event_timestamp, 'id': event_id, 'row': ${ARRIVAL_COLUMN}, 'type': event_type}),
        'ASC', 'NULLS FIRST'
      ),
      lambda e: e.type
    ) AS event_types,
    -- first-seen event of the session: gold comes back in the reference engine's row order
    min(${ARRIVAL_COLUMN}) AS ${ARRIVAL_COLUMN}
  FROM ${sqlIdent(step.input)}
  GROUP BY session_id, user_id
)`,
  ];
}

function pickTransactionSql(step: StepOf<'pick-transaction'>): string[] {
  return [
    `CREATE OR REPLACE TABLE ${sqlIdent(step.output)} AS
SELECT
  s.*,
  t.transaction_id,
  t.amount AS transaction_amount,
  t.currency AS transaction_currency,
  t.transaction_timestamp
FROM ${sqlIdent(step.sessions)} AS s
LEFT JOIN (
  SELECT session_id, user_id, transaction_id, amount, currency, transaction_timestamp
  FROM ${sqlIdent(step.transactions)}
  QUALIFY row_number() OVER (
    PARTITION BY session_id, user_id
    ORDER BY transaction_timestamp ASC, transaction_id ASC, ${ARRIVAL_COLUMN} ASC
  ) = 1
) AS t
  ON t.session_id = s.session_id AND t.user_id = s.user_id`,
  ];
}

function snapshotJoinSql(step: StepOf<'snapshot-join'>): string[] {
  // A version without updated_at is the user's base row: always eligible, older than any dated one.
  const eligible = '(u.updated_at IS NULL OR u.updated_at <= s.session_start_time)';
  const row = ARRIVAL_COLUMN;
  return [
    `CREATE OR REPLACE TABLE ${sqlIdent(step.output)} AS
WITH version AS (
  -- the user version valid at each session's start, picked over narrow rows (the session's
  -- arrival column is unique, min over its own events); the wide rows are joined once below
  SELECT s.${row} AS session_row, u.${row} AS user_row
  FROM ${sqlIdent(step.input)} AS s
  JOIN ${sqlIdent(step.users)} AS u ON u.user_id = s.user_id
  QUALIFY row_number() OVER (
    PARTITION BY s.${row}
    ORDER BY
      ${eligible} DESC,
      CASE WHEN ${eligible} THEN u.updated_at END DESC NULLS LAST,
      CASE WHEN ${eligible} THEN u.${row} END DESC NULLS LAST,
      u.updated_at ASC NULLS FIRST,
      u.${row} ASC
  ) = 1
)
SELECT
  s.*,
  u.signup_date AS signup_time,
  u.device_type,
  u.country
FROM ${sqlIdent(step.input)} AS s
LEFT JOIN version AS v ON v.session_row = s.${row}
LEFT JOIN ${sqlIdent(step.users)} AS u ON u.${row} = v.user_row`,
  ];
}

function assembleGoldSql(step: StepOf<'assemble-gold'>, options: PlanOptions, ctx: CompileContext): string[] {
  const utc = isUtc(options);
  const startOffset = utc ? '0' : 'zs.offset_us';
  const signupOffset = utc ? '0' : 'zu.offset_us';
  const processing =
    ctx.processingTimestamp === undefined
      ? `CAST(getvariable('processing_timestamp') AS BIGINT)`
      : `CAST(${Math.trunc(ctx.processingTimestamp)} AS BIGINT)`;
  const hasTransaction = '(s.transaction_id IS NOT NULL AND s.transaction_timestamp IS NOT NULL)';
  const zoneJoins = utc
    ? ''
    : `
LEFT JOIN ${TZ_OFFSETS_TABLE} AS zs
  ON s.session_start_time >= zs.from_us AND s.session_start_time < zs.to_us
LEFT JOIN ${TZ_OFFSETS_TABLE} AS zu
  ON s.signup_time >= zu.from_us AND s.signup_time < zu.to_us`;
  return [
    `CREATE OR REPLACE TABLE ${sqlIdent(step.output)} AS
SELECT
  s.user_id,
  s.session_id,
  CASE WHEN s.signup_time IS NULL THEN NULL
    ELSE ${localDateSql('s.signup_time', signupOffset)} END AS signup_date,
  s.device_type,
  s.country,
  s.session_start_time,
  s.session_end_time,
  CAST(${secondsSql('s.session_end_time')} - ${secondsSql('s.session_start_time')} AS INTEGER)
    AS session_duration_seconds,
  ${localDateSql('s.session_start_time', startOffset)} AS session_date,
  s.total_events,
  s.event_types,
  s.first_event_type,
  s.last_event_type,
  s.transaction_id,
  s.transaction_amount,
  s.transaction_currency,
  s.transaction_timestamp,
  ${hasTransaction} AS has_transaction,
  CASE WHEN ${hasTransaction}
    THEN CAST(${secondsSql('s.transaction_timestamp')} - ${secondsSql('s.session_start_time')} AS INTEGER)
  END AS time_to_purchase_seconds,
  ${processing} AS processing_timestamp,
  CAST(${options.dataVersion} AS INTEGER) AS data_version,
  ${sqlString(options.sourceSystem)} AS source_system,
  s.${ARRIVAL_COLUMN}
FROM ${sqlIdent(step.input)} AS s${zoneJoins}`,
  ];
}

/**
 * The SQL statements that execute one step, in order. `parse` (the engine loads the reference
 * readers' valid rows) and `check-rules` (the shared rules engine) run no SQL: `[]`.
 *
 * @example
 * compileStep({ kind: 'sessionize', input: 'silver_events', output: 'sessions' }, plan.options, {});
 * // ['CREATE OR REPLACE TABLE "sessions" AS\nSELECT … list_sort(list({'ts': event_timestamp, …']
 */
export function compileStep(step: StepNode, options: PlanOptions, ctx: CompileContext = {}): string[] {
  switch (step.kind) {
    case 'parse':
    case 'check-rules':
      return [];
    case 'dedup':
      return dedupSql(step);
    case 'sessionize':
      return sessionizeSql(step);
    case 'pick-transaction':
      return pickTransactionSql(step);
    case 'snapshot-join':
      return snapshotJoinSql(step);
    case 'assemble-gold':
      return assembleGoldSql(step, options, ctx);
  }
}

/**
 * A one-row query of the counts a step reports besides its output (`undefined` when it has
 * none): dedup → `input_rows, output_rows` (duplicates = the difference, SPEC §2);
 * pick-transaction → `orphans, with_transaction` (SPEC §5).
 */
export function compileStepMetrics(step: StepNode): string | undefined {
  switch (step.kind) {
    case 'dedup':
      return `SELECT
  (SELECT count(*) FROM ${sqlIdent(step.input)}) AS input_rows,
  (SELECT count(*) FROM ${sqlIdent(step.output)}) AS output_rows`;
    case 'pick-transaction':
      return `SELECT
  (SELECT count(*) FROM ${sqlIdent(step.transactions)} AS t
    WHERE NOT EXISTS (
      SELECT 1 FROM ${sqlIdent(step.sessions)} AS s
      WHERE s.session_id = t.session_id AND s.user_id = t.user_id
    )) AS orphans,
  (SELECT count(*) FROM ${sqlIdent(step.output)} WHERE transaction_id IS NOT NULL) AS with_transaction`;
    default:
      return undefined;
  }
}

/**
 * For `assemble-gold` in a zone other than UTC: the range of instants whose local date it takes
 * (`lo`, `hi`, BIGINT microseconds; NULL when there are none), so the engine can load
 * {@link TZ_OFFSETS_TABLE} covering exactly that range. `undefined` otherwise. DuckDB's
 * `least`/`greatest` skip NULLs, so sessions of unknown users (no signup time) still get bounds.
 */
export function compileTimeBounds(step: StepNode, options: PlanOptions): string | undefined {
  if (step.kind !== 'assemble-gold' || isUtc(options)) return undefined;
  return `SELECT
  least(min(session_start_time), min(signup_time)) AS lo,
  greatest(max(session_start_time), max(signup_time)) AS hi
FROM ${sqlIdent(step.input)}`;
}

/**
 * The query that hands a relation back: `columns` in order (default: all but
 * {@link ARRIVAL_COLUMN}), rows in arrival order — the order the reference engine produces,
 * though SPEC leaves row order open.
 */
export function compileFetch(relation: string, columns?: readonly string[]): string {
  const list = columns ? columns.map(sqlIdent).join(', ') : `* EXCLUDE (${ARRIVAL_COLUMN})`;
  return `SELECT ${list}
FROM ${sqlIdent(relation)}
ORDER BY ${ARRIVAL_COLUMN}`;
}

/** One step of {@link compilePlan}. */
export interface CompiledStep {
  /** The step's label, e.g. `dedup(silver_events)`. */
  step: string;
  /** Its SQL: statements, then metric and bound queries; `--` comments for non-SQL steps. */
  sql: string[];
}

/**
 * The whole plan as DuckDB SQL, for inspection (`goldsmith plan --engine duckdb`) and tests. The
 * engine runs exactly these statements (with the run's processing timestamp inlined).
 *
 * @example
 * for (const { step, sql } of compilePlan(createPlan({ timeZone: 'America/Lima' })))
 *   console.log(`-- ${step}\n${sql.join(';\n')};`);
 */
export function compilePlan(plan: Plan, ctx: CompileContext = {}): CompiledStep[] {
  return plan.steps.map((step) => {
    const sql: string[] = [];
    if (step.kind === 'parse') {
      sql.push(
        `-- load: goldsmith's ${step.source} reader (SPEC §2 record contract) hands DuckDB the valid rows ` +
          `as table ${sqlIdent(step.output)}, timestamps as BIGINT microseconds, plus ${ARRIVAL_COLUMN} (arrival order)`,
      );
    } else if (step.kind === 'check-rules') {
      sql.push(
        '-- check-rules: the shared DQDL evaluator (evaluateRuleset) runs over the tables fetched back from DuckDB: ' +
          Object.values(step.datasets).map(sqlIdent).join(', '),
      );
    }
    const bounds = compileTimeBounds(step, plan.options);
    if (bounds) {
      sql.push(bounds);
      sql.push(
        `-- load: ${TZ_OFFSETS_TABLE}(from_us, to_us, offset_us), ${plan.options.timeZone} offsets over [lo, hi]`,
      );
    }
    sql.push(...compileStep(step, plan.options, ctx));
    const metrics = compileStepMetrics(step);
    if (metrics) sql.push(metrics);
    return { step: describeStep(step), sql };
  });
}
