import { Field, Int64, makeData, makeVector, Schema, type Table, Utf8 } from 'apache-arrow';
import type { IcebergSchema } from '../../schemas/derive-iceberg.js';
import type { TableDef } from '../../schemas/logical-types.js';
import { arrowByteLength } from '../columns/byte-length.js';
import { withSchema } from '../columns/take.js';
import { Utf8Builder } from '../columns/utf8-builder.js';
import { dictionaryColumns, tableToParquet } from '../io/parquet.js';
import { parquetEncoder } from '../io/parquet-encoder.js';
import { footerStatistics } from '../io/parquet-footer.js';
import { columnMetrics, type IntMap } from './column-metrics.js';
import { withFieldIds } from './field-ids.js';
import type { FileIO } from './file-io.js';
import { newUuid } from './ids.js';
import { type DataFileRecord, FileContent } from './manifest.js';
import type { PartitionSpecJson } from './metadata.js';
import { type PartitionValues, partitionPath, splitByPartition } from './partition-spec.js';
import { childLocation } from './table-paths.js';

/** What writing data files needs to know about the table. */
export interface WriteContext {
  readonly location: string;
  readonly def: TableDef;
  readonly schema: IcebergSchema;
  readonly spec: PartitionSpecJson;
  readonly properties: Readonly<Record<string, string>>;
  readonly rowsPerFile: number;
}

/** Field ids of the position-delete file columns (table spec, "Position Delete Files"). */
export const DELETE_FILE_PATH_ID = 2147483546;
export const DELETE_POS_ID = 2147483545;

const POSITION_DELETE_SCHEMA: IcebergSchema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: DELETE_FILE_PATH_ID, name: 'file_path', required: true, type: 'string' },
    { id: DELETE_POS_ID, name: 'pos', required: true, type: 'long' },
  ],
};

/** A new data or delete file's location, checked to lie inside the table (partition paths come from values). */
function dataFile(context: WriteContext, partitionPath: string, name: string): string {
  return childLocation(
    context.location,
    partitionPath === '' ? `data/${name}` : `data/${partitionPath}/${name}`,
  );
}

/**
 * Writes rows (already conformed to the table's Arrow schema) as Parquet data files: one
 * directory per partition, at most `rowsPerFile` rows and about {@link TARGET_FILE_BYTES} of
 * Arrow buffers per file. Returns their manifest records.
 */
export async function writeDataFiles(
  io: FileIO,
  context: WriteContext,
  rows: Table,
): Promise<DataFileRecord[]> {
  if (rows.numRows === 0) return [];
  const out: DataFileRecord[] = [];
  const writes = new WritesInFlight();
  const encoder = parquetEncoder();
  const dictionary = dictionaryColumns(rows); // decided once per table, not per file
  // Files being encoded (on the worker lane, or done here), finished in order.
  const encoding: EncodingFile[] = [];
  let held = 0; // bytes of encoded files not yet written
  const finishOne = async () => {
    const job = encoding.shift()!;
    const bytes = await job.bytes;
    held -= bytes.length;
    await writes.add(io.write(job.path, bytes));
    out.push({
      content: FileContent.DATA,
      file_path: job.path,
      file_format: 'PARQUET',
      partition: job.partition,
      record_count: BigInt(job.part.numRows),
      file_size_in_bytes: BigInt(bytes.length),
      ...columnMetrics(job.part, context.schema, context.properties, footerStatistics(bytes)),
      sort_order_id: 0,
    });
  };
  try {
    for (const slice of splitByPartition(rows, context.spec, context.schema)) {
      const sliceRows = slice.rows();
      const perFile = rowsPerFile(sliceRows, context.rowsPerFile);
      for (let from = 0; from < sliceRows.numRows; from += perFile) {
        const part = sliceRows.slice(from, Math.min(sliceRows.numRows, from + perFile));
        const path = dataFile(context, slice.path, `${newUuid()}.parquet`);
        const job: EncodingFile = {
          part,
          path,
          partition: slice.values,
          bytes: encoder.encode(withFieldIds(part, context.schema), dictionary),
          done: false,
        };
        // Marks it done either way (and handles a rejection until finishOne awaits it).
        job.bytes.then(
          (bytes) => {
            job.done = true;
            held += bytes.length;
          },
          () => (job.done = true),
        );
        encoding.push(job);
        // Let the worker's replies in, then finish what is done; wait for the oldest (the worker's)
        // only when too many files, or too many encoded bytes, are waiting behind it.
        await new Promise(setImmediate);
        while (encoding[0]?.done || encoding.length > MAX_FILES_AHEAD || held > MAX_BYTES_AHEAD)
          await finishOne();
      }
    }
    while (encoding.length > 0) await finishOne();
  } catch (error) {
    // No write of this call may still be running once it has failed.
    await writes.drain().catch(() => {});
    throw error;
  }
  await writes.drain();
  return out;
}

/** A data file on its way: its rows, where it goes, and its Parquet bytes once encoded. */
interface EncodingFile {
  readonly part: Table;
  readonly path: string;
  readonly partition: PartitionValues;
  readonly bytes: Promise<Uint8Array>;
  done: boolean;
}

/** Files, and encoded bytes, that may wait behind the oldest file still being encoded. */
const MAX_FILES_AHEAD = 32;
const MAX_BYTES_AHEAD = 32 << 20;

/** Data file writes that may be in flight at once while the next file is encoded. */
const MAX_WRITES_IN_FLIGHT = 4;

