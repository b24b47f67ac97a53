import { RecordBatch, Table } from 'apache-arrow';
import type { TableDef } from '../../schemas/logical-types.js';
import { bytesEqual } from '../columns/bytes.js';
import { numberView, stringView } from '../columns/column-views.js';
import { conformToSchema } from '../columns/conform.js';
import { tableFromRows } from '../columns/rows-table.js';
import { takeTable } from '../columns/take.js';
import { parquetToTable } from '../io/parquet.js';
import type { FileIO } from './file-io.js';
import {
  EntryStatus,
  FileContent,
  type ManifestEntry,
  type ManifestFile,
  readManifest,
  readManifestList,
} from './manifest.js';

/** The manifests of a snapshot and their entries, as read from its manifest list. */
export interface SnapshotFiles {
  readonly manifests: readonly ManifestFile[];
  /** Entries of each manifest, in manifest order. */
  readonly entries: readonly (readonly ManifestEntry[])[];
  /** Live (ADDED or EXISTING) data-file entries. */
  readonly data: readonly ManifestEntry[];
  /** Live delete-file entries. */
  readonly deletes: readonly ManifestEntry[];
}

/** Reads a snapshot's manifest list and manifests; `undefined` manifest list = no snapshot. */
export async function snapshotFiles(io: FileIO, manifestList: string | undefined): Promise<SnapshotFiles> {
  if (manifestList === undefined) return { manifests: [], entries: [], data: [], deletes: [] };
  const manifests = await readManifestList(io, manifestList);
  const entries = await Promise.all(manifests.map((m) => readManifest(io, m)));
  const data: ManifestEntry[] = [];
  const deletes: ManifestEntry[] = [];
  for (const list of entries)
    for (const entry of list) {
      if (entry.status === EntryStatus.DELETED) continue;
      (entry.data_file.content === FileContent.DATA ? data : deletes).push(entry);
    }
  return { manifests, entries, data, deletes };
}

/** Deleted positions per data file, with the data sequence number of the delete file. */
export type DeleteIndex = Map<string, { sequence: bigint; positions: Float64Array }[]>;

const decoder = new TextDecoder();

/** Reads every live position-delete file into an index by target data file. */
export async function readDeleteIndex(
  io: FileIO,
  deletes: readonly ManifestEntry[],
): Promise<{
  index: DeleteIndex;
  /** Data files each delete file references. */
  targets: Map<string, Set<string>>;
}> {
  const index: DeleteIndex = new Map();
  const targets = new Map<string, Set<string>>();
  const tables = await Promise.all(
    deletes.map(async (entry) => {
      if (entry.data_file.content === FileContent.EQUALITY_DELETES)
        throw new TypeError(`${entry.data_file.file_path}: equality deletes are not supported`);
      return parquetToTable(await io.read(entry.data_file.file_path));
    }),
  );
  tables.forEach((table, k) => {
    const entry = deletes[k]!;
    const paths = stringView(table.getChild('file_path')!);
    const pos = numberView(table.getChild('pos')!);
    const referenced = new Set<string>();
    targets.set(entry.data_file.file_path, referenced);
    // Rows are sorted by file_path: decode a path only where it changes.
    let from = 0;
    while (from < paths.length) {
      let to = from + 1;
      const start = paths.starts[from]!;
      const length = paths.ends[from]! - start;
      while (to < paths.length && sameBytes(paths.bytes, start, length, paths.starts[to]!, paths.ends[to]!))
        to++;
      const file = decoder.decode(paths.bytes.subarray(start, start + length));
      referenced.add(file);
      const list = index.get(file) ?? [];
      index.set(file, list);
      list.push({ sequence: entry.sequence_number, positions: pos.subarray(from, to) });
      from = to;
    }
  });
  return { index, targets };
}

function sameBytes(
  bytes: Uint8Array,
  start: number,
  length: number,
  otherStart: number,
  otherEnd: number,
): boolean {
  return otherEnd - otherStart === length && bytesEqual(bytes, start, bytes, otherStart, length);
}

/**
 * 1 for each row of a data file deleted by a position delete that applies to it: the delete's
 * data sequence number is ≥ the data file's (table spec, "Scan Planning"). Undefined if none.
 */
export function deletedMask(entry: ManifestEntry, index: DeleteIndex): Uint8Array | undefined {
  const deletes = index.get(entry.data_file.file_path);
  if (!deletes) return undefined;
  const rows = Number(entry.data_file.record_count);
  const mask = new Uint8Array(rows);
  let any = false;
  for (const { sequence, positions } of deletes) {
    if (sequence < entry.sequence_number) continue;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      if (p >= 0 && p < rows) {
        mask[p] = 1;
        any = true;
      }
    }
  }
  return any ? mask : undefined;
}

/** Indices of the rows a mask keeps (0 = kept). */
export function keptRows(mask: Uint8Array, extra?: Uint8Array): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0 && !extra?.[i]) count++;
  const out = new Int32Array(count);
  for (let i = 0, at = 0; i < mask.length; i++) if (mask[i] === 0 && !extra?.[i]) out[at++] = i;
  return out;
}

/** Reads one data file, conformed to the table definition, every physical row in order. */
export async function readDataFile(io: FileIO, entry: ManifestEntry, def: TableDef): Promise<Table> {
  return conformToSchema(parquetToTable(await io.read(entry.data_file.file_path)), def);
}

/** Concatenates conformed tables into one table of one chunk. */
export function concatTables(tables: readonly Table[], def: TableDef): Table {
  if (tables.length === 0) return tableFromRows(def, []);
  if (tables.length === 1) return tables[0]!;
  const first = tables[0]!;
  const batches = tables.flatMap((t) => t.batches.map((b) => new RecordBatch(first.schema, b.data)));
  return conformToSchema(new Table(first.schema, batches), def);
}

/** Every live row of a snapshot, position deletes applied, conformed to the definition. */
export async function readSnapshot(io: FileIO, files: SnapshotFiles, def: TableDef): Promise<Table> {
  const { index } = await readDeleteIndex(io, files.deletes);
  const tables = await Promise.all(
    files.data.map(async (entry) => {
      const table = await readDataFile(io, entry, def);
      const mask = deletedMask(entry, index);
      return mask ? takeTable(table, keptRows(mask)) : table;
    }),
  );
  return concatTables(tables, def);
}
