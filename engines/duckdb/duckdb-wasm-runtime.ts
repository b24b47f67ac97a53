import { createRequire } from 'node:module';
import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import { sqlIdent } from './duckdb-compiler.js';
import { DuckDBClosedError, type DuckDBRuntime, DuckDBUnavailableError } from './duckdb-runtime.js';

type WasmModule = typeof import('@duckdb/duckdb-wasm/blocking');
type WasmConnection = ReturnType<Awaited<ReturnType<WasmModule['createDuckDB']>>['connect']>;

async function importWasm(): Promise<WasmModule> {
  try {
    const mod = (await import('@duckdb/duckdb-wasm/blocking')) as WasmModule & { default?: WasmModule };
    return typeof mod.createDuckDB === 'function' ? mod : (mod.default as WasmModule);
  } catch (cause) {
    throw new DuckDBUnavailableError(
      'duckdb-wasm',
      'duckdb-wasm: @duckdb/duckdb-wasm is not installed; install it with `npm i @duckdb/duckdb-wasm` ' +
        '(or use --engine duckdb-native / --engine arrow)',
      { cause },
    );
  }
}

/**
 * DuckDB compiled to WebAssembly (`@duckdb/duckdb-wasm`, its blocking Node build): no native
 * binary, so it runs wherever Node does (a Lambda zip, a locked-down host). Single-threaded.
 *
 * Facts this relies on:
 * - duckdb-wasm bundles its own apache-arrow (17), whose tables are not ours (`insertArrowTable`
 *   with an apache-arrow 21 table fails and leaves the connection broken). So data crosses as
 *   Arrow IPC bytes both ways: `insertArrowFromIPCStream` in, and the raw IPC stream of a query
 *   result (`runQuery`) out, decoded by our `tableFromIPC` — its Arrow copy is never touched.
 * - In Node it has no json/parquet/icu extension and cannot download one: autoload/autoinstall
 *   are switched off first, or a statement wanting an extension hangs on the network.
 *
 * @example
 * const db = await createWasmRuntime();
 * await db.load('t', table);
 * (await db.query('SELECT count(*) AS n FROM t')).getChild('n')?.get(0); // 3n
 */
export async function createWasmRuntime(): Promise<DuckDBRuntime> {
  const duckdb = await importWasm();
  const require = createRequire(import.meta.url);
  const file = (name: string) => require.resolve(`@duckdb/duckdb-wasm/dist/${name}`);
  const bundles = {
    mvp: { mainModule: file('duckdb-mvp.wasm'), mainWorker: file('duckdb-node-mvp.worker.cjs') },
    eh: { mainModule: file('duckdb-eh.wasm'), mainWorker: file('duckdb-node-eh.worker.cjs') },
  };
  const db = await duckdb.createDuckDB(bundles, new duckdb.VoidLogger(), duckdb.NODE_RUNTIME);
  await db.instantiate(() => {});
  db.open({});
  let connection: WasmConnection | undefined = db.connect();

  const open = (): WasmConnection => {
    if (!connection) throw new DuckDBClosedError('duckdb-wasm');
    return connection;
  };
  // The result's IPC stream straight from the bindings: no detour through duckdb-wasm's arrow.
  const run = (sql: string): Uint8Array => open().useUnsafe((bindings, id) => bindings.runQuery(id, sql));

  run('SET autoinstall_known_extensions = false');
  run('SET autoload_known_extensions = false');

  return {
    name: 'duckdb-wasm',
    async exec(sql) {
      run(sql);
    },
    async load(name, table) {
      run(`DROP TABLE IF EXISTS ${sqlIdent(name)}`);
      open().insertArrowFromIPCStream(tableToIPC(table, 'stream'), { name, create: true });
    },
    async query(sql) {
      return tableFromIPC(run(sql)) as Table;
    },
    async close() {
      if (!connection) return;
      const closing = connection;
      connection = undefined;
      closing.close();
      db.reset();
    },
  };
}
