import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SOURCES } from '../../schemas/bronze.js';
import { tableToParquet } from './parquet.js';
import { partitionByDay } from './partition.js';
import type { RunOutput, WarehouseWriter } from './warehouse.js';

/** Rows per silver Parquet file (default of `localWarehouse`'s `rowsPerFile`). */
export const ROWS_PER_FILE = 1_000_000;

/** Relative locations of every output in a local warehouse. */
export const WAREHOUSE_LAYOUT = {
  silver: (table: 'events' | 'transactions' | 'users') => join('silver', table),
  gold: join('gold', 'user_session_analysis'),
  quarantine: (source: string, runId: string) => join('quarantine', source, `${runId}.jsonl`),
  report: (runId: string) => join('_runs', `${runId}.json`),
} as const;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * A warehouse on local disk. Each run is written under `.staging/<run-id>/` first and swapped
 * into place only when every file is written, so a failing run leaves earlier outputs untouched.
 * Silver and gold are replaced whole by each run (full recomputation); quarantine files and run
 * reports accumulate, one per run.
 *
 * @example
 * await runPipeline({ inputs, warehouse: localWarehouse('./warehouse') });
 */
export function localWarehouse(root: string, options: { rowsPerFile?: number } = {}): WarehouseWriter {
  const rowsPerFile = options.rowsPerFile ?? ROWS_PER_FILE;
  return {
    async commitRun(output: RunOutput) {
      const stage = join(root, '.staging', output.runId);
      const trash = join(root, '.trash', output.runId);
      const started = performance.now();
      try {
        await rm(stage, { recursive: true, force: true });
        for (const name of ['events', 'transactions', 'users'] as const) {
          const dir = join(stage, WAREHOUSE_LAYOUT.silver(name));
          await mkdir(dir, { recursive: true });
          const table = output.silver[name];
          // Files of at most rowsPerFile rows: encoding one slice at a time bounds the extra
          // memory Parquet encoding needs (IPC copy + wasm copy) to one slice, not the table.
          for (let part = 0, start = 0; part === 0 || start < table.numRows; part++, start += rowsPerFile) {
            const file = `part-${String(part).padStart(5, '0')}.parquet`;
            await writeFile(join(dir, file), tableToParquet(table.slice(start, start + rowsPerFile)));
          }
        }
        const goldDir = join(stage, WAREHOUSE_LAYOUT.gold);
        await mkdir(goldDir, { recursive: true });
        for (const partition of partitionByDay(output.gold, 'session_date')) {
          await mkdir(join(goldDir, partition.path), { recursive: true });
          await writeFile(
            join(goldDir, partition.path, 'part-00000.parquet'),
            tableToParquet(partition.table),
          );
        }
        for (const source of SOURCES) {
          const records = output.quarantine[source];
          if (records.length === 0) continue;
          const file = join(stage, WAREHOUSE_LAYOUT.quarantine(source, output.runId));
          await mkdir(join(file, '..'), { recursive: true });
          await writeFile(file, `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
        }
        const rows =
          output.gold.numRows +
          output.silver.events.numRows +
          output.silver.transactions.numRows +
          output.silver.users.numRows;
        output.report.timings.push({
          step: 'write(parquet)',
          ms: Math.round((performance.now() - started) * 10) / 10,
          rows,
        });
        const reportFile = join(stage, WAREHOUSE_LAYOUT.report(output.runId));
        await mkdir(join(reportFile, '..'), { recursive: true });
        await writeFile(reportFile, `${JSON.stringify(output.report, null, 2)}\n`);
      } catch (error) {
        await rm(stage, { recursive: true, force: true });
        throw error;
      }

      // Swap: silver and gold whole, then this run's quarantine files, the report last.
      await mkdir(trash, { recursive: true });
      for (const dir of ['silver', 'gold']) {
        if (await exists(join(root, dir))) await rename(join(root, dir), join(trash, dir));
        await rename(join(stage, dir), join(root, dir));
      }
      for (const source of SOURCES) {
        const rel = WAREHOUSE_LAYOUT.quarantine(source, output.runId);
        if (!(await exists(join(stage, rel)))) continue;
        await mkdir(join(root, rel, '..'), { recursive: true });
        await rename(join(stage, rel), join(root, rel));
      }
      const reportRel = WAREHOUSE_LAYOUT.report(output.runId);
      await mkdir(join(root, reportRel, '..'), { recursive: true });
      await rename(join(stage, reportRel), join(root, reportRel));
      await rm(trash, { recursive: true, force: true });
      await rm(stage, { recursive: true, force: true });
      await rm(join(root, '.staging'), { recursive: true, force: true }).catch(() => {});
      await rm(join(root, '.trash'), { recursive: true, force: true }).catch(() => {});
    },
  };
}
