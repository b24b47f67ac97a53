import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import {
  Compression,
  readParquet,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm';

/**
 * Encodes an Arrow table as Parquet with snappy compression (the seed's table property), via
 * parquet-wasm. Timestamps are written as `TIMESTAMP(MICROS, isAdjustedToUTC)`, so DuckDB and
 * Spark read `timestamp with time zone`; decimals keep DECIMAL(10,2).
 */
export function tableToParquet(table: Table): Uint8Array {
  const wasmTable = WasmTable.fromIPCStream(tableToIPC(table, 'stream'));
  const properties = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
  return writeParquet(wasmTable, properties);
}

/** Decodes Parquet bytes (any codec parquet-wasm supports: snappy, zstd, gzip, …) into an Arrow table. */
export function parquetToTable(bytes: Uint8Array): Table {
  return tableFromIPC(readParquet(bytes).intoIPCStream());
}
