import type { Table } from 'apache-arrow';
import { numberView } from '../columns/column-views.js';
import { takeTable } from '../columns/take.js';
import { column, groupRows } from './key-columns.js';

/** Result of {@link dedupLatest}. */
export interface DedupResult {
  table: Table;
  /** Rows dropped as duplicates. */
  duplicates: number;
}

/**
 * One row per key: the row with the greatest `orderBy` value; on a tie (or with no `orderBy`)
 * the row later in the input wins (SPEC §3). Row order of `table` is arrival order. Survivors
 * keep their relative input order.
 *
 * @example
 * dedupLatest(events, ['event_id'], 'event_timestamp')
 */
export function dedupLatest(table: Table, key: readonly string[], orderBy: string | null): DedupResult {
  const { groups, count } = groupRows(table, key);
  const n = table.numRows;
  if (count === n) return { table, duplicates: 0 };
  const best = new Int32Array(count).fill(-1);
  const order = orderBy === null ? undefined : numberView(column(table, orderBy));
  for (let row = 0; row < n; row++) {
    const g = groups[row]!;
    const current = best[g]!;
    // `>=`: a later row with an equal value replaces the earlier one.
    if (current < 0 || order === undefined || order[row]! >= order[current]!) best[g] = row;
  }
  const keep = new Uint8Array(n);
  for (let g = 0; g < count; g++) keep[best[g]!] = 1;
  const indices = new Int32Array(count);
  let k = 0;
  for (let row = 0; row < n; row++) if (keep[row]) indices[k++] = row;
  return { table: takeTable(table, indices), duplicates: n - count };
}
