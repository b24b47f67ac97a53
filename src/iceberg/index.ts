/**
 * Apache Iceberg format-v2 tables without a JVM: metadata.json, Avro manifests and Parquet data
 * files in a file-system catalog, readable by Spark, Trino, DuckDB and icebird.
 */
export {
  CommitConflictError,
  MergeCardinalityError,
  NoSuchTableError,
  UnsafeLocationError,
} from './errors.js';
export { type FileIO, localFileIO, mappedFileIO } from './file-io.js';
export {
  type ExpireSnapshotsOptions,
  type ExpireSnapshotsResult,
  expireSnapshots,
  type RemoveOrphansOptions,
  type RemoveOrphansResult,
  removeOrphans,
} from './maintenance.js';
export type { SnapshotInfo, TableMetadata } from './metadata.js';
export type { PartitionSpecInput } from './partition-spec.js';
export {
  type CreateTableOptions,
  type DataFileEntry,
  IcebergTable,
  type MergeResult,
  type TableChange,
} from './table.js';
