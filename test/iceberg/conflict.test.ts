import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CommitConflictError, IcebergTable, localFileIO } from '../../src/iceberg/index.js';
import { createGoldTable, goldRows, goldTableOf, sortedRows, tempDir } from './support.js';

describe('SPEC §6 concurrent writers: optimistic commits by exclusive metadata creation', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  async function twoWriters() {
    const io = localFileIO();
    const location = join(dir, 'gold');
    const table = await createGoldTable(io, location);
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(6)) });
    return {
      io,
      location,
      a: await IcebergTable.load(io, location),
      b: await IcebergTable.load(io, location),
    };
  }

  test('two appends from the same version both land: the second re-bases', async () => {
    const { io, location, a, b } = await twoWriters();
    expect(a.version).toBe(b.version);
    const sa = await a.commit({ operation: 'append', add: goldTableOf(goldRows(2, { from: 10 })) });
    const sb = await b.commit({ operation: 'append', add: goldTableOf(goldRows(3, { from: 20 })) });
    expect(sb.parent_id).toBe(sa.snapshot_id);
    expect(sb.sequence_number).toBe(sa.sequence_number + 1);
    expect(sb.summary['total-records']).toBe('11');
    const loaded = await IcebergTable.load(io, location);
    expect(loaded.version).toBe(4);
    expect(sortedRows(await loaded.read())).toEqual(
      sortedRows(goldTableOf([...goldRows(6), ...goldRows(2, { from: 10 }), ...goldRows(3, { from: 20 })])),
    );
    // Concurrent appends in parallel land too.
    const c = await IcebergTable.load(io, location);
    const d = await IcebergTable.load(io, location);
    await Promise.all([
      c.commit({ operation: 'append', add: goldTableOf(goldRows(1, { from: 30 })) }),
      d.commit({ operation: 'append', add: goldTableOf(goldRows(1, { from: 31 })) }),
    ]);
    expect((await (await IcebergTable.load(io, location)).read()).numRows).toBe(13);
  });

  test('two removals of the same file: the second throws CommitConflictError and changes nothing', async () => {
    const { io, location, a, b } = await twoWriters();
    const [file] = await a.files();
    await a.commit({ operation: 'delete', removeFiles: [file!.path] });
    const metadataBefore = (await readdir(join(location, 'metadata'))).filter((f) =>
      f.endsWith('.metadata.json'),
    );
    const error = await b.commit({ operation: 'delete', removeFiles: [file!.path] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitConflictError);
    expect(String(error)).toContain(file!.path);
    const metadataAfter = (await readdir(join(location, 'metadata'))).filter((f) =>
      f.endsWith('.metadata.json'),
    );
    expect(metadataAfter).toEqual(metadataBefore);
    const loaded = await IcebergTable.load(io, location);
    expect(loaded.currentSnapshot()?.snapshot_id).toBe(a.currentSnapshot()?.snapshot_id);
    expect((await loaded.read()).numRows).toBe(6 - file!.recordCount);
  });

  test('a merge-on-read delete of rows whose file a concurrent copy-on-write merge rewrote conflicts', async () => {
    const { a, b } = await twoWriters();
    const row = goldRows(6)[0]!;
    await a.merge(goldTableOf([{ ...row, total_events: 5 }]), { on: ['session_id', 'user_id'] });
    const error = await b
      .merge(goldTableOf([{ ...row, total_events: 6 }]), {
        on: ['session_id', 'user_id'],
        mode: 'merge-on-read',
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitConflictError);
  });

  test('removing a file that is not live is a caller error, not a conflict', async () => {
    const { a } = await twoWriters();
    await expect(a.commit({ operation: 'delete', removeFiles: ['/nope.parquet'] })).rejects.toThrow(
      /not a live file/,
    );
  });
});
