import { DataType, type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { ipcToParquet } from './parquet-encode.js';

const SAMPLE_ROWS = 256;
const decoder = new TextDecoder();

/**
 * True when a string column repeats enough for Parquet dictionary encoding to pay. Dictionary
 * encoding of unique values (ids, JSON text) costs about a third of the write time and saves
 * nothing, so it is enabled only where an evenly spaced sample has under 10% distinct values.
 */
function worthADictionary(table: Table, name: string): boolean {
  const vector = table.getChild(name)!;
  const type = vector.type as DataType;
  if (DataType.isDictionary(type)) return true;
  if (!DataType.isUtf8(type) || table.numRows === 0) return false;
  const seen = new Set<string>();
  let sampled = 0;
  // Sample each chunk in place (no view of the whole column: only ~256 values are read).
  const step = Math.max(1, Math.floor(vector.length / SAMPLE_ROWS));
  let row = 0;
  for (const data of vector.data) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    for (let i = (step - (row % step)) % step; i < data.length; i += step, sampled++) {
      if (data.nullCount > 0 && !data.getValid(i)) continue;
      seen.add(decoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!)));
    }
    row += data.length;
  }
  return seen.size < sampled * 0.1;
}

/** The string columns of `table` worth Parquet dictionary encoding (see {@link worthADictionary}). */
export function dictionaryColumns(table: Table): string[] {
  return table.schema.fields.map((f) => f.name).filter((name) => worthADictionary(table, name));
}

/**
 * Encodes an Arrow table as Parquet on this thread ({@link ipcToParquet}), with dictionary
 * encoding for `dictionary` (default: {@link dictionaryColumns}). Timestamps are written as
 * `TIMESTAMP(MICROS, isAdjustedToUTC)`, so DuckDB and Spark read `timestamp with time zone`;
 * decimals keep DECIMAL(10,2).
 */
export function tableToParquet(
  table: Table,
  dictionary: readonly string[] = dictionaryColumns(table),
): Uint8Array {
  return ipcToParquet(tableToIPC(table, 'stream'), dictionary);
}

/**
 * Rows per decoded record batch. parquet-wasm's default (1,024) cuts a 1M-row file into ~1,000
 * chunks, and every later step then pays to stitch them back together; our files hold at most
 * 1M rows, so this reads each as one batch per row group.
 */
const READ_BATCH_ROWS = 1 << 20;

/** Decodes Parquet bytes (any codec parquet-wasm supports: snappy, zstd, gzip, …) into an Arrow table. */
export function parquetToTable(bytes: Uint8Array): Table {
  return tableFromIPC(readParquet(bytes, { batchSize: READ_BATCH_ROWS }).intoIPCStream());
}
