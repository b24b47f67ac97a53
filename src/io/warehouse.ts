import type { Table } from 'apache-arrow';
import type { SourceName } from '../../schemas/bronze.js';
import type { QuarantineRecord } from '../../schemas/quarantine.js';
import type { RunReport } from '../../schemas/run-report.js';

/** Everything one successful run writes. */
export interface RunOutput {
  readonly runId: string;
  readonly silver: { readonly events: Table; readonly transactions: Table; readonly users: Table };
  readonly gold: Table;
  readonly quarantine: Readonly<Record<SourceName, readonly QuarantineRecord[]>>;
  readonly report: RunReport;
}

/**
 * Where runs land. One call per run: an implementation writes everything or, on failure, leaves
 * the previous outputs untouched. The local-disk implementation lives in `goldsmith/node`; the
 * Iceberg and S3 ones plug in behind the same interface.
 */
export interface WarehouseWriter {
  /**
   * Writes one run. An implementation may append its own step timings (e.g. `write(parquet)`)
   * to `output.report.timings` before it persists the report, so the report shows where the
   * write time went.
   */
  commitRun(output: RunOutput): Promise<void>;
}
