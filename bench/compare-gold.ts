import type { DuckDBConnection } from '@duckdb/node-api';
import { GOLD_COLUMNS, sqlString } from './baseline-sql.js';

/** Gold columns compared: all but `processing_timestamp` (one value per run, never equal). */
export const COMPARED_COLUMNS = GOLD_COLUMNS.filter((c) => c !== 'processing_timestamp');

/** Outcome of {@link compareGold}: equal as multisets of rows, with matching column types. */
export interface GoldComparison {
  match: boolean;
  rows: { left: number; right: number };
  /** Rows of one side with no equal row on the other (multiset difference, `EXCEPT ALL`). */
  onlyLeft: number;
  onlyRight: number;
  /** Sum of row hashes over the compared columns (as text; order-insensitive). */
  checksum: { left: string; right: string };
  /** Column `name type` lists that differ, if any (empty when the schemas agree). */
  schemaDifferences: string[];
}

function scan(dir: string): string {
  // session_date is stored inside the files by both writers, so the hive path is not needed
  return `read_parquet(${sqlString(`${dir.replace(/[\\/]+$/, '')}/**/*.parquet`)}, hive_partitioning = false)`;
}

function toNumber(value: unknown): number {
  return typeof value === 'bigint' ? Number(value) : Number(value);
}

async function one(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJS()[0] ?? {};
}

async function schemaOf(connection: DuckDBConnection, dir: string): Promise<string[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${scan(dir)}`);
  return reader.getRowObjectsJS().map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
}

/**
 * Compares two gold tables written as Parquet folders (goldsmith's `gold/user_session_analysis`
 * layout or DuckDB's partitioned `COPY`): column names, order and types; row counts; the
 * multiset difference both ways over every column except `processing_timestamp`; and a
 * checksum of those columns, printed so two runs can be compared by eye.
 */
export async function compareGold(
  connection: DuckDBConnection,
  leftDir: string,
  rightDir: string,
): Promise<GoldComparison> {
  const [leftSchema, rightSchema] = [
    await schemaOf(connection, leftDir),
    await schemaOf(connection, rightDir),
  ];
  const schemaDifferences: string[] = [];
  for (let i = 0; i < Math.max(leftSchema.length, rightSchema.length); i++) {
    if (leftSchema[i] !== rightSchema[i])
      schemaDifferences.push(`${leftSchema[i] ?? '(none)'} ≠ ${rightSchema[i] ?? '(none)'}`);
  }
  const columns = COMPARED_COLUMNS.map((c) => `"${c}"`).join(', ');
  const left = `SELECT ${columns} FROM ${scan(leftDir)}`;
  const right = `SELECT ${columns} FROM ${scan(rightDir)}`;
  const row = await one(
    connection,
    `SELECT
      (SELECT count(*) FROM ${scan(leftDir)}) AS rows_left,
      (SELECT count(*) FROM ${scan(rightDir)}) AS rows_right,
      (SELECT count(*) FROM (${left} EXCEPT ALL ${right})) AS only_left,
      (SELECT count(*) FROM (${right} EXCEPT ALL ${left})) AS only_right,
      (SELECT coalesce(sum(hash(${columns})::HUGEINT), 0)::VARCHAR FROM ${scan(leftDir)}) AS checksum_left,
      (SELECT coalesce(sum(hash(${columns})::HUGEINT), 0)::VARCHAR FROM ${scan(rightDir)}) AS checksum_right`,
  );
  const result: GoldComparison = {
    match: false,
    rows: { left: toNumber(row.rows_left), right: toNumber(row.rows_right) },
    onlyLeft: toNumber(row.only_left),
    onlyRight: toNumber(row.only_right),
    checksum: { left: String(row.checksum_left), right: String(row.checksum_right) },
    schemaDifferences,
  };
  result.match =
    schemaDifferences.length === 0 &&
    result.rows.left === result.rows.right &&
    result.onlyLeft === 0 &&
    result.onlyRight === 0 &&
    result.checksum.left === result.checksum.right;
  return result;
}
