import type { DataFileRecord } from './manifest.js';
import { FileContent, type ManifestEntry } from './manifest.js';

function sum(files: readonly DataFileRecord[], pick: (f: DataFileRecord) => bigint): bigint {
  let total = 0n;
  for (const f of files) total += pick(f);
  return total;
}

const records = (f: DataFileRecord) => f.record_count;
const size = (f: DataFileRecord) => f.file_size_in_bytes;

/**
 * The standard snapshot summary counters (as Iceberg's SnapshotSummary writes them) of a commit
 * that adds and removes these files, with totals over the resulting live files.
 */
export function snapshotSummary(change: {
  added: readonly DataFileRecord[];
  removed: readonly ManifestEntry[];
  live: readonly DataFileRecord[];
}): Record<string, string> {
  const removed = change.removed.map((e) => e.data_file);
  const isData = (f: DataFileRecord) => f.content === FileContent.DATA;
  const isPos = (f: DataFileRecord) => f.content === FileContent.POSITION_DELETES;
  const isEq = (f: DataFileRecord) => f.content === FileContent.EQUALITY_DELETES;
  const addedData = change.added.filter(isData);
  const addedDeletes = change.added.filter((f) => !isData(f));
  const removedData = removed.filter(isData);
  const removedDeletes = removed.filter((f) => !isData(f));
  const partitions = new Set([...change.added, ...removed].map((f) => JSON.stringify(f.partition)));
  const liveData = change.live.filter(isData);
  return {
    'added-data-files': String(addedData.length),
    'deleted-data-files': String(removedData.length),
    'added-records': String(sum(addedData, records)),
    'deleted-records': String(sum(removedData, records)),
    'added-delete-files': String(addedDeletes.length),
    'removed-delete-files': String(removedDeletes.length),
    'added-position-deletes': String(sum(addedDeletes.filter(isPos), records)),
    'removed-position-deletes': String(sum(removedDeletes.filter(isPos), records)),
    'added-files-size': String(sum(change.added, size)),
    'removed-files-size': String(sum(removed, size)),
    'changed-partition-count': String(partitions.size),
    'total-records': String(sum(liveData, records)),
    'total-files-size': String(sum(change.live, size)),
    'total-data-files': String(liveData.length),
    'total-delete-files': String(change.live.length - liveData.length),
    'total-position-deletes': String(sum(change.live.filter(isPos), records)),
    'total-equality-deletes': String(sum(change.live.filter(isEq), records)),
  };
}
