import type { Table } from 'apache-arrow';
import { icebergSchemaOf } from '../../schemas/derive-iceberg.js';
import type { TableDef } from '../../schemas/logical-types.js';
import { conformToSchema } from '../columns/conform.js';
import { takeTable } from '../columns/take.js';
import { groupRows } from '../kernels/key-columns.js';
import {
  type PositionDeletes,
  type WriteContext,
  writeDataFiles,
  writePositionDeletes,
} from './data-files.js';
import { CommitConflictError, NoSuchTableError } from './errors.js';
import type { FileIO } from './file-io.js';
import { newUuid } from './ids.js';
import { type DataFileRecord, FileContent } from './manifest.js';
import type { PartitionFieldSchema } from './manifest-schemas.js';
import { type FileHits, matchFile, survivingRows, uniqueSourceKeys } from './merge-plan.js';
import {
  currentSchema,
  currentSnapshotId,
  defaultSpec,
  type SnapshotInfo,
  snapshotInfo,
  type TableMetadata,
} from './metadata.js';
import { parseMetadataJson, stringifyMetadataJson } from './metadata-json.js';
import {
  buildPartitionSpec,
  type PartitionSpecInput,
  type PartitionValues,
  partitionFieldSchemas,
} from './partition-spec.js';
import {
  concatTables,
  deletedMask,
  keptRows,
  readDataFile,
  readDeleteIndex,
  readSnapshot,
  snapshotFiles,
} from './scan.js';
import { tableDefOf } from './schema-def.js';
import { type PendingCommit, produceSnapshot } from './snapshot-producer.js';
import { metadataFile, normalizeLocation, versionHintFile } from './table-paths.js';

export { CommitConflictError, MergeCardinalityError, NoSuchTableError } from './errors.js';
export type { SnapshotInfo, TableMetadata } from './metadata.js';
export type { PartitionSpecInput } from './partition-spec.js';

/** How to create a table. */
export interface CreateTableOptions {
  /** Columns (from `schemas/*.ts`); field ids are assigned as Spark assigns them. */
  def: TableDef;
  /** e.g. gold: `{ column: 'session_date', transform: 'day' }`. */
  partition?: PartitionSpecInput;
  /** Extra table properties, e.g. `write.merge.mode`. */
  properties?: Record<string, string>;
  /** At most this many rows per data file (default 1,000,000). */
  rowsPerFile?: number;
}

/** A live data or delete file of a snapshot. */
export interface DataFileEntry {
  path: string;
  partition: Record<string, number | string | null>;
  recordCount: number;
  sizeBytes: number;
  content: 'data' | 'position-deletes';
}

/** One commit's change: see {@link IcebergTable.commit}. */
export interface TableChange {
  operation: 'append' | 'overwrite' | 'delete' | 'replace';
  /** Rows to write as new data files (partitioned by the spec, ≤ rowsPerFile each). */
  add?: Table;
  /** Data (or delete) file paths to drop (copy-on-write). */
  removeFiles?: readonly string[];
  /** Merge-on-read: rows to delete by position, written as position-delete files. */
  positionDeletes?: ReadonlyArray<PositionDeletes>;
  /** Extra summary entries (e.g. `goldsmith.run-id`), merged with the standard ones. */
  summary?: Record<string, string>;
  /**
   * Serializable isolation: commit only if the table's current snapshot is still this one
   * (`null`: the table has no snapshot), else throw {@link CommitConflictError} with nothing
   * changed. For a writer that computed its change from what it read earlier.
   */
  expectSnapshotId?: string | null;
}

/** Result of {@link IcebergTable.merge}. */
export interface MergeResult {
  snapshot: SnapshotInfo;
  /** Source rows whose key matched no target row. */
  inserted: number;
  /** Target rows replaced by a source row. */
  updated: number;
  /** Target rows removed by `deleteKeys` (and not replaced). */
  deleted: number;
}

