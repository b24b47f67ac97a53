import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CellValue } from '../../src/columns/table-rows.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { parquetToTable } from '../../src/io/parquet.js';
import { SPARK_PEER } from './paths.js';

function parquetFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? parquetFiles(join(dir, e.name))
      : e.name.endsWith('.parquet')
        ? [join(dir, e.name)]
        : [],
  );
}

/** Every row of the gold table Spark wrote (all its Parquet data files), as JSON rows. */
export function sparkGoldRows(): Record<string, CellValue>[] {
  return parquetFiles(join(SPARK_PEER, 'gold/user_session_analysis/data')).flatMap((file) =>
    tableToRows(parquetToTable(readFileSync(file))),
  );
}
