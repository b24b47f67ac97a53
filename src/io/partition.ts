import type { Table } from 'apache-arrow';
import { numberView } from '../columns/column-views.js';
import { takeTable } from '../columns/take.js';
import { bucketByGroup } from '../kernels/key-columns.js';
import { formatDay } from '../time/index.js';

/** One partition of a table: its Hive-style directory name and its rows. */
export interface Partition {
  /** e.g. `session_date=2025-09-05`; built from an integer day, so it can never hold `/` or `..`. */
  readonly path: string;
  readonly table: Table;
}

/**
 * Splits a table by a date column (days since epoch) into Hive-style partitions, in ascending
 * date order; rows keep their relative order inside a partition. One stable counting sort and
 * one gather for the whole table, then zero-copy slices: O(rows), whatever the partition count.
 */
export function partitionByDay(table: Table, column: string): Partition[] {
  const days = numberView(table.getChild(column)!);
  const distinct = [...new Set(days)].sort((a, b) => a - b);
  const rank = new Map(distinct.map((day, i) => [day, i]));
  const groups = new Int32Array(days.length);
  for (let row = 0; row < days.length; row++) groups[row] = rank.get(days[row]!)!;
  const { offsets: starts, order } = bucketByGroup(groups, distinct.length);
  const sorted = takeTable(table, order);
  return distinct.map((day, i) => ({
    path: `${column}=${formatDay(day)}`,
    table: sorted.slice(starts[i]!, starts[i + 1]!),
  }));
}
