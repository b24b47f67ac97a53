/**
 * `goldsmith/engines/workers`: the reference kernels across a pool of `node:worker_threads`
 * workers — parallel parsing of input blocks, hash-partitioned dedup and sessionization, Arrow
 * columns moved as transferred IPC buffers. Same results as the Arrow engine, in the same order.
 *
 * @example
 * ```ts
 * import { createWorkersEngine } from 'goldsmith/engines/workers';
 * const engine = createWorkersEngine({ threads: 4 });
 * ```
 *
 * @module
 */
export {
  compileForWorkers,
  type Layout,
  type Need,
  type Stage,
  type WorkersProgram,
} from './workers-compiler.js';
export { createWorkersEngine, DEFAULT_BLOCK_BYTES, type WorkersEngineOptions } from './workers-engine.js';
