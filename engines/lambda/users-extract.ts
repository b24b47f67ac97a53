import type { S3Client } from '@aws-sdk/client-s3';
import type { Table } from 'apache-arrow';
import { type CellValue, tableToRows } from '../../src/columns/table-rows.js';
import { takeTable } from '../../src/columns/take.js';
import { listS3Objects, s3FileIO } from '../../src/io/s3-file-io.js';
import { s3File } from '../../src/io/s3-inputs.js';
import { readUsers } from '../../src/read/read-users.js';
import { newRunId } from '../../src/run/run-pipeline.js';
import { parseTimestampString, TimeZone } from '../../src/time/index.js';
import { type LakeConfig, resolveLake } from './lambda-config.js';
import type { WatermarkStore } from './watermark-store.js';

/**
 * Where users come from. The default reads CSV exports on S3 ({@link s3CsvUsersSource}); a database
 * source (RDS through `pg`) implements the same one method with `WHERE updated_at > $1`.
 */
export interface UsersSource {
  /**
   * User versions changed after `sinceMicros` (epoch µs, exclusive), or every version when
   * undefined, as a table in the silver users schema (`readUsers`' output).
   */
  changedSince(sinceMicros: number | undefined, timeZone: TimeZone): Promise<Table>;
}

/**
 * Users from CSV files under an S3 prefix (the bronze users layout: header `user_id, signup_date,
 * device_type, country[, updated_at]`). Reads them all and keeps the rows with `updated_at` past the
 * watermark — the stand-in for a source database's incremental query. Rows without `updated_at`
 * are base versions: delivered by the first extraction only.
 */
export function s3CsvUsersSource(client: S3Client, prefix: string): UsersSource {
  return {
    async changedSince(sinceMicros, timeZone) {
      const files = (await listS3Objects(client, prefix))
        .filter((o) => o.key.endsWith('.csv'))
        .map((o) => s3File(client, o.location, o.size));
      const { table } = await readUsers(files, { timeZone });
      if (sinceMicros === undefined) return table;
      const updated = table.getChild('updated_at')!;
      const keep = new Int32Array(table.numRows);
      let kept = 0;
      for (let i = 0; i < table.numRows; i++) {
        const value = updated.get(i) as number | bigint | null;
        if (value !== null && microsOf(value) > sinceMicros) keep[kept++] = i;
      }
      return takeTable(table, keep.subarray(0, kept));
    },
  };
}

/** Arrow gives timestamp(us) cells as epoch ms (number) or µs (bigint) depending on the build. */
function microsOf(value: number | bigint): number {
  return typeof value === 'bigint' ? Number(value) : Math.round(value * 1000);
}

const USER_COLUMNS = ['user_id', 'signup_date', 'device_type', 'country', 'updated_at'] as const;

function csvCell(value: CellValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A users table as bronze CSV (timestamps ISO-8601 UTC with `Z`, so any run time zone reads them back alike). */
export function usersToCsv(table: Table): string {
  const rows = tableToRows(table);
  return `${USER_COLUMNS.join(',')}\n${rows.map((r) => `${USER_COLUMNS.map((c) => csvCell(r[c] ?? null)).join(',')}\n`).join('')}`;
}

/** Options of {@link createUsersExtractHandler}. */
export interface UsersExtractConfig extends LakeConfig {
  readonly source: UsersSource;
  readonly watermarks: WatermarkStore;
  /** Watermark item name (default `users`). */
  readonly watermarkName?: string;
}

/** What one extraction did. */
export interface UsersExtractResult {
  readonly runId: string;
  readonly since: number | undefined;
  /** The greatest `updated_at` delivered, or undefined when nothing changed. */
  readonly until: number | undefined;
  readonly rows: number;
  /** The bronze file written, if any. */
  readonly file: string | undefined;
  /** This run moved the watermark (false: nothing new, or a concurrent run already moved it further). */
  readonly advanced: boolean;
}

/**
 * The daily users extraction: reads the watermark, asks the source for versions changed after
 * it, writes them as one CSV to `<bronze>/users/extract_date=YYYY-MM-DD/users-<since>-<until>.csv`,
 * then advances the watermark with a conditional update. The order matters: the file is written
 * before the watermark moves, so a crash in between re-extracts (silver dedups user versions by
 * `(user_id, updated_at)`) instead of skipping rows; two overlapping runs may both write, never
 * move the watermark backwards. The file name is a function of the range, so runs that saw the
 * same range write the same object.
 *
 * Metrics (EMF): `ExtractedRows`, `WatermarkLagSeconds` (now − new watermark).
 */
export function createUsersExtractHandler(config: UsersExtractConfig) {
  const lake = resolveLake(config, 'users-extract');
  const name = config.watermarkName ?? 'users';
  return async (_event?: unknown): Promise<UsersExtractResult> => {
    const { s3, bronze, metrics, logger, timeZone } = await lake;
    const runId = newRunId();
    const since = (await config.watermarks.get(name))?.micros;
    const delta = await config.source.changedSince(since, TimeZone.of(timeZone));
    let until: number | undefined;
    for (const row of tableToRows(delta)) {
      const at = row.updated_at;
      if (typeof at === 'string') {
        const micros = parseTimestampString(at, TimeZone.UTC);
        if (until === undefined || micros > until) until = micros;
      }
    }
    if (delta.numRows === 0) {
      metrics.publish([{ name: 'ExtractedRows', value: 0, unit: 'Count' }]);
      return { runId, since, until: undefined, rows: 0, file: undefined, advanced: false };
    }
    const day = new Date().toISOString().slice(0, 10);
    const file = `${bronze}/users/extract_date=${day}/users-${since ?? 'initial'}-${until ?? 'base'}.csv`;
    await s3FileIO({ client: s3 }).write(file, new TextEncoder().encode(usersToCsv(delta)));
    const advanced =
      until !== undefined && until > (since ?? Number.NEGATIVE_INFINITY)
        ? await config.watermarks.advance(name, until, runId)
        : false;
    metrics.publish([
      { name: 'ExtractedRows', value: delta.numRows, unit: 'Count' },
      ...(until !== undefined
        ? [
            {
              name: 'WatermarkLagSeconds',
              value: Math.max(0, Date.now() / 1000 - until / 1e6),
              unit: 'None' as const,
            },
          ]
        : []),
    ]);
    logger.info({ runId, since, until, rows: delta.numRows, file, advanced }, 'users extracted');
    return { runId, since, until, rows: delta.numRows, file, advanced };
  };
}