/**
 * Overlaps file writes with encoding: the next file is encoded while earlier ones are still being
 * written (a disk's or S3's latency, not our CPU), at most {@link MAX_WRITES_IN_FLIGHT} at once,
 * so at most that many encoded files are held. The first failure is thrown by `add` or `drain`
 * once the writes before it have settled.
 */
class WritesInFlight {
  private readonly pending: Promise<void>[] = [];
  private failure: { error: unknown } | undefined;

  async add(write: Promise<void>): Promise<void> {
    this.pending.push(
      write.catch((error: unknown) => {
        this.failure ??= { error };
      }),
    );
    if (this.pending.length >= MAX_WRITES_IN_FLIGHT) await this.pending.shift();
    if (this.failure) await this.drain();
  }

  async drain(): Promise<void> {
    await Promise.all(this.pending.splice(0));
    if (this.failure) throw this.failure.error;
  }
}

/**
 * Arrow bytes per data file at most. Encoding copies a file's rows twice (Arrow IPC, then into
 * parquet-wasm's heap, which never shrinks), so the file size bounds that part of a run's peak
 * memory; the Parquet files are still several MB each.
 */
const TARGET_FILE_BYTES = 32 << 20;

/** Rows per file: equal parts of at most `limit` rows and about {@link TARGET_FILE_BYTES}. */
function rowsPerFile(rows: Table, limit: number): number {
  const bytes = arrowByteLength(rows);
  const parts = Math.max(Math.ceil(rows.numRows / limit), Math.ceil(bytes / TARGET_FILE_BYTES));
  return Math.max(1, Math.ceil(rows.numRows / parts));
}

/** Deleted row positions of one data file. */
export interface PositionDeletes {
  readonly file: string;
  readonly positions: Int32Array | readonly number[];
}

function bound(key: number, value: Buffer): IntMap<Buffer> {
  return [{ key, value }];
}

function int64(v: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64LE(BigInt(v));
  return buf;
}

/**
 * Writes position-delete files, one per partition of the target data files, rows sorted by
 * (file_path, pos) as the spec requires. `partitionOf` gives each target file's partition.
 */
export async function writePositionDeletes(
  io: FileIO,
  context: WriteContext,
  deletes: readonly PositionDeletes[],
  partitionOf: (file: string) => DataFileRecord['partition'] | undefined,
): Promise<DataFileRecord[]> {
  const byPartition = new Map<
    string,
    { partition: DataFileRecord['partition']; path: string; items: PositionDeletes[] }
  >();
  for (const item of deletes) {
    if (item.positions.length === 0) continue;
    const partition = partitionOf(item.file);
    if (!partition)
      throw new TypeError(`position deletes target ${item.file}, which is not a live data file`);
    const key = JSON.stringify(partition);
    let group = byPartition.get(key);
    if (!group) {
      group = { partition, path: partitionPath(context.spec, context.schema, partition), items: [] };
      byPartition.set(key, group);
    }
    group.items.push(item);
  }
  const out: DataFileRecord[] = [];
  for (const group of byPartition.values()) {
    group.items.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const paths = new Utf8Builder();
    let total = 0;
    for (const item of group.items) total += item.positions.length;
    const pos = new BigInt64Array(total);
    let at = 0;
    let minPos = Number.POSITIVE_INFINITY;
    let maxPos = Number.NEGATIVE_INFINITY;
    for (const item of group.items) {
      const sorted = Int32Array.from(item.positions).sort();
      const encoded = new TextEncoder().encode(item.file);
      for (let i = 0; i < sorted.length; i++) {
        paths.appendBytes(encoded, 0, encoded.length);
        pos[at++] = BigInt(sorted[i]!);
      }
      minPos = Math.min(minPos, sorted[0]!);
      maxPos = Math.max(maxPos, sorted[sorted.length - 1]!);
    }
    const schema = new Schema([
      new Field('file_path', new Utf8(), false),
      new Field('pos', new Int64(), false),
    ]);
    const table = withSchema(
      {
        file_path: makeVector(paths.finish()),
        pos: makeVector(makeData({ type: new Int64(), length: total, nullCount: 0, data: pos })),
      },
      schema,
    );
    const bytes = tableToParquet(withFieldIds(table, POSITION_DELETE_SCHEMA));
    const path = dataFile(context, group.path, `${newUuid()}-deletes.parquet`);
    await io.write(path, bytes);
    const first = Buffer.from(group.items[0]!.file, 'utf8');
    const last = Buffer.from(group.items[group.items.length - 1]!.file, 'utf8');
    out.push({
      content: FileContent.POSITION_DELETES,
      file_path: path,
      file_format: 'PARQUET',
      partition: group.partition,
      record_count: BigInt(total),
      file_size_in_bytes: BigInt(bytes.length),
      value_counts: [
        { key: DELETE_FILE_PATH_ID, value: BigInt(total) },
        { key: DELETE_POS_ID, value: BigInt(total) },
      ],
      null_value_counts: [
        { key: DELETE_FILE_PATH_ID, value: 0n },
        { key: DELETE_POS_ID, value: 0n },
      ],
      // Full (untruncated) path bounds let readers match delete files to data files, as Java does.
      lower_bounds: [...bound(DELETE_FILE_PATH_ID, first), ...bound(DELETE_POS_ID, int64(minPos))],
      upper_bounds: [...bound(DELETE_FILE_PATH_ID, last), ...bound(DELETE_POS_ID, int64(maxPos))],
      sort_order_id: null,
    });
  }
  return out;
}
