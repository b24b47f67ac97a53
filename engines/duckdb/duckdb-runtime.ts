import type { Table } from 'apache-arrow';

/** Which DuckDB build runs the SQL. */
export type DuckDBRuntimeName = 'duckdb-wasm' | 'duckdb-native';

/**
 * A DuckDB database the engine talks to: the driver half of the engine (the compiler is the
 * other). Tables cross the boundary as goldsmith's apache-arrow tables whatever the build uses
 * inside, so the engine never touches a runtime's own Arrow copy.
 *
 * @example
 * const db = await openDuckDBRuntime('wasm');
 * await db.load('t', table);
 * const back = await db.query('SELECT count(*) AS n FROM t');
 * await db.close();
 */
export interface DuckDBRuntime {
  readonly name: DuckDBRuntimeName;
  /** Runs one statement that returns nothing of interest. */
  exec(sql: string): Promise<void>;
  /** Creates (or replaces) table `name` holding `table`'s rows, column types mapped by DuckDB. */
  load(name: string, table: Table): Promise<void>;
  /** Runs one query and returns its result as an apache-arrow (goldsmith's copy) table. */
  query(sql: string): Promise<Table>;
  /** Releases the database (memory, temporary files). Idempotent; later calls fail. */
  close(): Promise<void>;
}

/** Which runtime to open: `auto` = native when `@duckdb/node-api` can be imported, else wasm. */
export type DuckDBRuntimeChoice = 'auto' | 'wasm' | 'native';

/** Thrown when the package of a DuckDB build cannot be loaded; the message says what to install. */
export class DuckDBUnavailableError extends Error {
  constructor(
    readonly runtime: DuckDBRuntimeName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DuckDBUnavailableError';
  }
}

/** Thrown by a closed runtime. */
export class DuckDBClosedError extends Error {
  constructor(readonly runtime: DuckDBRuntimeName) {
    super(`${runtime}: the database is closed; create a new engine`);
    this.name = 'DuckDBClosedError';
  }
}

/**
 * Opens a DuckDB runtime. `auto` tries the native build (`@duckdb/node-api`, multi-threaded,
 * fastest) and falls back to duckdb-wasm (portable, no native binary) when it is not installed
 * or cannot load on this platform.
 *
 * @example
 * const db = await openDuckDBRuntime(); // native if installed, else wasm
 */
export async function openDuckDBRuntime(choice: DuckDBRuntimeChoice = 'auto'): Promise<DuckDBRuntime> {
  if (choice === 'wasm') return (await import('./duckdb-wasm-runtime.js')).createWasmRuntime();
  const { createNativeRuntime } = await import('./duckdb-native-runtime.js');
  if (choice === 'native') return createNativeRuntime();
  try {
    return await createNativeRuntime();
  } catch (error) {
    if (!(error instanceof DuckDBUnavailableError)) throw error;
    return (await import('./duckdb-wasm-runtime.js')).createWasmRuntime();
  }
}
