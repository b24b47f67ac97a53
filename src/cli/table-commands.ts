import { writeFile } from 'node:fs/promises';
import type { Table } from 'apache-arrow';
import { tableToRows } from '../columns/table-rows.js';
import { warehouseAt } from '../io/locations.js';
import { tableToParquet } from '../io/parquet.js';
import { TABLE_NAMES } from '../lakehouse/warehouse.js';
import { parseFlags, UsageError } from './args.js';

const TABLE_FLAGS = { warehouse: { type: 'string' }, table: { type: 'string' } } as const;
const TABLES_HELP = `  --warehouse DIR   the warehouse (a folder or s3://bucket/prefix)
  --table NAME      ${TABLE_NAMES.join(' | ')} (default gold.user_session_analysis)`;

async function openTable(values: { warehouse?: string | undefined; table?: string | undefined }) {
  if (!values.warehouse) throw new UsageError('needs --warehouse DIR');
  return warehouseAt(values.warehouse).table(values.table ?? 'gold.user_session_analysis');
}

export const SNAPSHOTS_HELP = `Usage: goldsmith snapshots --warehouse DIR [--table NAME] [--json]

Lists a table's snapshots, oldest first; the current one is marked with *.

${TABLES_HELP}
  --json            a JSON array of {snapshot_id, parent_id, timestamp_ms, operation, summary}`;

/** `goldsmith snapshots`. */
export async function snapshotsCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, { ...TABLE_FLAGS, json: { type: 'boolean' } });
  if (values.help) return help(SNAPSHOTS_HELP);
  const table = await openTable(values);
  const current = table.currentSnapshot()?.snapshot_id;
  const snapshots = table.snapshots().map(({ snapshot_id, parent_id, timestamp_ms, operation, summary }) => ({
    snapshot_id,
    parent_id,
    timestamp_ms,
    operation,
    summary,
  }));
  if (values.json) {
    console.log(JSON.stringify(snapshots, null, 2));
    return 0;
  }
  console.log('  snapshot_id           time (UTC)                operation   records  run');
  for (const s of snapshots) {
    const mark = s.snapshot_id === current ? '*' : ' ';
    const time = new Date(s.timestamp_ms).toISOString();
    console.log(
      `${mark} ${s.snapshot_id.padEnd(20)}  ${time.padEnd(24)}  ${s.operation.padEnd(10)}  ${(s.summary['total-records'] ?? '').padStart(7)}  ${s.summary['goldsmith.run-id'] ?? ''}`,
    );
  }
  return 0;
}

export const ROLLBACK_HELP = `Usage: goldsmith rollback --warehouse DIR [--table NAME] --snapshot ID

Makes an earlier snapshot current again (a new metadata version; no data is moved or deleted),
like Iceberg's CALL system.rollback_to_snapshot.

${TABLES_HELP}
  --snapshot ID     the snapshot to restore (see goldsmith snapshots)`;

/** `goldsmith rollback`. */
export async function rollbackCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, { ...TABLE_FLAGS, snapshot: { type: 'string' } });
  if (values.help) return help(ROLLBACK_HELP);
  if (!values.snapshot) throw new UsageError('rollback needs --snapshot ID');
  const table = await openTable(values);
  if (!table.snapshots().some((s) => s.snapshot_id === values.snapshot))
    throw new UsageError(
      `--snapshot ${values.snapshot}: not a snapshot of this table (see goldsmith snapshots)`,
    );
  await table.rollback(values.snapshot);
  console.log(`${values.table ?? 'gold.user_session_analysis'}: current snapshot is now ${values.snapshot}`);
  return 0;
}

export const COMPACT_HELP = `Usage: goldsmith compact --warehouse DIR [--table NAME]

Folds merge-on-read delete files back into the data files (one 'replace' snapshot).

${TABLES_HELP}`;

/** `goldsmith compact`. */
export async function compactCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, TABLE_FLAGS);
  if (values.help) return help(COMPACT_HELP);
  const snapshot = await (await openTable(values)).compact();
  console.log(snapshot ? `compacted: snapshot ${snapshot.snapshot_id}` : 'nothing to compact');
  return 0;
}

export const EXPORT_HELP = `Usage: goldsmith export --warehouse DIR [--table NAME] [--snapshot ID | --as-of TIME]
                        --format parquet|csv|jsonl [--out FILE]

Writes a table's rows as of its current snapshot, a snapshot id, or a time (time travel).

${TABLES_HELP}
  --snapshot ID     read this snapshot
  --as-of TIME      read the snapshot current at TIME (ISO-8601, or epoch milliseconds)
  --format F        parquet, csv or jsonl (default jsonl)
  --out FILE        where to write (default: standard output; parquet needs --out)`;

/** `goldsmith export`. */
export async function exportCommand(argv: string[]): Promise<number> {
  const values = parseFlags(argv, {
    ...TABLE_FLAGS,
    snapshot: { type: 'string' },
    'as-of': { type: 'string' },
    format: { type: 'string', default: 'jsonl' },
    out: { type: 'string' },
  });
  if (values.help) return help(EXPORT_HELP);
  const format = values.format;
  if (format !== 'parquet' && format !== 'csv' && format !== 'jsonl')
    throw new UsageError(`--format ${format}: expected parquet, csv or jsonl`);
  if (format === 'parquet' && !values.out) throw new UsageError('--format parquet needs --out FILE');
  if (values.snapshot && values['as-of']) throw new UsageError('give --snapshot or --as-of, not both');
  const table = await openTable(values);
  let snapshotId = values.snapshot;
  if (values['as-of']) {
    const text = values['as-of'];
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isFinite(ms)) throw new UsageError(`--as-of ${text}: expected an ISO-8601 time or epoch ms`);
    const snapshot = table.snapshotAsOf(ms);
    if (!snapshot) throw new UsageError(`--as-of ${text}: the table has no snapshot at or before that time`);
    snapshotId = snapshot.snapshot_id;
  }
  const rows = await table.read(snapshotId ? { snapshotId } : {});
  const bytes =
    format === 'parquet' ? tableToParquet(rows) : new TextEncoder().encode(formatText(rows, format));
  if (values.out) await writeFile(values.out, bytes);
  else process.stdout.write(bytes);
  return 0;
}

/** JSON Lines (SPEC's JSON representation) or RFC 4180 CSV with a header; lists as JSON text. */
export function formatText(table: Table, format: 'csv' | 'jsonl'): string {
  const rows = tableToRows(table);
  if (format === 'jsonl') return rows.map((r) => `${JSON.stringify(r)}\n`).join('');
  const names = table.schema.fields.map((f) => f.name);
  const cell = (value: unknown): string => {
    if (value === null || value === undefined) return '';
    const text = Array.isArray(value) ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `${[names.join(','), ...rows.map((r) => names.map((n) => cell(r[n])).join(','))].join('\n')}\n`;
}

function help(text: string): number {
  console.log(text);
  return 0;
}
