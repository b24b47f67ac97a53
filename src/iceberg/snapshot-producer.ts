import type { IcebergSchema } from '../../schemas/derive-iceberg.js';
import { CommitConflictError } from './errors.js';
import type { FileIO } from './file-io.js';
import { newSnapshotId, newUuid } from './ids.js';
import {
  type DataFileRecord,
  EntryStatus,
  FileContent,
  type ManifestEntry,
  type ManifestFile,
  writeManifest,
  writeManifestList,
} from './manifest.js';
import type { PartitionFieldSchema } from './manifest-schemas.js';
import {
  currentSnapshotId,
  type PartitionSpecJson,
  type SnapshotJson,
  type TableMetadata,
} from './metadata.js';
import { partitionValueBytes } from './partition-spec.js';
import { snapshotFiles } from './scan.js';
import { snapshotSummary } from './snapshot-summary.js';
import { metadataFile } from './table-paths.js';

/** A change whose data and delete files are already written; only metadata is left to produce. */
export interface PendingCommit {
  readonly operation: string;
  readonly addedData: readonly DataFileRecord[];
  readonly addedDeletes: readonly DataFileRecord[];
  /** Paths of live data or delete files to drop. */
  readonly removePaths: ReadonlySet<string>;
  /** Drop every live file of the base (recomputed on each attempt: a true replace-all). */
  readonly removeAllLive: boolean;
  /** Data files that must still be live (the targets of new position deletes). */
  readonly requireLive: ReadonlySet<string>;
  readonly summary: Readonly<Record<string, string>>;
}

/** What writing manifests needs to know about the table. */
export interface ProducerContext {
  readonly location: string;
  readonly schema: IcebergSchema;
  readonly spec: PartitionSpecJson;
  readonly partitionFields: readonly PartitionFieldSchema[];
}

function partitionSummaries(entries: readonly ManifestEntry[], fields: readonly PartitionFieldSchema[]) {
  return fields.map((field) => {
    let containsNull = false;
    let lower: number | string | undefined;
    let upper: number | string | undefined;
    for (const entry of entries) {
      const value = entry.data_file.partition[field.name];
      if (value === null || value === undefined) {
        containsNull = true;
        continue;
      }
      if (lower === undefined || value < lower) lower = value;
      if (upper === undefined || value > upper) upper = value;
    }
    return {
      contains_null: containsNull,
      contains_nan: false,
      lower_bound: lower === undefined ? null : partitionValueBytes(lower),
      upper_bound: upper === undefined ? null : partitionValueBytes(upper),
    };
  });
}

async function writeManifestFile(
  io: FileIO,
  context: ProducerContext,
  path: string,
  entries: readonly ManifestEntry[],
  content: 0 | 1,
  snapshotId: bigint,
  sequence: bigint,
): Promise<ManifestFile> {
  const length = await writeManifest(io, path, {
    schema: context.schema,
    spec: context.spec,
    partitionFields: context.partitionFields,
    content: content === 0 ? 'data' : 'deletes',
    entries,
  });
  const count = (status: number) => entries.filter((e) => e.status === status);
  const rows = (list: readonly ManifestEntry[]) => list.reduce((n, e) => n + e.data_file.record_count, 0n);
  let minSequence = sequence;
  for (const e of entries)
    if (e.status !== EntryStatus.DELETED && e.sequence_number < minSequence) minSequence = e.sequence_number;
  return {
    manifest_path: path,
    manifest_length: BigInt(length),
    partition_spec_id: context.spec['spec-id'],
    content,
    sequence_number: sequence,
    min_sequence_number: minSequence,
    added_snapshot_id: snapshotId,
    added_data_files_count: count(EntryStatus.ADDED).length,
    existing_data_files_count: count(EntryStatus.EXISTING).length,
    deleted_data_files_count: count(EntryStatus.DELETED).length,
    added_rows_count: rows(count(EntryStatus.ADDED)),
    existing_rows_count: rows(count(EntryStatus.EXISTING)),
    deleted_rows_count: rows(count(EntryStatus.DELETED)),
    partitions: partitionSummaries(entries, context.partitionFields),
  };
}

function conflict(path: string, attempt: number, why: string): Error {
  return attempt === 1
    ? new TypeError(`${path} is not a live ${why} of the current snapshot`)
    : new CommitConflictError(
        `another writer committed first and removed ${path}, which this commit ${why === 'file' ? 'removes' : 'deletes rows of'}; nothing was committed — reload the table and redo the change`,
      );
}

/**
 * Writes the manifests and manifest list of one commit attempt on top of `base` and returns
 * the metadata to publish. Manifests without removed files are reused as they are; manifests
 * holding removed files are rewritten with those entries DELETED and the rest EXISTING.
 * Throws {@link CommitConflictError} (attempt > 1) when a file to remove is no longer live.
 */
