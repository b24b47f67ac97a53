import type { Table } from 'apache-arrow';
import { numberView } from '../columns/column-views.js';
import { takeTable } from '../columns/take.js';
import { formatDay } from '../time/index.js';

/** One partition of a table: its Hive-style directory name and its rows. */
export interface Partition {
  /** e.g. `session_date=2025-09-05`; built from an integer day, so it can never hold `/` or `..`. */
  readonly path: string;
  readonly table: Table;
}

/**
 * Splits a table by a date column (days since epoch) into Hive-style partitions, in ascending
 * date order; rows keep their relative order inside a partition.
 */
export function partitionByDay(table: Table, column: string): Partition[] {
  const days = numberView(table.getChild(column)!);
  const rowsByDay = new Map<number, number[]>();
  for (let row = 0; row < days.length; row++) {
    const day = days[row]!;
    let rows = rowsByDay.get(day);
    if (!rows) rowsByDay.set(day, (rows = []));
    rows.push(row);
  }
  return [...rowsByDay.keys()]
    .sort((a, b) => a - b)
    .map((day) => ({ path: `${column}=${formatDay(day)}`, table: takeTable(table, Int32Array.from(rowsByDay.get(day)!)) }));
}
