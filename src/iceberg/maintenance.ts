/**
 * Table maintenance: expire old snapshots and delete the files only they reached, and remove
 * orphan files (written by runs that died before committing) that no metadata references.
 * Iceberg's `expire_snapshots` and `remove_orphan_files` procedures, over any {@link FileIO}.
 *
 * @module
 */

import { CommitConflictError } from './errors.js';
import type { FileIO } from './file-io.js';
import { readManifest, readManifestList } from './manifest.js';
import { currentSnapshotId, type SnapshotJson, type TableMetadata } from './metadata.js';
import { parseMetadataJson, stringifyMetadataJson } from './metadata-json.js';
import type { IcebergTable } from './table.js';
import { metadataFile, versionHintFile } from './table-paths.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MAX_COMMIT_ATTEMPTS = 5;
const METADATA_FILE = /\/v(\d+)\.metadata\.json$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Options of {@link expireSnapshots}. */
export interface ExpireSnapshotsOptions {
  /** Snapshots older than this (ms before `nowMs`) may expire. Default 7 days. */
  readonly olderThanMs?: number;
  /** The newest N snapshots are kept whatever their age (the current one always is). Default 1. */
  readonly retainLast?: number;
  /** Clock, epoch ms. Default `Date.now()`. */
  readonly nowMs?: number;
  /** Report what would expire and be deleted without changing anything. Default false. */
  readonly dryRun?: boolean;
}

/** What {@link expireSnapshots} did. */
export interface ExpireSnapshotsResult {
  /** Ids of the snapshots removed from the metadata. */
  readonly expired: readonly string[];
  /** Files deleted (or, with `dryRun`, that would be): reachable only from expired snapshots. */
  readonly deleted: readonly string[];
  /** The new metadata version, undefined when nothing expired (or `dryRun`). */
  readonly version: number | undefined;
}

/** Options of {@link removeOrphans}. */
export interface RemoveOrphansOptions {
  /**
   * Only files last modified more than this long before `nowMs` are candidates, so the files of a
   * writer still in flight (written, not yet committed) survive. Default 1 hour.
   */
  readonly olderThanMs?: number;
  /** Clock, epoch ms. Default `Date.now()`. */
  readonly nowMs?: number;
  /** List the orphans without deleting them. Default false. */
  readonly dryRun?: boolean;
}

/** What {@link removeOrphans} found (and, without `dryRun`, deleted). */
export interface RemoveOrphansResult {
  readonly orphans: readonly string[];
  /** Files under the table location that some metadata references (kept). */
  readonly referenced: number;
}

/** The files one snapshot reaches: its manifest list, manifests, and every file they name. */
async function snapshotReach(io: FileIO, snapshot: SnapshotJson, into: Set<string>): Promise<void> {
  const list = snapshot['manifest-list'];
  into.add(list);
  // An expired snapshot's manifest list may be gone already: then it protects nothing.
  if (!(await io.exists(list))) return;
  for (const manifest of await readManifestList(io, list)) {
    into.add(manifest.manifest_path);
    if (!(await io.exists(manifest.manifest_path))) continue; // an expiry interrupted half-way
    // Every entry, DELETED ones included (conservative: a file a manifest names is kept).
    for (const entry of await readManifest(io, manifest)) into.add(entry.data_file.file_path);
  }
}

/** Every file the snapshots reach (each manifest list read once). */
async function reachOf(io: FileIO, snapshots: Iterable<SnapshotJson>): Promise<Set<string>> {
  const out = new Set<string>();
  const seen = new Set<string>();
  for (const snapshot of snapshots) {
    if (seen.has(snapshot['manifest-list'])) continue;
    seen.add(snapshot['manifest-list']);
    await snapshotReach(io, snapshot, out);
  }
  return out;
}

/** Which snapshots {@link expireSnapshots} keeps: current, referenced, young, or among the newest N. */
function retainedIds(metadata: TableMetadata, cutoffMs: number, retainLast: number): Set<string> {
  const keep = new Set<string>();
  const current = currentSnapshotId(metadata);
  if (current !== undefined) keep.add(current);
  for (const ref of Object.values(metadata.refs ?? {})) keep.add(ref['snapshot-id']);
  const newestFirst = [...metadata.snapshots].sort(
    (a, b) => b['sequence-number'] - a['sequence-number'] || b['timestamp-ms'] - a['timestamp-ms'],
  );
  newestFirst.forEach((s, i) => {
    if (i < retainLast || s['timestamp-ms'] >= cutoffMs) keep.add(s['snapshot-id']);
  });
  return keep;
}

