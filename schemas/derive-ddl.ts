import type { LogicalType, TableDef } from './logical-types.js';
import { MONEY_PRECISION, MONEY_SCALE } from './logical-types.js';

const sparkType: Record<LogicalType, string> = {
  string: 'STRING',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  int32: 'INT',
  decimal: `DECIMAL(${MONEY_PRECISION},${MONEY_SCALE})`,
  boolean: 'BOOLEAN',
  'string-list': 'ARRAY<STRING>',
};

/** Options of {@link sparkDdlOf}. */
export interface DdlOptions {
  /** Qualified table name, e.g. `gold.user_session_analysis`. */
  qualifiedName: string;
  /** Iceberg partition transform, e.g. `days(session_date)`. */
  partitionedBy?: string;
  /** `LOCATION`, e.g. `s3://digital-services-datalake/gold/user_session_analysis/`. */
  location?: string;
  /** Table properties; defaults to the seed's (Parquet + snappy, format v2, merge-on-read). */
  properties?: Readonly<Record<string, string>>;
}

/** The seed's Iceberg table properties. */
export const DEFAULT_TABLE_PROPERTIES: Readonly<Record<string, string>> = {
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'snappy',
  'format-version': '2',
  'write.merge.mode': 'merge-on-read',
};

/**
 * Spark SQL / Athena `CREATE TABLE … USING iceberg` for a table definition.
 *
 * @example
 * sparkDdlOf(goldTable, { qualifiedName: 'gold.user_session_analysis', partitionedBy: 'days(session_date)' })
 */
export function sparkDdlOf(table: TableDef, options: DdlOptions): string {
  const width = Math.max(...table.columns.map((c) => c.name.length));
  const columns = table.columns.map((c) => `    ${c.name.padEnd(width)} ${sparkType[c.type]}`).join(',\n');
  const properties = Object.entries(options.properties ?? DEFAULT_TABLE_PROPERTIES)
    .map(([k, v]) => `    '${k}' = '${v}'`)
    .join(',\n');
  const lines = [`CREATE TABLE ${options.qualifiedName} (`, columns, ')', 'USING iceberg'];
  if (options.partitionedBy) lines.push(`PARTITIONED BY (${options.partitionedBy})`);
  lines.push('TBLPROPERTIES (', properties, ')');
  if (options.location) lines.push(`LOCATION '${options.location}'`);
  return `${lines.join('\n')};\n`;
}
