import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { goldTable } from '../../schemas/gold.js';
import { silverUsersTable } from '../../schemas/silver.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { IcebergTable, localFileIO, MergeCardinalityError } from '../../src/iceberg/index.js';
import { createGoldTable, goldRows, goldTableOf, sortedRows, tempDir } from './support.js';

const ON = ['session_id', 'user_id'] as const;

/** 30 sessions over 3 days, then a MERGE: 4 updated, 3 inserted, 2 deleted by key. */
function scenario() {
  const base = goldRows(30);
  const changed = [1, 4, 7, 8].map((i) => ({ ...base[i]!, total_events: 99, data_version: 2 }));
  const added = goldRows(3, { from: 100 });
  const deleteKeys = [base[2]!, base[5]!].map((r) => ({ session_id: r.session_id, user_id: r.user_id }));
  const expected = [...base.filter((_, i) => ![1, 4, 7, 8, 2, 5].includes(i)), ...changed, ...added];
  return { base, source: [...changed, ...added], deleteKeys, expected };
}

async function goldWith(dir: string, rows: readonly Record<string, unknown>[]) {
  const table = await createGoldTable(localFileIO(), join(dir, 'gold'), { rowsPerFile: 5 });
  await table.commit({ operation: 'append', add: goldTableOf(rows) });
  return table;
}

function keysTable(keys: readonly { session_id: string; user_id: string }[]) {
  return tableFromRows(
    {
      name: 'keys',
      columns: goldTable.columns.filter((c) => c.name === 'session_id' || c.name === 'user_id'),
    },
    keys,
  );
}

