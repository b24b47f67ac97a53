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
export * from '../schemas/index.js';
export { createArrowEngine } from '../engines/arrow/arrow-engine.js';
export * from './dq/index.js';
export * from './engine/index.js';
export * from './kernels/index.js';
export * from './plan/index.js';
export * from './read/index.js';
export * from './time/index.js';
export { tableToParquet, parquetToTable } from './io/parquet.js';
export { partitionByDay, type Partition } from './io/partition.js';
export type { RunOutput, WarehouseWriter } from './io/warehouse.js';
export { tableToRows } from './columns/table-rows.js';
export { DataQualityError, ConfigurationError } from './run/errors.js';
export { type Alarm, type Logger, type Notifier, logNotifier, silentLogger } from './run/notifier.js';
export { type RunPipelineOptions, type RunPipelineResult, newRunId, runPipeline } from './run/run-pipeline.js';
