import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silverEventsTable } from '../../schemas/index.js';
import { conformToSchema } from '../../src/columns/conform.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { parquetToTable } from '../../src/io/parquet.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { SPARK_PEER } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'goldsmith-warehouse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('localWarehouse', () => {
  it('splits silver into files of at most rowsPerFile rows that read back as the whole table', async () => {
    const { result, report } = await runPipeline({
      inputs: await discoverInputs(join(SPARK_PEER, 'bronze')),
      plan: { timeZone: 'America/Lima' },
      warehouse: localWarehouse(dir, { rowsPerFile: 300 }),
    });
    const eventsDir = join(dir, 'silver/events');
    const files = readdirSync(eventsDir).sort();
    expect(files).toEqual([
      'part-00000.parquet',
      'part-00001.parquet',
      'part-00002.parquet',
      'part-00003.parquet',
      'part-00004.parquet',
      'part-00005.parquet',
      'part-00006.parquet',
    ]);
    const rows = files.flatMap((f) =>
      tableToRows(conformToSchema(parquetToTable(readFileSync(join(eventsDir, f))), silverEventsTable)),
    );
    expect(rows).toEqual(tableToRows(result.silver.events));
    expect(report.timings.at(-1)!.step).toBe('write(parquet)');
  });
});
