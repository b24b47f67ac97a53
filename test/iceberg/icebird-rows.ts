import { icebergRead } from 'icebird';
import type { TableDef } from '../../schemas/logical-types.js';
import { formatDay, formatTimestamp } from '../../src/time/index.js';

const DAY_MS = 86_400_000;

function micros(value: unknown): number {
  if (value instanceof Date) return value.getTime() * 1000;
  if (typeof value === 'bigint') return Number(value);
  return Number(value);
}

/**
 * icebird's rows (hyparquet values: Date for dates and timestamps, numbers for decimals,
 * BigInt for longs) in goldsmith's exchange form, as `tableToRows` gives them.
 */
export function icebirdToRows(rows: readonly Record<string, unknown>[], def: TableDef) {
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (const column of def.columns) {
      const v = row[column.name];
      if (v === null || v === undefined) {
        out[column.name] = column.type === 'string-list' ? [] : null;
        continue;
      }
      switch (column.type) {
        case 'date':
          out[column.name] = formatDay(v instanceof Date ? Math.floor(v.getTime() / DAY_MS) : Number(v));
          break;
        case 'timestamp':
          out[column.name] = formatTimestamp(micros(v));
          break;
        case 'decimal':
          out[column.name] = Number(v).toFixed(2);
          break;
        case 'int32':
          out[column.name] = Number(v);
          break;
        default:
          out[column.name] = v;
      }
    }
    return out;
  });
}

/** Sorts exchange rows by key columns. */
export function sortByKey<T extends Record<string, unknown>>(rows: T[], key: readonly string[]): T[] {
  const k = (r: T) => key.map((c) => String(r[c])).join('\u0000');
  return rows.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

/** Exchange rows with timestamps cut to milliseconds (what a `Date` can hold). */
export function toMillis<T extends Record<string, unknown>>(rows: readonly T[], def: TableDef): T[] {
  const timestamps = def.columns.filter((c) => c.type === 'timestamp').map((c) => c.name);
  return rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const name of timestamps) {
      const v = out[name];
      if (typeof v === 'string') out[name] = `${v.slice(0, 23)}000Z`;
    }
    return out as T;
  });
}

/** What icebird reads at metadata version `version` of the table at `tableUrl`, in exchange form. */
export async function icebirdVersionRows(tableUrl: string, version: number | string, def: TableDef) {
  return icebirdToRows(await icebergRead({ tableUrl, metadataFileName: `v${version}.metadata.json` }), def);
}
