import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { IcebergTable, localFileIO, mappedFileIO } from '../../src/iceberg/index.js';
import { SPARK_PEER } from '../support/paths.js';
import { serveDirectory } from './http-server.js';
import { icebirdToRows, sortByKey, toMillis } from './icebird-rows.js';
import { sortedRows, tempDir } from './support.js';

/** Where the Spark peer wrote its lakehouse; every path in its metadata starts with this. */
const SPARK_PREFIX = '/Users/vlujanr/Projects/playground/reto_kashio/data/lakehouse';
const GOLD = `${SPARK_PREFIX}/gold/user_session_analysis`;
const ON = ['session_id', 'user_id'] as const;

describe('SPEC §6 / §7 Spark-written Iceberg tables', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: { url: string; close: () => Promise<void> };
  const realFetch = globalThis.fetch;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await cp(join(SPARK_PEER, 'gold'), join(dir, 'lakehouse', 'gold'), { recursive: true });
    server = await serveDirectory(dir);
    // icebird fetches the absolute paths Spark wrote: send them to the served copy.
    globalThis.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return realFetch(
        url.startsWith(SPARK_PREFIX) ? `${server.url}/lakehouse${url.slice(SPARK_PREFIX.length)}` : input,
        init,
      );
    };
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await server.close();
    await cleanup();
  });

  test('reads the Spark gold table (identity(session_date), zstd, Spark Avro) through mappedFileIO', async () => {
    const io = mappedFileIO(localFileIO(), { [SPARK_PREFIX]: SPARK_PEER.replace(/\/$/, '') });
    const table = await IcebergTable.load(io, GOLD);
    expect(table.metadata['partition-specs'][0]!.fields[0]!.transform).toBe('identity');
    expect(table.currentSnapshot()?.snapshot_id).toBe('7904815908308822525');
    const rows = await table.read();
    expect(rows.numRows).toBe(487);
    expect(await table.files()).toHaveLength(91);
  });

  test('MOR then COW merges into a copy of the Spark table; icebird reads the result', async () => {
    const io = mappedFileIO(localFileIO(), { [SPARK_PREFIX]: join(dir, 'lakehouse') });
    const table = await IcebergTable.load(io, GOLD);
    const original = sortedRows(await table.read());
    const def = table.def;
    const pick = (i: number, change: Record<string, unknown>) => ({ ...original[i]!, ...change });
    const mor = [pick(3, { total_events: 1234 }), pick(200, { country: 'ZZ' })];
    const morResult = await table.merge(tableFromRows(def, mor), { on: ON, mode: 'merge-on-read' });
    expect(morResult).toMatchObject({ updated: 2, inserted: 0, deleted: 0 });
    expect((await table.files()).filter((f) => f.content === 'position-deletes').length).toBeGreaterThan(0);
    const inserted = { ...original[10]!, session_id: 'SES_NEW_1' };
    const cow = [pick(3, { total_events: 4321 }), pick(400, { device_type: 'Tablet' }), inserted];
    const cowResult = await table.merge(tableFromRows(def, cow), { on: ON, mode: 'copy-on-write' });
    expect(cowResult).toMatchObject({ updated: 2, inserted: 1, deleted: 0 });

    const expected = [...original];
    expected[3] = cow[0]!;
    expected[200] = mor[1]!;
    expected[400] = cow[1]!;
    expected.push(inserted);
    const want = sortByKey(expected, ON);
    expect(sortedRows(await table.read())).toEqual(want);
    const reloaded = await IcebergTable.load(io, GOLD);
    expect(reloaded.version).toBe(3);
    expect(reloaded.snapshots()).toHaveLength(3);

    const theirs = icebirdToRows(
      await icebergRead({ tableUrl: `${server.url}/lakehouse/gold/user_session_analysis` }),
      def,
    );
    // hyparquet decodes timestamps to Date: icebird sees milliseconds only.
    expect(sortByKey(theirs, ON)).toEqual(toMillis(want, def));
  });
});
