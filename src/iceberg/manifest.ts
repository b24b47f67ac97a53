import type { IcebergSchema } from '../../schemas/derive-iceberg.js';
import { readAvroFile, writeAvroFile } from './avro-container.js';
import type { IntMap } from './column-metrics.js';
import type { FileIO } from './file-io.js';
import {
  MANIFEST_LIST_AVRO_SCHEMA,
  MANIFEST_LIST_ICEBERG_SCHEMA,
  manifestEntryAvroSchema,
  manifestEntryIcebergSchema,
  type PartitionFieldSchema,
} from './manifest-schemas.js';
import type { PartitionSpecJson } from './metadata.js';
import type { PartitionValues } from './partition-spec.js';

/** Manifest entry status (table spec, "Manifest Entry Fields"). */
export const EntryStatus = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
/** Data file content type: 0 = data, 1 = position deletes, 2 = equality deletes. */
export const FileContent = { DATA: 0, POSITION_DELETES: 1, EQUALITY_DELETES: 2 } as const;

/** `data_file` of a manifest entry, field names as in the Avro schema (longs as BigInt). */
export interface DataFileRecord {
  content: number;
  file_path: string;
  file_format: string;
  partition: PartitionValues;
  record_count: bigint;
  file_size_in_bytes: bigint;
  column_sizes?: IntMap<bigint> | null;
  value_counts?: IntMap<bigint> | null;
  null_value_counts?: IntMap<bigint> | null;
  nan_value_counts?: IntMap<bigint> | null;
  lower_bounds?: IntMap<Buffer> | null;
  upper_bounds?: IntMap<Buffer> | null;
  key_metadata?: Buffer | null;
  split_offsets?: bigint[] | null;
  equality_ids?: number[] | null;
  sort_order_id?: number | null;
}

/** A manifest entry with sequence numbers resolved (inherited from the manifest when null). */
export interface ManifestEntry {
  status: number;
  snapshot_id: bigint;
  sequence_number: bigint;
  file_sequence_number: bigint;
  data_file: DataFileRecord;
}

/** A manifest list entry (`manifest_file`), field names as in the Avro schema. */
export interface ManifestFile {
  manifest_path: string;
  manifest_length: bigint;
  partition_spec_id: number;
  /** 0 = data, 1 = deletes. */
  content: number;
  sequence_number: bigint;
  min_sequence_number: bigint;
  added_snapshot_id: bigint;
  added_data_files_count: number;
  existing_data_files_count: number;
  deleted_data_files_count: number;
  added_rows_count: bigint;
  existing_rows_count: bigint;
  deleted_rows_count: bigint;
  partitions:
    | {
        contains_null: boolean;
        contains_nan: boolean | null;
        lower_bound: Buffer | null;
        upper_bound: Buffer | null;
      }[]
    | null;
}

function nullable<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}

/** Fills every optional `data_file` field so avsc can encode records read from another writer. */
function normalizeDataFile(
  file: DataFileRecord,
  partitionFields: readonly PartitionFieldSchema[],
): DataFileRecord {
  const partition: PartitionValues = {};
  for (const f of partitionFields) partition[f.name] = nullable(file.partition[f.name]);
  return {
    content: file.content,
    file_path: file.file_path,
    file_format: file.file_format,
    partition,
    record_count: file.record_count,
    file_size_in_bytes: file.file_size_in_bytes,
    column_sizes: nullable(file.column_sizes),
    value_counts: nullable(file.value_counts),
    null_value_counts: nullable(file.null_value_counts),
    nan_value_counts: nullable(file.nan_value_counts),
    lower_bounds: nullable(file.lower_bounds),
    upper_bounds: nullable(file.upper_bounds),
    key_metadata: nullable(file.key_metadata),
    split_offsets: nullable(file.split_offsets),
    equality_ids: nullable(file.equality_ids),
    sort_order_id: nullable(file.sort_order_id),
  };
}

/** Writes one manifest (entries with explicit sequence numbers) and returns its byte length. */
export async function writeManifest(
  io: FileIO,
  location: string,
  options: {
    schema: IcebergSchema;
    spec: PartitionSpecJson;
    partitionFields: readonly PartitionFieldSchema[];
    content: 'data' | 'deletes';
    entries: readonly ManifestEntry[];
  },
): Promise<number> {
  const { partitionFields } = options;
  const records = options.entries.map((e) => ({
    status: e.status,
    snapshot_id: e.snapshot_id,
    sequence_number: e.sequence_number,
    file_sequence_number: e.file_sequence_number,
    data_file: normalizeDataFile(e.data_file, partitionFields),
  }));
  const bytes = writeAvroFile(manifestEntryAvroSchema(partitionFields), records, {
    schema: JSON.stringify(options.schema),
    'partition-spec': JSON.stringify(options.spec.fields),
    'partition-spec-id': String(options.spec['spec-id']),
    'format-version': '2',
    content: options.content,
    'iceberg.schema': JSON.stringify(manifestEntryIcebergSchema(partitionFields)),
  });
  await io.write(location, bytes);
  return bytes.length;
}

/**
 * Reads a manifest's entries, applying the spec's inheritance: an ADDED entry with a null
 * snapshot id or sequence number takes the manifest's (Spark writes them null).
 */
export async function readManifest(io: FileIO, manifest: ManifestFile): Promise<ManifestEntry[]> {
  const { records } = readAvroFile(await io.read(manifest.manifest_path));
  return records.map((r) => {
    const status = r.status as number;
    const inherit = (value: unknown, fallback: bigint): bigint => {
      if (typeof value === 'bigint') return value;
      if (status === EntryStatus.ADDED) return fallback;
      throw new TypeError(`${manifest.manifest_path}: entry with status ${status} lacks a sequence number`);
    };
    const sequence = inherit(r.sequence_number, manifest.sequence_number);
    return {
      status,
      snapshot_id: typeof r.snapshot_id === 'bigint' ? r.snapshot_id : manifest.added_snapshot_id,
      sequence_number: sequence,
      file_sequence_number: inherit(r.file_sequence_number, manifest.sequence_number),
      data_file: r.data_file as DataFileRecord,
    };
  });
}

/** Writes a manifest list and returns nothing; its location is fixed by the caller. */
export async function writeManifestList(
  io: FileIO,
  location: string,
  options: {
    snapshotId: string;
    parentId: string | null;
    sequenceNumber: number;
    manifests: readonly ManifestFile[];
  },
): Promise<void> {
  const bytes = writeAvroFile(
    MANIFEST_LIST_AVRO_SCHEMA,
    options.manifests as unknown as Record<string, unknown>[],
    {
      'snapshot-id': options.snapshotId,
      'parent-snapshot-id': options.parentId ?? 'null',
      'sequence-number': String(options.sequenceNumber),
      'format-version': '2',
      'iceberg.schema': JSON.stringify(MANIFEST_LIST_ICEBERG_SCHEMA),
    },
  );
  await io.write(location, bytes);
}

/** Reads a manifest list. */
export async function readManifestList(io: FileIO, location: string): Promise<ManifestFile[]> {
  const { records } = readAvroFile(await io.read(location));
  return records.map((r) => ({
    ...(r as unknown as ManifestFile),
    partitions: (r.partitions as ManifestFile['partitions']) ?? null,
  }));
}
