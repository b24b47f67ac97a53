import {
  Compression,
  EnabledStatistics,
  Table as WasmTable,
  WriterPropertiesBuilder,
  writeParquet,
} from 'parquet-wasm';

// Its own module, free of apache-arrow, so the encoding worker loads only parquet-wasm.

/**
 * Encodes an Arrow IPC stream as Parquet with snappy compression (the seed's table property),
 * via parquet-wasm. Min/max statistics are kept per column chunk (what readers prune with, and
 * where the Iceberg metrics come from); dictionary encoding only for `dictionary` columns. Runs
 * on whichever thread calls it (see `parquet-encoder.ts` for the worker lane).
 */
export function ipcToParquet(ipc: Uint8Array, dictionary: readonly string[]): Uint8Array {
  const wasmTable = WasmTable.fromIPCStream(ipc);
  let properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setDictionaryEnabled(false);
  for (const name of dictionary) properties = properties.setColumnDictionaryEnabled(name, true);
  return writeParquet(wasmTable, properties.build());
}
