import { Table } from 'apache-arrow';
import { arrowSchemaOf } from '../../schemas/derive-arrow.js';
import type { TableDef } from '../../schemas/logical-types.js';
import { numberView } from '../columns/column-views.js';
import { conformToSchema } from '../columns/conform.js';
import { takeTable } from '../columns/take.js';
import { column, groupRows } from '../kernels/key-columns.js';

/** One silver table after a batch is folded into it (SPEC §3 across runs). */
export interface SilverMerge {
  /** The whole silver table after the batch: one row per key. */
  merged: Table;
  /** Batch rows that won their key: the MERGE source (new keys and replacements). */
  upserts: Table;
  /** Existing rows a batch row replaced (their sessions must be recomputed too). */
  replaced: Table;
  /** Keys new to silver. */
  inserted: number;
  /** Keys whose existing row was replaced by a batch row. */
  updated: number;
  /** Batch rows that lost to the existing row (older timestamp): they change nothing. */
  unchanged: number;
}

/** Concatenates tables holding a definition's columns into one table in its exact schema. */
export function concatTables(def: TableDef, tables: readonly Table[]): Table {
  if (tables.length === 1) return conformToSchema(tables[0]!, def);
  // Batches only concatenate with identical schemas, and each dictionary column has its own
  // dictionary: lay every table out with plain strings, concatenate, then re-conform (one chunk,
  // one dictionary per column).
  const plain: TableDef = { ...def, columns: def.columns.map((c) => ({ ...c, dictionary: false })) };
  const batches = tables.flatMap((t) => conformToSchema(t, plain).batches);
  return conformToSchema(new Table(arrowSchemaOf(plain), batches), def);
}

/**
 * Folds a deduplicated batch into existing silver with the dedup rule of SPEC §3: per key the
 * greatest `orderBy` wins, and on a tie (or without `orderBy`) the batch row wins, since it
 * arrived later. So feeding the input in arrival batches yields the silver of one run over all
 * of it.
 */
export function mergeSilver(
  def: TableDef,
  existing: Table,
  batch: Table,
  key: readonly string[],
  orderBy: string | null,
): SilverMerge {
  if (existing.numRows === 0 || batch.numRows === 0) {
    // Nothing to fold: the first load, or a run without rows for this table.
    const rows = existing.numRows === 0 ? batch : existing;
    const none = rows.slice(0, 0);
    const upserts = existing.numRows === 0 ? batch : none;
    return { merged: rows, upserts, replaced: none, inserted: upserts.numRows, updated: 0, unchanged: 0 };
  }
  const all = concatTables(def, [existing, batch]);
  const { groups, count } = groupRows(all, key);
  const order = orderBy === null ? undefined : numberView(column(all, orderBy));
  const best = new Int32Array(count).fill(-1);
  const firstExisting = new Int32Array(count).fill(-1);
  for (let row = 0; row < all.numRows; row++) {
    const g = groups[row]!;
    if (row < existing.numRows && firstExisting[g]! < 0) firstExisting[g] = row;
    const current = best[g]!;
    if (current < 0 || order === undefined || order[row]! >= order[current]!) best[g] = row;
  }
  const keep: number[] = [];
  const upserts: number[] = [];
  const replaced: number[] = [];
  let inserted = 0;
  for (let g = 0; g < count; g++) {
    const row = best[g]!;
    keep.push(row);
    if (row < existing.numRows) continue;
    upserts.push(row);
    if (firstExisting[g]! >= 0) replaced.push(firstExisting[g]!);
    else inserted++;
  }
  keep.sort((a, b) => a - b);
  upserts.sort((a, b) => a - b);
  replaced.sort((a, b) => a - b);
  return {
    merged: takeTable(all, Int32Array.from(keep)),
    upserts: takeTable(all, Int32Array.from(upserts)),
    replaced: takeTable(all, Int32Array.from(replaced)),
    inserted,
    updated: replaced.length,
    unchanged: batch.numRows - upserts.length,
  };
}
