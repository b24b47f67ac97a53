import { describe, expect, it } from 'vitest';
import { icebergSchemaOf } from '../../schemas/derive-iceberg.js';
import { goldTable } from '../../schemas/gold.js';
import { writeDataFiles } from '../../src/iceberg/data-files.js';
import type { FileIO } from '../../src/iceberg/file-io.js';
import { buildPartitionSpec } from '../../src/iceberg/partition-spec.js';
import { parquetToTable } from '../../src/io/parquet.js';
import { sortedRows } from '../conformance/compare.js';
import { goldRows, goldTableOf } from './support.js';

// Writing data files (Iceberg table spec, "Manifests"; RELIABILITY: a failed write leaves the
// table as it was): files are written while later ones are encoded, so these tests check that
// every row lands in exactly one file, and that a failure lets no write run on behind it.

const schema = icebergSchemaOf(goldTable);
const context = {
  location: '/wh/gold',
  def: goldTable,
  schema,
  spec: buildPartitionSpec(goldTable, { column: 'session_date', transform: 'day' }),
  properties: {},
  rowsPerFile: 7,
};

/**
 * A FileIO in memory whose writes take `delayMs` and fail for the `failAt`-th call (`throwAt`:
 * throw before returning a promise, as a FileIO that checks its arguments first may).
 */
function memoryIO(options: { delayMs?: number; failAt?: number; throwAt?: number } = {}) {
  const files = new Map<string, Uint8Array>();
  let calls = 0;
  let running = 0;
  let maxRunning = 0;
  const io = {
    write(location: string, bytes: Uint8Array) {
      const call = ++calls;
      if (call === options.throwAt) throw new TypeError(`bad location ${location}`);
      return slowWrite(call, location, bytes);
    },
  } as unknown as FileIO;
  async function slowWrite(call: number, location: string, bytes: Uint8Array) {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((r) => setTimeout(r, options.delayMs ?? 0));
    running--;
    if (call === options.failAt) throw new Error(`disk full writing ${location}`);
    files.set(location, bytes);
  }
  return { io, files, running: () => running, maxRunning: () => maxRunning };
}

describe('writeDataFiles', () => {
  it('writes every row once, partition by partition, in files of at most rowsPerFile rows', async () => {
    const rows = goldTableOf(goldRows(40, { days: 3 }));
    const { io, files, maxRunning } = memoryIO({ delayMs: 50 });
    const records = await writeDataFiles(io, context, rows);
    expect(records.length).toBe(files.size);
    expect(records.map((r) => r.file_path).sort()).toEqual([...files.keys()].sort());
    const back = records.flatMap((r) => {
      const table = parquetToTable(files.get(r.file_path)!);
      expect(BigInt(table.numRows)).toBe(r.record_count);
      expect(table.numRows).toBeLessThanOrEqual(7);
      return sortedRows(table);
    });
    expect(back.sort()).toEqual(sortedRows(rows));
    expect(new Set(records.map((r) => r.partition.session_date_day)).size).toBe(3);
    expect(maxRunning()).toBeGreaterThan(1); // writes overlapped
  });

  it('a failed write fails the call, and no write of it is still running afterwards', async () => {
    const rows = goldTableOf(goldRows(40, { days: 3 }));
    const { io, running } = memoryIO({ delayMs: 20, failAt: 2 });
    await expect(writeDataFiles(io, context, rows)).rejects.toThrow(/disk full/);
    expect(running()).toBe(0);
  });

  it('a write that throws at once also waits for the writes before it', async () => {
    const rows = goldTableOf(goldRows(40, { days: 3 }));
    const { io, running } = memoryIO({ delayMs: 50, throwAt: 3 });
    await expect(writeDataFiles(io, context, rows)).rejects.toThrow(/bad location/);
    expect(running()).toBe(0);
  });
});
