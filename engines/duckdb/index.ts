/**
 * `goldsmith/engines/duckdb`: the plan compiled to SQL and run by DuckDB, natively
 * (`@duckdb/node-api`) or as WebAssembly (`@duckdb/duckdb-wasm`). Both packages are optional peer
 * dependencies; install the one you run.
 *
 * @example
 * import { createDuckDBEngine, compilePlan } from 'goldsmith/engines/duckdb';
 * const engine = await createDuckDBEngine(); // native if installed, else wasm
 *
 * @module
 */
export {
  ARRIVAL_COLUMN,
  type CompileContext,
  type CompiledStep,
  compileFetch,
  compilePlan,
  compileStep,
  compileStepMetrics,
  compileTimeBounds,
  TZ_OFFSETS_TABLE,
} from './duckdb-compiler.js';
export { createDuckDBEngine, type DuckDBEngineOptions } from './duckdb-engine.js';
export {
  DuckDBClosedError,
  type DuckDBRuntime,
  type DuckDBRuntimeChoice,
  type DuckDBRuntimeName,
  DuckDBUnavailableError,
  openDuckDBRuntime,
} from './duckdb-runtime.js';
export { type OffsetIntervals, offsetIntervals, tzOffsetsTable } from './duckdb-tz-offsets.js';
