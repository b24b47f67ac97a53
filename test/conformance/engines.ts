import type { Engine } from '../../src/engine/index.js';

/** One engine under test, created fresh per suite. */
export interface EngineUnderTest {
  readonly name: string;
  create(): Promise<Engine>;
}

/**
 * Every engine goldsmith ships. The reference (`arrow`) is what the others are compared with.
 * Filter with `GOLDSMITH_ENGINES=duckdb-wasm,workers npm test`.
 */
export const ALL_ENGINES: readonly EngineUnderTest[] = [
  { name: 'arrow', create: async () => (await import('../../engines/arrow/index.js')).createArrowEngine() },
  {
    name: 'duckdb-wasm',
    create: async () =>
      (await import('../../engines/duckdb/index.js')).createDuckDBEngine({ runtime: 'wasm' }),
  },
  {
    name: 'duckdb-native',
    create: async () =>
      (await import('../../engines/duckdb/index.js')).createDuckDBEngine({ runtime: 'native' }),
  },
  {
    name: 'workers',
    create: async () => (await import('../../engines/workers/index.js')).createWorkersEngine({ threads: 2 }),
  },
  {
    name: 'workers-3-small-blocks',
    create: async () =>
      (await import('../../engines/workers/index.js')).createWorkersEngine({
        threads: 3,
        blockBytes: 64 * 1024,
      }),
  },
];

const wanted = process.env.GOLDSMITH_ENGINES?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);

/** The engines this run tests (all unless `GOLDSMITH_ENGINES` names some). */
export const ENGINES = wanted ? ALL_ENGINES.filter((e) => wanted.includes(e.name)) : ALL_ENGINES;
