import { resolve } from 'node:path';
import { localFileIO } from '../iceberg/file-io.js';
import { icebergWarehouse, type Warehouse } from '../lakehouse/warehouse.js';

/** Rows per Parquet data file (default of `localWarehouse`'s `rowsPerFile`). */
export const ROWS_PER_FILE = 1_000_000;

/**
 * A warehouse of Iceberg tables on local disk: `<root>/silver/{events,transactions,users}` and
 * `<root>/gold/user_session_analysis` (each `metadata/` + `data/`), plus
 * `<root>/quarantine/<source>/<run-id>.jsonl` and `<root>/_runs/<run-id>.json`. Each table commit
 * is atomic (a new `vN.metadata.json` created exclusively), so a failing run leaves every table at
 * its previous snapshot.
 *
 * @example
 * await runPipeline({ inputs, warehouse: localWarehouse('./warehouse') });
 */
export function localWarehouse(root: string, options: { rowsPerFile?: number } = {}): Warehouse {
  return icebergWarehouse(localFileIO(), resolve(root), {
    rowsPerFile: options.rowsPerFile ?? ROWS_PER_FILE,
  });
}
