/**
 * goldsmith — bronze → silver → gold without Spark. The pipeline is a plan of serializable
 * steps; engines execute it over Apache Arrow tables. This entry has no Node-only imports:
 * file-system helpers live in `goldsmith/node`, engines under `goldsmith/engines/*`.
 *
 * @example
 * import { runPipeline, bytesInput } from 'goldsmith';
 * const { result, report } = await runPipeline({
 *   inputs: { events: [bytesInput('events.jsonl', body)] },
 *   plan: { timeZone: 'America/Lima' },
 * });
 */

export { createArrowEngine } from '../engines/arrow/arrow-engine.js';
export * from '../schemas/index.js';
export { tableToRows } from './columns/table-rows.js';
export * from './dq/index.js';
export * from './engine/index.js';
export type { FileIO } from './iceberg/file-io.js';
export {
  CommitConflictError,
  type DataFileEntry,
  IcebergTable,
  MergeCardinalityError,
  NoSuchTableError,
  type SnapshotInfo,
} from './iceberg/table.js';
export { parquetToTable, tableToParquet } from './io/parquet.js';
export { type Partition, partitionByDay } from './io/partition.js';
export * from './kernels/index.js';
export { DEFAULT_LOOKBACK, parseLookback } from './lakehouse/lookback.js';
export {
  type GoldChange,
  icebergWarehouse,
  type RunCommit,
  readTable,
  TABLE_NAMES,
  TABLES,
  type TableSpec,
  tableLocation,
  type Warehouse,
  type WarehouseState,
} from './lakehouse/warehouse.js';
export * from './plan/index.js';
export * from './read/index.js';
export { ConfigurationError, DataQualityError } from './run/errors.js';
export { type Alarm, type Logger, logNotifier, type Notifier, silentLogger } from './run/notifier.js';
export {
  estimateRunMemory,
  MemoryBudgetError,
  newRunId,
  type RunPipelineOptions,
  type RunPipelineResult,
  runPipeline,
} from './run/run-pipeline.js';
export * from './time/index.js';
