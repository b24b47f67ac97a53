/**
 * Process entry of the baseline row: `baseline-main --input DIR --warehouse DIR [--time-zone UTC]`.
 * Runs the DuckDB SQL script (`baseline-sql.ts`) over the bronze files in a fresh in-memory
 * database and prints a JSON report on stdout. The harness bundles this file once
 * (`bench/data/.build/`) so the timed process starts like `node dist/cli.js` does, without a
 * TypeScript loader.
 */
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { baselineInputs, runBaseline } from './baseline-runner.js';

const { values } = parseArgs({
  options: {
    input: { type: 'string' },
    warehouse: { type: 'string' },
    'time-zone': { type: 'string', default: 'UTC' },
  },
});
if (values.input === undefined || values.warehouse === undefined) {
  console.error('usage: baseline-main --input DIR --warehouse DIR [--time-zone IANA]');
  process.exit(2);
}
const { files, usersHaveUpdatedAt } = await baselineInputs(values.input);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
try {
  const report = await runBaseline(connection, files, {
    timeZone: values['time-zone'],
    usersHaveUpdatedAt,
    warehouse: values.warehouse,
  });
  console.log(JSON.stringify(report, null, 2));
} finally {
  connection.closeSync();
  instance.closeSync();
}
