import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { goldTable } from '../../schemas/gold.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { type FileIO, IcebergTable } from '../../src/iceberg/index.js';
import { TABLES } from '../../src/lakehouse/warehouse.js';

/** A fresh temp directory and its cleanup. */
export async function tempDir(
  prefix = 'goldsmith-iceberg-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const DAY_MS = 86_400_000;
const BASE_MS = Date.UTC(2025, 8, 5);
const EVENT_TYPES = ['page_view', 'click', 'add_to_cart', 'checkout'];

/** Deterministic gold rows: sessions spread over `days` days, some without a user or a purchase. */
export function goldRows(count: number, options: { days?: number; version?: number; from?: number } = {}) {
  const days = options.days ?? 3;
  const from = options.from ?? 0;
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const start = BASE_MS + (i % days) * DAY_MS + i * 61_000;
    const buys = i % 3 === 0;
    const known = i % 5 !== 0;
    const types = EVENT_TYPES.slice(0, 1 + (i % EVENT_TYPES.length));
    return {
      user_id: `USR_${String(i % 40).padStart(5, '0')}`,
      session_id: `SES_${String(i).padStart(6, '0')}`,
      signup_date: known ? new Date(BASE_MS - (i % 30) * DAY_MS).toISOString() : null,
      device_type: known ? ['iOS', 'Android', 'Web'][i % 3]! : null,
      country: known ? ['PE', 'US', 'ÅR'][i % 3]! : null,
      session_start_time: new Date(start).toISOString(),
      session_end_time: new Date(start + (i % 7) * 30_000).toISOString(),
      session_duration_seconds: (i % 7) * 30,
      session_date: new Date(start).toISOString(),
      total_events: types.length,
      event_types: types,
      first_event_type: types[0]!,
      last_event_type: types[types.length - 1]!,
      transaction_id: buys ? `TXN_${String(i).padStart(6, '0')}` : null,
      transaction_amount: buys ? `${(i * 37) % 1000}.${String(i % 100).padStart(2, '0')}` : null,
      transaction_currency: buys ? 'USD' : null,
      transaction_timestamp: buys ? new Date(start + 5_000).toISOString() : null,
      has_transaction: buys,
      time_to_purchase_seconds: buys ? 5 : null,
      processing_timestamp: new Date(BASE_MS + 10 * DAY_MS + (options.version ?? 1) * 1000).toISOString(),
      data_version: options.version ?? 1,
      source_system: 'digital-services',
    };
  });
}

/** Gold rows as an Arrow table. */
export function goldTableOf(rows: readonly Record<string, unknown>[]): Table {
  return tableFromRows(goldTable, rows);
}

/** Rows in exchange form sorted by (session_id, user_id), for order-insensitive comparison. */
export function sortedRows(table: Table, key: readonly string[] = ['session_id', 'user_id']) {
  const rows = tableToRows(table) as Record<string, unknown>[];
  const k = (r: Record<string, unknown>) => key.map((c) => String(r[c])).join('\u0000');
  return rows.sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));
}

/**
 * A new gold table partitioned by day as the warehouse's is (copy-on-write unless `properties`
 * say otherwise), at `location`.
 */
export function createGoldTable(
  io: FileIO,
  location: string,
  options: { rowsPerFile?: number; properties?: Record<string, string> } = {},
): Promise<IcebergTable> {
  return IcebergTable.create(io, location, { def: goldTable, partition: TABLES.gold.partition, ...options });
}