export async function produceSnapshot(
  io: FileIO,
  context: ProducerContext,
  base: { metadata: TableMetadata; version: number },
  pending: PendingCommit,
  attempt: number,
): Promise<{ metadata: TableMetadata; snapshot: SnapshotJson }> {
  const { metadata } = base;
  const parentId = currentSnapshotId(metadata);
  const parent = metadata.snapshots.find((s) => s['snapshot-id'] === parentId);
  const files = await snapshotFiles(io, parent?.['manifest-list']);
  const live = new Map<string, ManifestEntry>();
  for (const entry of [...files.data, ...files.deletes]) live.set(entry.data_file.file_path, entry);
  const removes = pending.removeAllLive ? new Set(live.keys()) : pending.removePaths;
  for (const path of removes) if (!live.has(path)) throw conflict(path, attempt, 'file');
  for (const path of pending.requireLive)
    if (live.get(path)?.data_file.content !== FileContent.DATA) throw conflict(path, attempt, 'data file');

  const sequenceNumber = metadata['last-sequence-number'] + 1;
  const snapshotId = newSnapshotId();
  const sid = BigInt(snapshotId);
  const seq = BigInt(sequenceNumber);
  const commitUuid = newUuid();
  let manifestCount = 0;
  const nextManifest = () => `${context.location}/metadata/${commitUuid}-m${manifestCount++}.avro`;
  const added = (file: DataFileRecord): ManifestEntry => ({
    status: EntryStatus.ADDED,
    snapshot_id: sid,
    sequence_number: seq,
    file_sequence_number: seq,
    data_file: file,
  });

  const manifests: ManifestFile[] = [];
  if (pending.addedData.length > 0)
    manifests.push(
      await writeManifestFile(io, context, nextManifest(), pending.addedData.map(added), 0, sid, seq),
    );
  if (pending.addedDeletes.length > 0)
    manifests.push(
      await writeManifestFile(io, context, nextManifest(), pending.addedDeletes.map(added), 1, sid, seq),
    );
  for (let i = 0; i < files.manifests.length; i++) {
    const manifest = files.manifests[i]!;
    const entries = files.entries[i]!.filter((e) => e.status !== EntryStatus.DELETED);
    if (entries.length === 0) continue;
    if (!entries.some((e) => removes.has(e.data_file.file_path))) {
      manifests.push(manifest);
      continue;
    }
    const rewritten = entries.map(
      (e): ManifestEntry =>
        removes.has(e.data_file.file_path)
          ? { ...e, status: EntryStatus.DELETED, snapshot_id: sid }
          : { ...e, status: EntryStatus.EXISTING },
    );
    manifests.push(
      await writeManifestFile(
        io,
        context,
        nextManifest(),
        rewritten,
        manifest.content === 1 ? 1 : 0,
        sid,
        seq,
      ),
    );
  }

  const manifestList = `${context.location}/metadata/snap-${snapshotId}-${attempt}-${commitUuid}.avro`;
  await writeManifestList(io, manifestList, {
    snapshotId,
    parentId: parentId ?? null,
    sequenceNumber,
    manifests,
  });

  const addedFiles = [...pending.addedData, ...pending.addedDeletes];
  const liveAfter = [
    ...[...live.values()].filter((e) => !removes.has(e.data_file.file_path)).map((e) => e.data_file),
    ...addedFiles,
  ];
  const now = Math.max(Date.now(), metadata['last-updated-ms']);
  const snapshot: SnapshotJson = {
    'sequence-number': sequenceNumber,
    'snapshot-id': snapshotId,
    ...(parentId ? { 'parent-snapshot-id': parentId } : {}),
    'timestamp-ms': now,
    summary: {
      operation: pending.operation,
      ...pending.summary,
      ...snapshotSummary({
        added: addedFiles,
        removed: [...removes].map((p) => live.get(p)!),
        live: liveAfter,
      }),
    },
    'manifest-list': manifestList,
    'schema-id': metadata['current-schema-id'],
  };
  return {
    snapshot,
    metadata: {
      ...metadata,
      'last-sequence-number': sequenceNumber,
      'last-updated-ms': now,
      'current-snapshot-id': snapshotId,
      refs: { ...metadata.refs, main: { 'snapshot-id': snapshotId, type: 'branch' } },
      snapshots: [...metadata.snapshots, snapshot],
      'snapshot-log': [...metadata['snapshot-log'], { 'timestamp-ms': now, 'snapshot-id': snapshotId }],
      'metadata-log': [
        ...metadata['metadata-log'],
        {
          'timestamp-ms': metadata['last-updated-ms'],
          'metadata-file': metadataFile(context.location, base.version),
        },
      ],
    },
  };
}
