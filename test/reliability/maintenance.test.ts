import { mkdir, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { goldTable } from '../../schemas/gold.js';
import { type FileIO, IcebergTable, localFileIO, mappedFileIO } from '../../src/iceberg/index.js';
import { expireSnapshots, removeOrphans } from '../../src/iceberg/maintenance.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { readTable, TABLES } from '../../src/lakehouse/warehouse.js';
import { bytesInput } from '../../src/read/index.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { serveDirectory } from '../iceberg/http-server.js';
import { icebirdVersionRows, sortByKey } from '../iceberg/icebird-rows.js';
import { createGoldTable, goldRows, goldTableOf, sortedRows, tempDir } from '../iceberg/support.js';
import { bundleCli, checkWarehouse, comparableRows, runCli } from './support/warehouse-check.js';

const ON = ['session_id', 'user_id'] as const;
const HOUR = 3_600_000;

/** A FileIO that "dies" (throws) at the commit point: everything before it is written, nothing commits. */
function dyingAtCommit(io: FileIO): FileIO {
  return {
    ...io,
    createExclusive: async (location) => {
      // What a SIGKILL inside createExclusive leaves: the private temp file, never linked.
      await io.write(`${location}.0e8f-killed.tmp`, new TextEncoder().encode('{"partial'));
      throw new Error('killed');
    },
  };
}

describe('issue 7 §2 maintenance: expire-snapshots and remove-orphans', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('goldsmith-maintenance-'));
    server = await serveDirectory(dir);
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  async function icebirdRows(tableUrl: string, version: number) {
    return sortByKey(await icebirdVersionRows(tableUrl, version, goldTable), ON);
  }

  it('remove-orphans deletes what a killed commit left (data, deletes, manifests, temp metadata) and nothing else', async () => {
    const tableUrl = `${server.url}/orphans/gold`;
    const io = mappedFileIO(localFileIO(), { [`${server.url}/`]: `${dir}/` });
    const table = await createGoldTable(io, tableUrl, {
      properties: { 'write.merge.mode': 'merge-on-read' },
      rowsPerFile: 5,
    });
    const base = goldRows(20);
    await table.commit({ operation: 'append', add: goldTableOf(base) });
    await table.merge(goldTableOf([{ ...base[1]!, total_events: 9 }]), { on: ON });
    const before = sortedRows(await table.read());
    const filesBefore = await io.list(`${tableUrl}/`);

    // Two commits that die at the commit point: an append and a merge-on-read merge (delete files).
    const dying = await IcebergTable.load(dyingAtCommit(io), tableUrl, { def: goldTable, rowsPerFile: 5 });
    await expect(
      dying.commit({ operation: 'append', add: goldTableOf(goldRows(7, { from: 50 })) }),
    ).rejects.toThrow('killed');
    await expect(dying.merge(goldTableOf([{ ...base[2]!, country: 'CL' }]), { on: ON })).rejects.toThrow(
      'killed',
    );
    const debris = (await io.list(`${tableUrl}/`)).filter((f) => !filesBefore.includes(f));
    expect(debris.some((f) => f.endsWith('-deletes.parquet'))).toBe(true);
    expect(debris.some((f) => /\/snap-.*\.avro$/.test(f))).toBe(true);
    expect(debris.some((f) => f.endsWith('.tmp'))).toBe(true);

    // Young files are spared by default (a writer may be about to commit them).
    expect((await removeOrphans(table)).orphans).toEqual([]);
    const later = Date.now() + 2 * HOUR;
    const dry = await removeOrphans(table, { nowMs: later, dryRun: true });
    expect([...dry.orphans].sort()).toEqual([...debris].sort());
    expect(await io.list(`${tableUrl}/`)).toHaveLength(filesBefore.length + debris.length);
    const removed = await removeOrphans(table, { nowMs: later });
    expect([...removed.orphans].sort()).toEqual([...debris].sort());
    expect(await io.list(`${tableUrl}/`)).toEqual(filesBefore);

    await table.refresh();
    expect(sortedRows(await table.read())).toEqual(before);
    expect(await icebirdRows(tableUrl, table.version)).toEqual(before);
    // Every older version still reads too (nothing any metadata version references was touched).
    for (const snapshot of table.snapshots()) await table.read({ snapshotId: snapshot.snapshot_id });
  });

  it('expire-snapshots drops old snapshots and exactly the files only they reached; retained ones read the same (ours and icebird)', async () => {
    const tableUrl = `${server.url}/expire/gold`;
    const io = mappedFileIO(localFileIO(), { [`${server.url}/`]: `${dir}/` });
    const table = await createGoldTable(io, tableUrl, { rowsPerFile: 6 });
    const base = goldRows(24);
    await table.commit({ operation: 'append', add: goldTableOf(base) });
    await table.merge(goldTableOf([{ ...base[0]!, total_events: 77 }]), { on: ON });
    await table.merge(goldTableOf([{ ...base[4]!, country: 'CL' }]), { on: ON, mode: 'merge-on-read' });
    await table.compact();
    await table.overwrite(goldTableOf(goldRows(10, { from: 100 })));
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(3, { from: 200 })) });
    const snapshots = table.snapshots();
    expect(snapshots).toHaveLength(6);
    const keptIds = snapshots.slice(-2).map((s) => s.snapshot_id);
    const keptRows = await Promise.all(
      keptIds.map(async (id) => sortedRows(await table.read({ snapshotId: id }))),
    );
    const keptFiles = new Set(
      (await Promise.all(keptIds.map((id) => table.files(id)))).flat().map((f) => f.path),
    );

    // Young snapshots are kept by the age rule; the newest N by retainLast.
    expect((await expireSnapshots(table, { retainLast: 1 })).expired).toEqual([]);
    const dry = await expireSnapshots(table, { olderThanMs: 0, retainLast: 2, dryRun: true });
    expect(dry.expired).toHaveLength(4);
    const result = await expireSnapshots(table, { olderThanMs: 0, retainLast: 2 });
    expect(result.expired).toEqual(dry.expired);
    expect(result.deleted).toEqual(dry.deleted);
    expect(table.snapshots().map((s) => s.snapshot_id)).toEqual(keptIds);
    expect(table.metadata['snapshot-log'].every((e) => keptIds.includes(e['snapshot-id']))).toBe(true);
    for (const file of result.deleted) expect(await io.exists(file), file).toBe(false);
    for (const file of keptFiles) expect(await io.exists(file), file).toBe(true);
    // Data files of the expired snapshots only (the overwrite replaced them all) are gone.
    expect(result.deleted.filter((f) => f.endsWith('.parquet')).length).toBeGreaterThan(0);
    for (const [k, id] of keptIds.entries())
      expect(sortedRows(await table.read({ snapshotId: id }))).toEqual(keptRows[k]);
    expect(await icebirdRows(tableUrl, table.version)).toEqual(keptRows[1]);
    // The expired snapshots' files are not "orphans" left behind: nothing more to remove.
    expect((await removeOrphans(table, { olderThanMs: 0 })).orphans).toEqual([]);
    await expect(expireSnapshots(table, { retainLast: 0 })).rejects.toThrow(RangeError);
  });

  it('an expiry killed after any number of its deletes leaves a readable table; remove-orphans finishes the job', async () => {
    const io = localFileIO();
    const build = async (location: string) => {
      const table = await IcebergTable.create(io, location, { def: goldTable, rowsPerFile: 4 });
      const base = goldRows(12);
      await table.commit({ operation: 'append', add: goldTableOf(base) });
      await table.merge(goldTableOf([{ ...base[0]!, total_events: 5 }]), { on: ON });
      await table.merge(goldTableOf([{ ...base[5]!, total_events: 6 }]), { on: ON });
      await table.commit({ operation: 'append', add: goldTableOf(goldRows(2, { from: 30 })) });
      return table;
    };
    const probe = await build(join(dir, 'half-expired', 'probe'));
    const current = sortedRows(await probe.read());
    const total = (await expireSnapshots(probe, { olderThanMs: 0, retainLast: 1, dryRun: true })).deleted
      .length;
    expect(total).toBeGreaterThan(5);
    // Die after every possible number of deletes: a surviving manifest list must still find its
    // manifests (lists go first), so the table and remove-orphans keep working.
    for (let survive = 0; survive < total; survive++) {
      const location = join(dir, 'half-expired', `k${survive}`);
      const table = await build(location);
      let removals = 0;
      const dying: FileIO = {
        ...io,
        remove: async (file) => {
          if (++removals > survive) throw new Error('killed');
          await io.remove(file);
        },
      };
      const doomed = await IcebergTable.load(dying, location, { def: goldTable });
      await expect(expireSnapshots(doomed, { olderThanMs: 0, retainLast: 1 })).rejects.toThrow('killed');
      await table.refresh();
      expect(table.snapshots(), `after ${survive} deletes`).toHaveLength(1);
      expect(sortedRows(await table.read())).toEqual(current);
      const { orphans } = await removeOrphans(table, { olderThanMs: 0 });
      expect(orphans, `after ${survive} deletes`).toHaveLength(total - survive);
      expect(sortedRows(await table.read())).toEqual(current);
    }
  });

  it('goldsmith expire-snapshots and remove-orphans on a warehouse: orphans go, tables read the same', async () => {
    const root = join(dir, 'wh');
    const warehouse = localWarehouse(root);
    const header = 'transaction_id,session_id,user_id,amount,currency,transaction_timestamp';
    const event = (id: string, session: string, at: string) =>
      JSON.stringify({
        event_id: id,
        session_id: session,
        user_id: 'U1',
        event_type: 'click',
        event_timestamp: at,
      });
    await runPipeline({
      inputs: {
        events: [bytesInput('e1.jsonl', `${event('E1', 'S1', '2025-03-01T10:00:00')}\n`)],
        transactions: [bytesInput('t1.csv', `${header}\nT1,S1,U1,1.00,USD,2025-03-01 10:05:00\n`)],
        users: [],
      },
      warehouse,
    });
    await runPipeline({
      inputs: {
        events: [
          bytesInput(
            'e2.jsonl',
            `${event('E2', 'S1', '2025-03-01T10:30:00')}\n${event('E3', 'S2', '2025-03-02T10:00:00')}\n`,
          ),
        ],
        transactions: [],
        users: [],
      },
      warehouse,
    });
    const gold = comparableRows(await readTable(warehouse, TABLES.gold.name), TABLES.gold.key);
    expect(gold).toHaveLength(2);
    const stray = join(
      root,
      'gold',
      'user_session_analysis',
      'data',
      'session_date_day=2025-03-01',
      'killed-run.parquet',
    );
    const young = join(root, 'silver', 'events', 'data', 'in-flight.parquet');
    await writeFile(stray, 'PAR1 half-written');
    await writeFile(young, 'PAR1 being written');
    // Quarantine of a run that died before its gold commit (its lines are quarantined again by
    // the next run), and of a committed run (kept).
    const [committedReport] = await readdir(join(root, '_runs'));
    await mkdir(join(root, 'quarantine', 'events'), { recursive: true });
    const deadQuarantine = join(root, 'quarantine', 'events', 'dead-run.jsonl');
    const keptQuarantine = join(root, 'quarantine', 'events', committedReport!.replace(/\.json$/, '.jsonl'));
    await writeFile(deadQuarantine, '{}\n');
    await writeFile(keptQuarantine, '{}\n');
    const old = new Date(Date.now() - 2 * HOUR);
    for (const file of [stray, deadQuarantine, keptQuarantine]) await utimes(file, old, old);

    const { cli, remove } = await bundleCli();
    onTestFinished(remove);
    const dry = await runCli(cli, ['remove-orphans', '--warehouse', root, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const listed = (JSON.parse(dry.stdout) as { orphans: string[] }[]).flatMap((r) => r.orphans);
    expect(listed).toEqual([stray, deadQuarantine]);
    const removed = await runCli(cli, ['remove-orphans', '--warehouse', root]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain('gold.user_session_analysis: removed 1 orphan file(s)');
    expect(await localFileIO().exists(stray)).toBe(false);
    expect(await localFileIO().exists(young)).toBe(true);
    expect(removed.stdout).toContain('quarantine: removed 1 orphan file(s) of runs that never committed');
    expect(await localFileIO().exists(deadQuarantine)).toBe(false);
    expect(await localFileIO().exists(keptQuarantine)).toBe(true);

    const expired = await runCli(cli, [
      'expire-snapshots',
      '--warehouse',
      root,
      '--older-than',
      '0s',
      '--json',
    ]);
    expect(expired.code, expired.stderr).toBe(0);
    const results = JSON.parse(expired.stdout) as { table: string; expired: string[] }[];
    expect(results.find((r) => r.table === TABLES.gold.name)!.expired).toHaveLength(1);
    const states = await checkWarehouse(root);
    for (const [name, state] of states) expect([name, state.parents.size]).toEqual([name, 1]);
    expect(comparableRows(await readTable(warehouse, TABLES.gold.name), TABLES.gold.key)).toEqual(gold);
    const help = await runCli(cli, ['--help']);
    expect(help.stdout).toContain('expire-snapshots');
    expect(help.stdout).toContain('remove-orphans');
    for (const command of ['expire-snapshots', 'remove-orphans']) {
      const usage = await runCli(cli, [command, '--help']);
      expect([usage.code, usage.stdout]).toEqual([0, expect.stringContaining(`Usage: goldsmith ${command}`)]);
    }
    const bad = await runCli(cli, ['expire-snapshots', '--warehouse', root, '--older-than', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than soon: expected a duration');
  });
});
