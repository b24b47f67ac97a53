import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { goldTable } from '../../schemas/gold.js';
import { readAvroFile } from '../../src/iceberg/avro-container.js';
import { IcebergTable, localFileIO } from '../../src/iceberg/index.js';
import { createGoldTable, goldRows, goldTableOf, sortedRows, tempDir } from './support.js';

describe('SPEC §6 Iceberg gold table: create, append, read back', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir()));
  afterEach(() => cleanup());

  test('an appended table reads back equal, with day(session_date) partitions and 64-bit ids', async () => {
    const io = localFileIO();
    const location = join(dir, 'gold', 'user_session_analysis');
    const table = await createGoldTable(io, location, { rowsPerFile: 7 });
    expect(table.currentSnapshot()).toBeUndefined();
    expect((await table.read()).numRows).toBe(0);

    const rows = goldTableOf(goldRows(30));
    const snapshot = await table.commit({
      operation: 'append',
      add: rows,
      summary: { 'goldsmith.run-id': 'r1' },
    });
    expect(sortedRows(await table.read())).toEqual(sortedRows(rows));
    expect(snapshot.summary).toMatchObject({
      operation: 'append',
      'goldsmith.run-id': 'r1',
      'added-records': '30',
      'total-records': '30',
      'changed-partition-count': '3',
      'total-delete-files': '0',
    });

    // 3 days × 10 rows, ≤ 7 rows per file → 2 files per day.
    const files = await table.files();
    expect(files).toHaveLength(6);
    expect(new Set(files.map((f) => f.path.split('/').at(-2)))).toEqual(
      new Set(['session_date_day=2025-09-05', 'session_date_day=2025-09-06', 'session_date_day=2025-09-07']),
    );
    expect(files.every((f) => f.recordCount <= 7 && f.content === 'data')).toBe(true);

    // Reload from disk: the id survives, and the JSON holds it as a bare number.
    const loaded = await IcebergTable.load(io, location, { def: goldTable });
    expect(loaded.currentSnapshot()?.snapshot_id).toBe(snapshot.snapshot_id);
    expect(sortedRows(await loaded.read())).toEqual(sortedRows(rows));
    const text = await readFile(join(location, 'metadata', 'v2.metadata.json'), 'utf8');
    expect(text).toContain(`"current-snapshot-id": ${snapshot.snapshot_id}`);
    expect(text).toContain(`"snapshot-id": ${snapshot.snapshot_id}`);
    expect(await readFile(join(location, 'metadata', 'version-hint.text'), 'utf8')).toBe('2');
    const json = JSON.parse(text);
    expect(json['format-version']).toBe(2);
    expect(json['partition-specs'][0].fields[0]).toEqual({
      name: 'session_date_day',
      transform: 'day',
      'source-id': 9,
      'field-id': 1000,
    });
    expect(json.properties['write.parquet.compression-codec']).toBe('snappy');
  });

  test('snapshot ids above 2^53 survive the metadata round trip', async () => {
    const io = localFileIO();
    const table = await IcebergTable.create(io, join(dir, 't'), { def: goldTable });
    for (let i = 0; i < 3; i++)
      await table.commit({ operation: 'append', add: goldTableOf(goldRows(2, { from: i * 2 })) });
    const ids = table.snapshots().map((s) => s.snapshot_id);
    const loaded = await IcebergTable.load(io, join(dir, 't'));
    expect(loaded.snapshots().map((s) => s.snapshot_id)).toEqual(ids);
    expect(loaded.ancestors().map((s) => s.snapshot_id)).toEqual([...ids].reverse());
    expect(ids.some((id) => BigInt(id) > 2n ** 53n)).toBe(true);
    // The manifest list stores the same ids as Avro longs.
    const list = readAvroFile(await io.read(loaded.currentSnapshot()!.manifest_list));
    expect(list.metadata['snapshot-id']).toBe(ids[2]);
    expect(list.records.map((r) => String(r.added_snapshot_id)).sort()).toEqual([...ids].sort());
  });

  test('data files carry Iceberg field ids, bounds and counts', async () => {
    const io = localFileIO();
    const location = join(dir, 'g');
    const table = await createGoldTable(io, location);
    await table.commit({ operation: 'append', add: goldTableOf(goldRows(9)) });
    const [file] = await table.files();
    const bytes = await readFile(file!.path);
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const ids = Object.fromEntries(meta.schema.map((s) => [s.name, s.field_id]));
    expect(ids.user_id).toBe(1);
    expect(ids.session_date).toBe(9);
    expect(ids.event_types).toBe(11);
    expect(ids.element).toBe(23);
    const manifests = readAvroFile(await io.read(table.currentSnapshot()!.manifest_list)).records;
    const manifest = readAvroFile(await io.read(String(manifests[0]!.manifest_path)));
    expect(manifest.metadata.content).toBe('data');
    expect(manifest.metadata['partition-spec']).toBe(
      '[{"name":"session_date_day","transform":"day","source-id":9,"field-id":1000}]',
    );
    expect(JSON.parse(manifest.metadata.schema!).fields[0].id).toBe(1);
    const dataFile = manifest.records[0]!.data_file as Record<string, unknown>;
    const lower = new Map(
      (dataFile.lower_bounds as { key: number; value: Buffer }[]).map((e) => [e.key, e.value]),
    );
    expect(lower.get(2)!.toString()).toBe('SES_000000');
    expect(lower.get(9)!.readInt32LE()).toBe(20336); // 2025-09-05
    const values = new Map(
      (dataFile.value_counts as { key: number; value: bigint }[]).map((e) => [e.key, e.value]),
    );
    expect(values.get(1)).toBe(3n);
    expect(await readdir(join(location, 'data'))).toContain('session_date_day=2025-09-05');
  });
});
