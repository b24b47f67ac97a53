import type { Engine } from '../engine/index.js';
import { UsageError } from './args.js';

/** Engines the CLI can create by name (`--engine`). */
export const ENGINE_NAMES = ['arrow', 'duckdb', 'duckdb-wasm', 'duckdb-native', 'workers'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Options that only some engines read. */
export interface EngineOptions {
  /** Worker threads for `workers` (default: available cores). */
  threads?: number;
}

/**
 * Creates an engine by name. Engines are imported lazily, so the default path never loads
 * DuckDB or worker threads. `duckdb` picks the native runtime when `@duckdb/node-api` is
 * installed, else the portable wasm one.
 */
export async function createEngine(name: string, options: EngineOptions = {}): Promise<Engine> {
  switch (name as EngineName) {
    case 'arrow':
      return (await import('../../engines/arrow/index.js')).createArrowEngine();
    case 'duckdb':
      return (await import('../../engines/duckdb/index.js')).createDuckDBEngine({ runtime: 'auto' });
    case 'duckdb-wasm':
      return (await import('../../engines/duckdb/index.js')).createDuckDBEngine({ runtime: 'wasm' });
    case 'duckdb-native':
      return (await import('../../engines/duckdb/index.js')).createDuckDBEngine({ runtime: 'native' });
    case 'workers':
      return (await import('../../engines/workers/index.js')).createWorkersEngine(
        options.threads !== undefined ? { threads: options.threads } : {},
      );
    default:
      throw new UsageError(`--engine ${name}: unknown engine; available: ${ENGINE_NAMES.join(', ')}`);
  }
}
