import { describe, expect, it, vi } from 'vitest';
import { createDuckDBEngine, DuckDBUnavailableError, openDuckDBRuntime } from '../../engines/duckdb/index.js';

// As if @duckdb/node-api were not installed (or had no binary for this platform).
vi.mock('@duckdb/node-api', () => {
  throw new Error("Cannot find package '@duckdb/node-api'");
});

describe('without @duckdb/node-api', () => {
  it('--engine duckdb-native fails with a message that says what to do', async () => {
    const failure = openDuckDBRuntime('native');
    await expect(failure).rejects.toBeInstanceOf(DuckDBUnavailableError);
    await expect(failure).rejects.toThrow(/npm i @duckdb\/node-api.*--engine duckdb-wasm/);
  });

  it('--engine duckdb (auto) falls back to duckdb-wasm', async () => {
    const engine = await createDuckDBEngine({ runtime: 'auto' });
    try {
      expect(engine.name).toBe('duckdb-wasm');
    } finally {
      await engine.close();
    }
  });
});