function checkAge(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative number of ms, got ${value}`);
}

/**
 * Expires snapshots older than `olderThanMs`, except the newest `retainLast`, the current one and
 * any a branch or tag points at: commits a new metadata version without them (and without their
 * snapshot-log entries), then deletes the manifest lists, manifests and data/delete files that no
 * retained snapshot reaches. Time travel to an expired snapshot is no longer possible.
 *
 * Safe with concurrent writers: the metadata commit is exclusive (retried on a race), and files
 * are kept when any snapshot of the latest metadata reaches them.
 *
 * @example
 * ```ts
 * const table = await IcebergTable.load(localFileIO(), '/wh/gold/user_session_analysis');
 * const { expired, deleted } = await expireSnapshots(table, { olderThanMs: 7 * 86_400_000, retainLast: 5 });
 * ```
 */
export async function expireSnapshots(
  table: IcebergTable,
  options: ExpireSnapshotsOptions = {},
): Promise<ExpireSnapshotsResult> {
  const olderThanMs = options.olderThanMs ?? 7 * DAY_MS;
  const retainLast = options.retainLast ?? 1;
  checkAge('olderThanMs', olderThanMs);
  if (!Number.isInteger(retainLast) || retainLast < 1)
    throw new RangeError(`retainLast must be a positive integer, got ${retainLast}`);
  const io = table.io;
  const cutoffMs = (options.nowMs ?? Date.now()) - olderThanMs;

  for (let attempt = 1; attempt <= MAX_COMMIT_ATTEMPTS; attempt++) {
    await table.refresh();
    const base = table.metadata;
    const keep = retainedIds(base, cutoffMs, retainLast);
    const expiredSnapshots = base.snapshots.filter((s) => !keep.has(s['snapshot-id']));
    const expired = expiredSnapshots.map((s) => s['snapshot-id']);
    if (expired.length === 0) return { expired, deleted: [], version: undefined };
    const retained = base.snapshots.filter((s) => keep.has(s['snapshot-id']));
    if (options.dryRun) {
      const reach = await reachOf(io, retained);
      const doomed = [...(await reachOf(io, expiredSnapshots))].filter((f) => !reach.has(f));
      return { expired, deleted: doomed.sort(), version: undefined };
    }
    const now = Math.max(Date.now(), base['last-updated-ms']);
    const metadata: TableMetadata = {
      ...base,
      'last-updated-ms': now,
      snapshots: retained,
      'snapshot-log': base['snapshot-log'].filter((e) => keep.has(e['snapshot-id'])),
      'metadata-log': [
        ...base['metadata-log'],
        {
          'timestamp-ms': base['last-updated-ms'],
          'metadata-file': metadataFile(table.location, table.version),
        },
      ],
    };
    const version = table.version + 1;
    const bytes = encoder.encode(stringifyMetadataJson(metadata));
    if (!(await io.createExclusive(metadataFile(table.location, version), bytes))) continue;
    await io.write(versionHintFile(table.location), encoder.encode(String(version))).catch(() => undefined);
    await table.refresh();
    // Whatever any snapshot of the latest metadata reaches stays, concurrent commits included.
    const reach = await reachOf(io, table.metadata.snapshots);
    const doomed = [...(await reachOf(io, expiredSnapshots))].filter((f) => !reach.has(f)).sort();
    // Manifest lists first, then manifests, then data files: if this dies half-way, a surviving
    // manifest list still finds its manifests, and what is left is plain orphans.
    const lists = new Set(expiredSnapshots.map((s) => s['manifest-list']));
    const rank = (f: string) => (lists.has(f) ? 0 : f.endsWith('.avro') ? 1 : 2);
    const ordered = [...doomed].sort((a, b) => rank(a) - rank(b));
    for (const file of ordered) await io.remove(file);
    return { expired, deleted: doomed, version };
  }
  throw new CommitConflictError(
    `gave up expiring snapshots of ${table.location}: other writers keep committing first`,
  );
}

/**
 * Deletes the files under the table location that nothing references: not a `v<N>.metadata.json`
 * or the version hint, and reached by no snapshot of the latest metadata version (every retained
 * snapshot) — typically data files, manifests and temp files of runs killed before their commit,
 * and the leftovers of an expiry that died before its deletes finished.
 * Only files older than `olderThanMs` (default 1 hour) are touched, so a writer in flight keeps
 * its not-yet-committed files. Needs a {@link FileIO} with `lastModified`.
 *
 * @example
 * ```ts
 * const { orphans } = await removeOrphans(table, { olderThanMs: 3_600_000, dryRun: true });
 * ```
 */
export async function removeOrphans(
  table: IcebergTable,
  options: RemoveOrphansOptions = {},
): Promise<RemoveOrphansResult> {
  const olderThanMs = options.olderThanMs ?? HOUR_MS;
  checkAge('olderThanMs', olderThanMs);
  const io = table.io;
  if (!io.lastModified) {
    throw new TypeError(
      `removeOrphans(${table.location}): this FileIO cannot tell file ages (no lastModified), so it cannot spare in-flight writers' files`,
    );
  }
  const cutoffMs = (options.nowMs ?? Date.now()) - olderThanMs;
  // List the candidates first, then the metadata versions: a commit that lands in between is in
  // the second listing, so the files it references are protected.
  const files = await io.list(`${table.location}/`);
  const referenced = new Set<string>([versionHintFile(table.location)]);
  let latest: { version: number; file: string } | undefined;
  for (const file of await io.list(`${table.location}/metadata/`)) {
    const match = METADATA_FILE.exec(file);
    if (!match) continue;
    referenced.add(file); // metadata versions themselves are never orphans
    const version = Number(match[1]);
    if (!latest || version > latest.version) latest = { version, file };
  }
  if (latest) {
    // The retained snapshots are the latest version's (only expiry drops snapshots from the list;
    // rollback keeps them): what only expired snapshots reached is an orphan too, e.g. after an
    // expiry that died before its deletes finished.
    const metadata = parseMetadataJson(decoder.decode(await io.read(latest.file))) as TableMetadata;
    for (const file of await reachOf(io, metadata.snapshots)) referenced.add(file);
  }

  const orphans: string[] = [];
  for (const file of files) {
    if (referenced.has(file)) continue;
    const modified = await io.lastModified(file);
    if (modified !== undefined && modified < cutoffMs) orphans.push(file);
  }
  if (!options.dryRun) for (const file of orphans) await io.remove(file);
  return { orphans, referenced: files.filter((f) => referenced.has(f)).length };
}