const DEFAULT_ROWS_PER_FILE = 1_000_000;
const MAX_COMMIT_ATTEMPTS = 5;
const DEFAULT_PROPERTIES = {
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'snappy',
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function readVersion(
  io: FileIO,
  location: string,
  version: number,
): Promise<TableMetadata | undefined> {
  const path = metadataFile(location, version);
  if (!(await io.exists(path))) return undefined;
  return parseMetadataJson(decoder.decode(await io.read(path))) as TableMetadata;
}

/** The latest `v<N>.metadata.json`: the hint (or a listing) first, then probing N+1, N+2, … */
async function latestVersion(
  io: FileIO,
  location: string,
): Promise<{ metadata: TableMetadata; version: number }> {
  let version = 0;
  const hint = versionHintFile(location);
  if (await io.exists(hint)) version = Number.parseInt(decoder.decode(await io.read(hint)).trim(), 10) || 0;
  if (version === 0 || !(await io.exists(metadataFile(location, version)))) {
    for (const path of await io.list(`${location}/metadata/`)) {
      const match = /\/v(\d+)\.metadata\.json$/.exec(path);
      if (match) version = Math.max(version, Number(match[1]));
    }
  }
  let metadata = version > 0 ? await readVersion(io, location, version) : undefined;
  if (!metadata) throw new NoSuchTableError(location);
  for (;;) {
    const next = await readVersion(io, location, version + 1);
    if (!next) return { metadata, version };
    metadata = next;
    version++;
  }
}

/**
 * An Apache Iceberg format-v2 table in a file-system catalog (`metadata/v<N>.metadata.json`
 * plus `version-hint.text`), read and written without a JVM: snapshots, time travel, rollback,
 * copy-on-write and merge-on-read MERGE, optimistic concurrency by exclusive metadata creation.
 */
export class IcebergTable {
  private state: { metadata: TableMetadata; version: number };
  private readonly rowsPerFile: number;

  private constructor(
    /** Where the table's files are read and written. */
    readonly io: FileIO,
    /** The table location (absolute path or URI), without a trailing slash. */
    readonly location: string,
    state: { metadata: TableMetadata; version: number },
    /** Columns as goldsmith types; read() conforms to it. */
    readonly def: TableDef,
    rowsPerFile: number,
  ) {
    this.state = state;
    this.rowsPerFile = rowsPerFile;
  }

  /** Creates a new, empty table: writes `v1.metadata.json` and `version-hint.text`. */
  static async create(io: FileIO, location: string, options: CreateTableOptions): Promise<IcebergTable> {
    const at = normalizeLocation(location);
    const schema = icebergSchemaOf(options.def);
    const spec = buildPartitionSpec(options.def, options.partition);
    const lastColumnId = Math.max(
      ...schema.fields.map((f) => (typeof f.type === 'string' ? f.id : Math.max(f.id, f.type['element-id']))),
    );
    const metadata: TableMetadata = {
      'format-version': 2,
      'table-uuid': newUuid(),
      location: at,
      'last-sequence-number': 0,
      'last-updated-ms': Date.now(),
      'last-column-id': lastColumnId,
      'current-schema-id': 0,
      schemas: [schema],
      'default-spec-id': 0,
      'partition-specs': [spec],
      'last-partition-id': spec.fields.length > 0 ? Math.max(...spec.fields.map((f) => f['field-id'])) : 999,
      'default-sort-order-id': 0,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
      properties: { ...DEFAULT_PROPERTIES, ...options.properties },
      'current-snapshot-id': '-1',
      refs: {},
      snapshots: [],
      statistics: [],
      'snapshot-log': [],
      'metadata-log': [],
    };
    const created = await io.createExclusive(
      metadataFile(at, 1),
      encoder.encode(stringifyMetadataJson(metadata)),
    );
    if (!created) throw new CommitConflictError(`a table already exists at ${at}; load it instead`);
    await io.write(versionHintFile(at), encoder.encode('1'));
    return new IcebergTable(
      io,
      at,
      { metadata, version: 1 },
      options.def,
      options.rowsPerFile ?? DEFAULT_ROWS_PER_FILE,
    );
  }

  /**
   * Loads the latest version (version hint, then probing v(N+1)… so a stale hint is fine).
   * Without `def`, the columns are derived from the Iceberg schema. Throws {@link NoSuchTableError}.
   */
  static async load(
    io: FileIO,
    location: string,
    options: { def?: TableDef; rowsPerFile?: number } = {},
  ): Promise<IcebergTable> {
    const at = normalizeLocation(location);
    const state = await latestVersion(io, at);
    const def = options.def ?? tableDefOf(at.slice(at.lastIndexOf('/') + 1), currentSchema(state.metadata));
    return new IcebergTable(io, at, state, def, options.rowsPerFile ?? DEFAULT_ROWS_PER_FILE);
  }

  /** The parsed metadata.json of the loaded version (snapshot ids as decimal strings). */
  get metadata(): TableMetadata {
    return this.state.metadata;
  }

  /** The metadata version N this instance is at. */
  get version(): number {
    return this.state.version;
  }

  /** Re-reads the latest metadata version. */
  async refresh(): Promise<void> {
    this.state = await latestVersion(this.io, this.location);
  }

  /** The current snapshot, or undefined for a table without one. */
  currentSnapshot(): SnapshotInfo | undefined {
    const id = currentSnapshotId(this.metadata);
    const snapshot = this.metadata.snapshots.find((s) => s['snapshot-id'] === id);
    return snapshot ? snapshotInfo(snapshot) : undefined;
  }

  /** Every snapshot in the metadata, oldest first. */
  snapshots(): SnapshotInfo[] {
    return [...this.metadata.snapshots]
      .sort((a, b) => a['sequence-number'] - b['sequence-number'] || a['timestamp-ms'] - b['timestamp-ms'])
      .map(snapshotInfo);
  }

  /** The current (or given) snapshot and its parents, newest first. */
  ancestors(snapshotId?: string): SnapshotInfo[] {
    const byId = new Map(this.metadata.snapshots.map((s) => [s['snapshot-id'], s]));
    const out: SnapshotInfo[] = [];
    let id: string | undefined = snapshotId ?? currentSnapshotId(this.metadata);
    while (id !== undefined) {
      const snapshot = byId.get(id);
      if (!snapshot) break;
      out.push(snapshotInfo(snapshot));
      id = snapshot['parent-snapshot-id'];
    }
    return out;
  }

  /** The latest snapshot in the snapshot log at or before the time. */
  snapshotAsOf(timestampMs: number): SnapshotInfo | undefined {
    let found: string | undefined;
    for (const entry of this.metadata['snapshot-log'])
      if (entry['timestamp-ms'] <= timestampMs) found = entry['snapshot-id'];
    const snapshot = this.metadata.snapshots.find((s) => s['snapshot-id'] === found);
    return snapshot ? snapshotInfo(snapshot) : undefined;
  }

  private manifestListOf(snapshotId: string | undefined): string | undefined {
    const id = snapshotId ?? currentSnapshotId(this.metadata);
    if (id === undefined) return undefined;
    const snapshot = this.metadata.snapshots.find((s) => s['snapshot-id'] === id);
    if (!snapshot) throw new TypeError(`table ${this.location} has no snapshot ${id}`);
    return snapshot['manifest-list'];
  }

  /** Live data and delete files of the current (or given) snapshot. */
  async files(snapshotId?: string): Promise<DataFileEntry[]> {
    const files = await snapshotFiles(this.io, this.manifestListOf(snapshotId));
    return [...files.data, ...files.deletes].map((e) => ({
      path: e.data_file.file_path,
      partition: { ...e.data_file.partition },
      recordCount: Number(e.data_file.record_count),
      sizeBytes: Number(e.data_file.file_size_in_bytes),
      content: e.data_file.content === FileContent.DATA ? 'data' : 'position-deletes',
    }));
  }

  /** All live rows of the current (or given) snapshot, position deletes applied; empty without a snapshot. */
  async read(options: { snapshotId?: string } = {}): Promise<Table> {
    const files = await snapshotFiles(this.io, this.manifestListOf(options.snapshotId));
    return readSnapshot(this.io, files, this.def);
  }

  private context(): WriteContext & { partitionFields: readonly PartitionFieldSchema[] } {
    const schema = currentSchema(this.metadata);
    const spec = defaultSpec(this.metadata);
    return {
      location: this.location,
      def: this.def,
      schema,
      spec,
      properties: this.metadata.properties,
      rowsPerFile: this.rowsPerFile,
      partitionFields: partitionFieldSchemas(spec, schema),
    };
  }

  /**
   * One atomic commit = one new snapshot. Data and delete files are written first, then the
   * manifests and manifest list, then `v<N+1>.metadata.json` is created exclusively. When another
   * writer won that version, the change is re-based on the new current snapshot and retried
   * (up to 5 times) — unless a file it removes (or deletes rows of) is gone, which throws
   * {@link CommitConflictError} with nothing changed.
   */
  async commit(change: TableChange): Promise<SnapshotInfo> {
    return this.commitPending(change, false);
  }

  private checkExpected(expected: string | null | undefined): void {
    if (expected === undefined) return;
    const current = currentSnapshotId(this.metadata) ?? null;
    if (current !== expected)
      throw new CommitConflictError(
        `${this.location} changed since it was read (current snapshot ${current ?? 'none'}, expected ${expected ?? 'none'}): another writer committed first`,
      );
  }

  private async commitPending(change: TableChange, removeAllLive: boolean): Promise<SnapshotInfo> {
    const context = this.context();
    const addedData = change.add
      ? await writeDataFiles(this.io, context, conformToSchema(change.add, this.def))
      : [];
    let addedDeletes: Awaited<ReturnType<typeof writePositionDeletes>> = [];
    const requireLive = new Set<string>();
    if (change.positionDeletes && change.positionDeletes.length > 0) {
      const files = await snapshotFiles(this.io, this.manifestListOf(undefined));
      const partitions = new Map<string, PartitionValues>(
        files.data.map((e) => [e.data_file.file_path, e.data_file.partition]),
      );
      for (const d of change.positionDeletes) if (d.positions.length > 0) requireLive.add(d.file);
      addedDeletes = await writePositionDeletes(this.io, context, change.positionDeletes, (f) =>
        partitions.get(f),
      );
    }
    const pending: PendingCommit = {
      operation: change.operation,
      addedData,
      addedDeletes,
      removePaths: new Set(change.removeFiles ?? []),
      removeAllLive,
      requireLive,
      summary: change.summary ?? {},
    };
    return this.publish(pending, change.expectSnapshotId);
  }

  /**
   * Writes `rows` as new data files of this table without committing them, for
   * {@link commitFiles}: several tables' files can then be written side by side and committed one
   * after another. Files a commit never references are orphans, invisible to readers.
   */
  async writeFiles(rows: Table): Promise<DataFileRecord[]> {
    return writeDataFiles(this.io, this.context(), conformToSchema(rows, this.def));
  }

  /**
   * Commits data and position-delete files written elsewhere (e.g. by the items of a Step
   * Functions Distributed Map, each with `writeDataFiles` / `writePositionDeletes`) as one
   * snapshot, through the same manifest and exclusive-metadata path as {@link commit}.
   * `requireLive` names the data files the delete files target: the commit fails if one is no
   * longer live; with `expectSnapshotId`, so does any other writer's commit since (the files were
   * computed from that snapshot).
   */
  async commitFiles(change: {
    operation: TableChange['operation'];
    dataFiles: readonly DataFileRecord[];
    deleteFiles?: readonly DataFileRecord[];
    requireLive?: readonly string[];
    summary?: Record<string, string>;
    expectSnapshotId?: string | null;
  }): Promise<SnapshotInfo> {
    return this.publish(
      {
        operation: change.operation,
        addedData: change.dataFiles,
        addedDeletes: change.deleteFiles ?? [],
        removePaths: new Set(),
        removeAllLive: false,
        requireLive: new Set(change.requireLive ?? []),
        summary: change.summary ?? {},
      },
      change.expectSnapshotId,
    );
  }

  /** Publishes a commit whose files are written: manifests, manifest list, `v<N+1>.metadata.json`. */
  private async publish(
    pending: PendingCommit,
    expectSnapshotId: string | null | undefined,
  ): Promise<SnapshotInfo> {
    const context = this.context();
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      this.checkExpected(expectSnapshotId);
      const { metadata, snapshot } = await produceSnapshot(this.io, context, this.state, pending, attempt);
      const version = this.state.version + 1;
      const bytes = encoder.encode(stringifyMetadataJson(metadata));
      if (await this.io.createExclusive(metadataFile(this.location, version), bytes)) {
        this.state = { metadata, version };
        // Best effort: readers probe past a stale hint.
        await this.io
          .write(versionHintFile(this.location), encoder.encode(String(version)))
          .catch(() => undefined);
        return snapshotInfo(snapshot);
      }
      await this.refresh();
    }
    throw new CommitConflictError(
      `gave up committing to ${this.location} after ${MAX_COMMIT_ATTEMPTS} attempts: other writers keep committing first`,
    );
  }

  /**
   * MERGE INTO on key columns: target rows whose key equals a source key (or a `deleteKeys` key)
   * are removed, source rows inserted. Keys compare null-safely, byte-wise on UTF-8 and exactly
   * on numbers. Source keys must be unique, else {@link MergeCardinalityError}. `mode` defaults to
   * the table property `write.merge.mode` (default `copy-on-write`): copy-on-write rewrites only
   * the data files holding matched rows; merge-on-read writes position-delete files instead.
   */
  async merge(
    source: Table,
    options: {
      on: readonly string[];
      deleteKeys?: Table;
      mode?: 'copy-on-write' | 'merge-on-read';
      summary?: Record<string, string>;
      /** See {@link TableChange.expectSnapshotId}. */
      expectSnapshotId?: string | null;
    },
  ): Promise<MergeResult> {
    this.checkExpected(options.expectSnapshotId);
    // A MERGE is computed from the snapshot it reads, so it commits only on top of that snapshot:
    // otherwise a concurrent writer's rows with the same keys could survive beside ours.
    const expectSnapshotId = currentSnapshotId(this.metadata) ?? null;
    const rows = conformToSchema(source, this.def);
    const sourceKeys = uniqueSourceKeys(rows, options.on);
    const deleteKeys =
      options.deleteKeys && options.deleteKeys.numRows > 0
        ? groupRows(options.deleteKeys, options.on) // may repeat: deleting twice is deleting once
        : undefined;
    const mode =
      options.mode ??
      (this.metadata.properties['write.merge.mode'] as typeof options.mode) ??
      'copy-on-write';
    const files = await snapshotFiles(this.io, this.manifestListOf(undefined));
    const { index, targets } = await readDeleteIndex(this.io, files.deletes);
    const sourceHit = new Uint8Array(sourceKeys.count);
    const hits: FileHits[] = [];
    let updated = 0;
    let deleted = 0;
    const matched = await Promise.all(
      files.data.map(async (entry) => {
        const table = await readDataFile(this.io, entry, this.def);
        return { entry, table, mask: deletedMask(entry, index) };
      }),
    );
    for (const { entry, table, mask } of matched) {
      const result = matchFile(entry, table, mask, options.on, sourceKeys, deleteKeys, sourceHit);
      updated += result.updated;
      deleted += result.deletedCount;
      if (result.hits) hits.push(result.hits);
    }
    let inserted = 0;
    for (let g = 0; g < sourceHit.length; g++) if (!sourceHit[g]) inserted++;
    const summary = { ...options.summary };
    const operation = hits.length === 0 ? 'append' : rows.numRows === 0 ? 'delete' : 'overwrite';
    let snapshot: SnapshotInfo;
    if (mode === 'merge-on-read') {
      snapshot = await this.commit({
        operation,
        add: rows,
        positionDeletes: hits.map((h) => ({ file: h.entry.data_file.file_path, positions: h.positions })),
        summary,
        expectSnapshotId,
      });
    } else {
      const removed = new Set(hits.map((h) => h.entry.data_file.file_path));
      // Delete files that only reference rewritten data files are obsolete with them.
      const obsolete = [...targets]
        .filter(([, refs]) => [...refs].every((r) => removed.has(r)))
        .map(([path]) => path);
      snapshot = await this.commit({
        operation,
        add: concatTables([...hits.map(survivingRows), rows], this.def),
        removeFiles: [...removed, ...obsolete],
        summary,
        expectSnapshotId,
      });
    }
    return { snapshot, inserted, updated, deleted };
  }

  /** Replaces all rows: operation `overwrite`, every live file removed. */
  async overwrite(
    rows: Table,
    summary?: Record<string, string>,
    options: { expectSnapshotId?: string | null } = {},
  ): Promise<SnapshotInfo> {
    return this.commitPending(
      { operation: 'overwrite', add: rows, ...(summary ? { summary } : {}), ...options },
      true,
    );
  }

  /** Writes a new metadata version whose current snapshot is `snapshotId` (a past snapshot; no data moves). */
  async rollback(snapshotId: string): Promise<void> {
    for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
      const base = this.state;
      if (!base.metadata.snapshots.some((s) => s['snapshot-id'] === snapshotId))
        throw new TypeError(`table ${this.location} has no snapshot ${snapshotId}`);
      const now = Math.max(Date.now(), base.metadata['last-updated-ms']);
      const metadata: TableMetadata = {
        ...base.metadata,
        'last-updated-ms': now,
        'current-snapshot-id': snapshotId,
        refs: { ...base.metadata.refs, main: { 'snapshot-id': snapshotId, type: 'branch' } },
        'snapshot-log': [
          ...base.metadata['snapshot-log'],
          { 'timestamp-ms': now, 'snapshot-id': snapshotId },
        ],
        'metadata-log': [
          ...base.metadata['metadata-log'],
          {
            'timestamp-ms': base.metadata['last-updated-ms'],
            'metadata-file': metadataFile(this.location, base.version),
          },
        ],
      };
      const version = base.version + 1;
      if (
        await this.io.createExclusive(
          metadataFile(this.location, version),
          encoder.encode(stringifyMetadataJson(metadata)),
        )
      ) {
        this.state = { metadata, version };
        await this.io
          .write(versionHintFile(this.location), encoder.encode(String(version)))
          .catch(() => undefined);
        return;
      }
      await this.refresh();
    }
    throw new CommitConflictError(
      `gave up rolling back ${this.location}: other writers keep committing first`,
    );
  }

  /**
   * Folds delete files back: rewrites the data files that have deletes and drops every delete
   * file (operation `replace`). Undefined when there is no delete file.
   */
  async compact(summary?: Record<string, string>): Promise<SnapshotInfo | undefined> {
    const files = await snapshotFiles(this.io, this.manifestListOf(undefined));
    if (files.deletes.length === 0) return undefined;
    const { index } = await readDeleteIndex(this.io, files.deletes);
    const rewritten: string[] = [];
    const survivors: Table[] = [];
    for (const entry of files.data) {
      const mask = deletedMask(entry, index);
      if (!mask) continue;
      const table = await readDataFile(this.io, entry, this.def);
      survivors.push(takeTable(table, keptRows(mask)));
      rewritten.push(entry.data_file.file_path);
    }
    return this.commit({
      operation: 'replace',
      add: concatTables(survivors, this.def),
      removeFiles: [...rewritten, ...files.deletes.map((e) => e.data_file.file_path)],
      ...(summary ? { summary } : {}),
    });
  }
}
