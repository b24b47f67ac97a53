import type { Table } from 'apache-arrow';
import { takeTable } from '../columns/take.js';
import { groupRows, lookupRows, type RowGroups } from '../kernels/key-columns.js';
import { MergeCardinalityError } from './errors.js';
import type { ManifestEntry } from './manifest.js';

/** Target rows a MERGE removes from one data file. */
export interface FileHits {
  readonly entry: ManifestEntry;
  /** The file's rows (all physical rows, conformed). */
  readonly rows: Table;
  /** Physical positions of the matched live rows. */
  readonly positions: Int32Array;
  /** Rows already deleted before this MERGE (1 = deleted), if any. */
  readonly deleted: Uint8Array | undefined;
}

function keyValue(table: Table, column: string, row: number): string | number | null {
  const value: unknown = table.getChild(column)!.get(row);
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string') return value;
  return String(value);
}

/** Groups the source by key and throws {@link MergeCardinalityError} on the first repeated key. */
export function uniqueSourceKeys(source: Table, on: readonly string[]): RowGroups {
  const grouped = groupRows(source, on);
  if (grouped.count < source.numRows) {
    const seen = new Uint8Array(grouped.count);
    for (let row = 0; row < source.numRows; row++) {
      const g = grouped.groups[row]!;
      if (seen[g])
        throw new MergeCardinalityError(
          on.map((c) => keyValue(source, c, row)),
          on,
        );
      seen[g] = 1;
    }
  }
  return grouped;
}

/**
 * Matches one target data file against the source keys (→ updated) and the delete keys
 * (→ deleted); rows already deleted are skipped. Marks matched source groups in `sourceHit`.
 */
export function matchFile(
  entry: ManifestEntry,
  rows: Table,
  deleted: Uint8Array | undefined,
  on: readonly string[],
  source: RowGroups,
  deleteKeys: RowGroups | undefined,
  sourceHit: Uint8Array,
): { hits: FileHits | undefined; updated: number; deletedCount: number } {
  const bySource = lookupRows(rows, on, source);
  const byDelete = deleteKeys ? lookupRows(rows, on, deleteKeys) : undefined;
  const positions = new Int32Array(rows.numRows);
  let hit = 0;
  let updated = 0;
  let deletedCount = 0;
  for (let row = 0; row < rows.numRows; row++) {
    if (deleted?.[row]) continue;
    const g = bySource[row]!;
    if (g >= 0) {
      sourceHit[g] = 1;
      updated++;
      positions[hit++] = row;
    } else if (byDelete && byDelete[row]! >= 0) {
      deletedCount++;
      positions[hit++] = row;
    }
  }
  const hits = hit > 0 ? { entry, rows, positions: positions.slice(0, hit), deleted } : undefined;
  return { hits, updated, deletedCount };
}

/** The rows of a file that survive: not deleted before, not matched now (copy-on-write). */
export function survivingRows(hits: FileHits): Table {
  const drop = new Uint8Array(hits.rows.numRows);
  if (hits.deleted) drop.set(hits.deleted);
  for (const p of hits.positions) drop[p] = 1;
  let count = 0;
  for (let i = 0; i < drop.length; i++) if (!drop[i]) count++;
  const keep = new Int32Array(count);
  for (let i = 0, at = 0; i < drop.length; i++) if (!drop[i]) keep[at++] = i;
  return takeTable(hits.rows, keep);
}
