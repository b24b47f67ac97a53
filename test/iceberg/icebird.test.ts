import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { goldTable } from '../../schemas/gold.js';
import { type IcebergTable, localFileIO, mappedFileIO } from '../../src/iceberg/index.js';
import { serveDirectory } from './http-server.js';
import { icebirdVersionRows, sortByKey } from './icebird-rows.js';
import { createGoldTable, goldRows, goldTableOf, sortedRows, tempDir } from './support.js';

const ON = ['session_id', 'user_id'] as const;

describe('SPEC §6 Iceberg interop: icebird (an independent reader) reads every version', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    server = await serveDirectory(dir);
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  async function checkEveryVersion(table: IcebergTable, tableUrl: string) {
    let checked = 0;
    for (let version = 1; version <= table.version; version++) {
      // The exact current id of vN (JSON.parse would round it).
      const text = await (await fetch(`${tableUrl}/metadata/v${version}.metadata.json`)).text();
      const id = /"current-snapshot-id"\s*:\s*(-?\d+)/.exec(text)![1]!;
      if (id === '-1') continue;
      const ours = sortedRows(await table.read({ snapshotId: id }));
      const theirs = sortByKey(await icebirdVersionRows(tableUrl, version, goldTable), ON);
      expect(theirs, `v${version}`).toEqual(ours);
      checked++;
    }
    return checked;
  }

  test('appends, COW and MOR merges, deletes, compaction and rollback all read the same in icebird', async () => {
    const tableUrl = `${server.url}/cow/gold`;
    const io = mappedFileIO(localFileIO(), { [`${server.url}/`]: `${dir}/` });
    const table = await createGoldTable(io, tableUrl, { rowsPerFile: 6 });
    const base = goldRows(24);
    await table.commit({ operation: 'append', add: goldTableOf(base) });
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(5, { from: 40 })) });
    const changed = [0, 3, 9].map((i) => ({ ...base[i]!, total_events: 77 }));
    await table.merge(goldTableOf([...changed, ...goldRows(2, { from: 80 })]), { on: ON });
    await table.merge(goldTableOf([{ ...base[4]!, country: 'CL' }]), { on: ON, mode: 'merge-on-read' });
    const keys = goldTableOf([base[5]!, base[6]!]);
    await table.merge(goldTableOf([]), { on: ON, deleteKeys: keys, mode: 'merge-on-read' });
    expect((await table.files()).some((f) => f.content === 'position-deletes')).toBe(true);
    await table.compact();
    await table.rollback(table.snapshots()[4]!.snapshot_id);
    expect(await checkEveryVersion(table, tableUrl)).toBe(7);
  });
});
