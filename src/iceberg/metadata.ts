import type { IcebergSchema } from '../../schemas/derive-iceberg.js';

/** One field of a partition spec as metadata.json stores it. */
export interface PartitionFieldJson {
  name: string;
  transform: string;
  'source-id': number;
  'field-id': number;
}

/** A partition spec as metadata.json stores it. */
export interface PartitionSpecJson {
  'spec-id': number;
  fields: PartitionFieldJson[];
}

/** A snapshot in metadata.json (64-bit ids as decimal strings, see `metadata-json.ts`). */
export interface SnapshotJson {
  'snapshot-id': string;
  'parent-snapshot-id'?: string;
  'sequence-number': number;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: Record<string, string> & { operation: string };
  'schema-id'?: number;
}

/** A branch or tag. */
export interface SnapshotRefJson {
  'snapshot-id': string;
  type: 'branch' | 'tag';
}

/** The parsed `v<N>.metadata.json` of a format-v2 table (table spec, "Table Metadata Fields"). */
export interface TableMetadata {
  'format-version': 2;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  schemas: IcebergSchema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpecJson[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties: Record<string, string>;
  /** `'-1'` or absent when the table has no snapshot. */
  'current-snapshot-id'?: string;
  snapshots: SnapshotJson[];
  'snapshot-log': { 'timestamp-ms': number; 'snapshot-id': string }[];
  'metadata-log': { 'timestamp-ms': number; 'metadata-file': string }[];
  'sort-orders': { 'order-id': number; fields: unknown[] }[];
  'default-sort-order-id': number;
  refs?: Record<string, SnapshotRefJson>;
  statistics?: unknown[];
}

/** A snapshot as the table API returns it. */
export interface SnapshotInfo {
  snapshot_id: string;
  parent_id: string | null;
  sequence_number: number;
  timestamp_ms: number;
  operation: string;
  summary: Record<string, string>;
  manifest_list: string;
}

/** Converts a metadata.json snapshot to the API's {@link SnapshotInfo}. */
export function snapshotInfo(snapshot: SnapshotJson): SnapshotInfo {
  return {
    snapshot_id: snapshot['snapshot-id'],
    parent_id: snapshot['parent-snapshot-id'] ?? null,
    sequence_number: snapshot['sequence-number'],
    timestamp_ms: snapshot['timestamp-ms'],
    operation: snapshot.summary.operation,
    summary: { ...snapshot.summary },
    manifest_list: snapshot['manifest-list'],
  };
}

/** The current snapshot id, or undefined when the table has none. */
export function currentSnapshotId(metadata: TableMetadata): string | undefined {
  const id = metadata['current-snapshot-id'] ?? metadata.refs?.main?.['snapshot-id'];
  return id === undefined || id === '-1' ? undefined : id;
}

/** The current schema of the metadata. */
export function currentSchema(metadata: TableMetadata): IcebergSchema {
  const schema = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']);
  if (!schema) throw new TypeError(`metadata has no schema ${metadata['current-schema-id']}`);
  return schema;
}

/** The default partition spec of the metadata. */
export function defaultSpec(metadata: TableMetadata): PartitionSpecJson {
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === metadata['default-spec-id']);
  if (!spec) throw new TypeError(`metadata has no partition spec ${metadata['default-spec-id']}`);
  return spec;
}