describe('SPEC §6 MERGE into gold on (session_id, user_id)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  test('copy-on-write rewrites only the files holding matched rows', async () => {
    const { base, source, deleteKeys, expected } = scenario();
    const table = await goldWith(dir, base);
    const before = await table.files();
    const result = await table.merge(goldTableOf(source), { on: ON, deleteKeys: keysTable(deleteKeys) });
    expect(result).toMatchObject({ inserted: 3, updated: 4, deleted: 2 });
    expect(sortedRows(await table.read())).toEqual(sortedRows(goldTableOf(expected)));

    const after = await table.files();
    expect(after.every((f) => f.content === 'data')).toBe(true);
    // Rows 1, 2, 4, 5, 7, 8 sit in the files of days 1, 2, 3 (row i is on day i % 3).
    const matchedPaths = new Set<string>();
    const reloaded = await IcebergTable.load(localFileIO(), join(dir, 'gold'));
    const firstRead = await reloaded.read({ snapshotId: reloaded.snapshots()[0]!.snapshot_id });
    expect(firstRead.numRows).toBe(30);
    for (const f of before) {
      if (!after.some((a) => a.path === f.path)) matchedPaths.add(f.path);
    }
    const removedRows = before.filter((f) => matchedPaths.has(f.path)).reduce((n, f) => n + f.recordCount, 0);
    expect(matchedPaths.size).toBeGreaterThan(0);
    expect(matchedPaths.size).toBeLessThan(before.length);
    // Untouched files are still referenced as they were.
    for (const f of before) if (!matchedPaths.has(f.path)) expect(after.map((a) => a.path)).toContain(f.path);
    const s = result.snapshot.summary;
    expect(result.snapshot.operation).toBe('overwrite');
    expect(s['deleted-data-files']).toBe(String(matchedPaths.size));
    expect(s['deleted-records']).toBe(String(removedRows));
    expect(s['added-records']).toBe(String(removedRows - 6 + source.length));
    expect(s['total-records']).toBe(String(expected.length));
    expect(s['added-delete-files']).toBe('0');
  });

  test('merge-on-read writes position deletes; compact folds them back', async () => {
    const { base, source, deleteKeys, expected } = scenario();
    const table = await goldWith(dir, base);
    const before = await table.files();
    const result = await table.merge(goldTableOf(source), {
      on: ON,
      deleteKeys: keysTable(deleteKeys),
      mode: 'merge-on-read',
      summary: { 'goldsmith.run-id': 'r2' },
    });
    expect(result).toMatchObject({ inserted: 3, updated: 4, deleted: 2 });
    expect(sortedRows(await table.read())).toEqual(sortedRows(goldTableOf(expected)));
    const after = await table.files();
    const deletes = after.filter((f) => f.content === 'position-deletes');
    expect(deletes.length).toBeGreaterThan(0);
    // Every original data file is still live: nothing was rewritten.
    for (const f of before) expect(after.map((a) => a.path)).toContain(f.path);
    expect(result.snapshot.summary).toMatchObject({
      'goldsmith.run-id': 'r2',
      'added-position-deletes': '6',
      'total-position-deletes': '6',
      'added-records': '7',
      'deleted-data-files': '0',
      'added-delete-files': String(deletes.length),
      'total-records': String(base.length + source.length),
    });

    // A second MOR merge over a table that already has deletes.
    const again = goldRows(30)
      .slice(10, 12)
      .map((r) => ({ ...r, total_events: 42 }));
    await table.merge(goldTableOf(again), { on: ON, mode: 'merge-on-read' });
    const expected2 = [
      ...expected.filter((r) => !again.some((a) => a.session_id === r.session_id)),
      ...again,
    ];
    expect(sortedRows(await table.read())).toEqual(sortedRows(goldTableOf(expected2)));

    const compacted = await table.compact();
    expect(compacted?.operation).toBe('replace');
    expect(compacted?.summary['total-delete-files']).toBe('0');
    expect(compacted?.summary['total-records']).toBe(String(expected2.length));
    expect((await table.files()).some((f) => f.content !== 'data')).toBe(false);
    expect(sortedRows(await table.read())).toEqual(sortedRows(goldTableOf(expected2)));
    expect(await table.compact()).toBeUndefined();
  });

  test('the table property write.merge.mode picks merge-on-read', async () => {
    const table = await IcebergTable.create(localFileIO(), join(dir, 'p'), {
      def: goldTable,
      properties: { 'write.merge.mode': 'merge-on-read' },
    });
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(4)) });
    await table.merge(goldTableOf(goldRows(1)), { on: ON });
    expect((await table.files()).filter((f) => f.content === 'position-deletes')).toHaveLength(1);
  });

  test('duplicate source keys throw MergeCardinalityError naming the key', async () => {
    const table = await goldWith(dir, goldRows(5));
    const rows = goldRows(3);
    const error = await table.merge(goldTableOf([...rows, rows[1]!]), { on: ON }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MergeCardinalityError);
    expect((error as MergeCardinalityError).key).toEqual(['SES_000001', 'USR_00001']);
    expect(table.snapshots()).toHaveLength(1);
  });

  test('keys compare null-safely on nullable timestamp columns (silver.users)', async () => {
    const users = await IcebergTable.create(localFileIO(), join(dir, 'users'), { def: silverUsersTable });
    const v = (id: string, updated: string | null, device: string) => ({
      user_id: id,
      signup_date: '2025-01-01T00:00:00.000000Z',
      device_type: device,
      country: 'PE',
      updated_at: updated,
    });
    await users.commit({
      operation: 'append',
      add: tableFromRows(silverUsersTable, [
        v('U1', null, 'iOS'),
        v('U1', '2025-02-01T00:00:00.000001Z', 'Web'),
        v('U2', null, 'iOS'),
      ]),
    });
    const result = await users.merge(
      tableFromRows(silverUsersTable, [v('U1', null, 'Android'), v('U2', '2025-02-01T00:00:00Z', 'Web')]),
      { on: ['user_id', 'updated_at'] },
    );
    expect(result).toMatchObject({ updated: 1, inserted: 1, deleted: 0 });
    const rows = sortedRows(await users.read(), ['user_id', 'updated_at']).map((r) => [
      r.user_id,
      r.updated_at,
      r.device_type,
    ]);
    expect(rows).toEqual([
      ['U1', '2025-02-01T00:00:00.000001Z', 'Web'],
      ['U1', null, 'Android'],
      ['U2', '2025-02-01T00:00:00.000000Z', 'Web'],
      ['U2', null, 'iOS'],
    ]);
  });
});
