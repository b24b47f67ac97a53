import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { goldTable } from '../../schemas/gold.js';
import { IcebergTable, localFileIO, NoSuchTableError } from '../../src/iceberg/index.js';
import { createGoldTable, goldRows, goldTableOf, sortedRows, tempDir } from './support.js';

describe('SPEC §6 history: snapshots, time travel and rollback', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  test('rollback to the first of three commits reads the first version; history is kept', async () => {
    const io = localFileIO();
    const location = join(dir, 'gold');
    const table = await createGoldTable(io, location);
    const first = goldTableOf(goldRows(6));
    const s1 = await table.commit({ operation: 'append', add: first });
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(4, { from: 6 })) });
    const s3 = await table.overwrite(goldTableOf(goldRows(3, { from: 50 })));
    expect(s3.summary).toMatchObject({
      operation: 'overwrite',
      'deleted-records': '10',
      'total-records': '3',
    });
    expect((await table.read()).numRows).toBe(3);
    expect(table.ancestors().map((s) => s.snapshot_id)[2]).toBe(s1.snapshot_id);
    expect(table.snapshotAsOf(s1.timestamp_ms)?.snapshot_id).toBeDefined();
    expect(table.snapshotAsOf(s1.timestamp_ms - 1)).toBeUndefined();

    const versionsBefore = (await readdir(join(location, 'metadata'))).filter((f) =>
      /^v\d+\.metadata\.json$/.test(f),
    );
    await table.rollback(s1.snapshot_id);
    const versionsAfter = (await readdir(join(location, 'metadata'))).filter((f) =>
      /^v\d+\.metadata\.json$/.test(f),
    );
    expect(versionsAfter.length).toBe(versionsBefore.length + 1);
    expect(table.currentSnapshot()?.snapshot_id).toBe(s1.snapshot_id);

    const loaded = await IcebergTable.load(io, location);
    expect(loaded.snapshots()).toHaveLength(3);
    expect(loaded.currentSnapshot()?.snapshot_id).toBe(s1.snapshot_id);
    expect(sortedRows(await loaded.read())).toEqual(sortedRows(first));
    expect(loaded.metadata['metadata-log']).toHaveLength(4);

    // A commit after the rollback descends from the first snapshot.
    const s4 = await loaded.commit({ operation: 'append', add: goldTableOf(goldRows(1, { from: 90 })) });
    expect(s4.parent_id).toBe(s1.snapshot_id);
    expect((await loaded.read()).numRows).toBe(7);
  });

  test('load probes past a stale version hint and fails typed when there is no table', async () => {
    const io = localFileIO();
    const location = join(dir, 't');
    const table = await IcebergTable.create(io, location, { def: goldTable });
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(2)) });
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(2, { from: 2 })) });
    await io.write(join(location, 'metadata', 'version-hint.text'), new TextEncoder().encode('1'));
    const loaded = await IcebergTable.load(io, location);
    expect(loaded.version).toBe(3);
    expect((await loaded.read()).numRows).toBe(4);
    await expect(IcebergTable.load(io, join(dir, 'missing'))).rejects.toBeInstanceOf(NoSuchTableError);
  });
});
