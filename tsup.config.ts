import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    cli: 'src/cli/bin.ts',
    'schemas/index': 'schemas/index.ts',
    'engines/arrow/index': 'engines/arrow/index.ts',
    'engines/duckdb/index': 'engines/duckdb/index.ts',
    'engines/workers/index': 'engines/workers/index.ts',
    'engines/workers/worker': 'engines/workers/worker.ts',
    'io/parquet-worker': 'src/io/parquet-worker.ts',
    'engines/lambda/index': 'engines/lambda/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  // Heavy, optional backends stay outside the bundle (peer dependencies).
  external: ['@duckdb/duckdb-wasm', '@duckdb/node-api'],
  treeshake: true,
});
