import type { FileIO } from '../iceberg/file-io.js';
import type { DataFileRecord } from '../iceberg/manifest.js';

/** Data files written ahead of their tables' commits (see {@link writeSideBySide}). */
export interface StagedFiles {
  /** Per write, its files; undefined where no write was asked for. */
  readonly files: readonly (readonly DataFileRecord[] | undefined)[];
  /** Marks write `i`'s files as handed to a commit: from then on they are the commit's. */
  committing(i: number): void;
  /** Removes (best effort) the files of every write no commit was attempted with. */
  removeUncommitted(): Promise<void>;
}

/**
 * Runs the `writes` (each writing one table's data files, uncommitted) side by side, so that both
 * Parquet encoding lanes are busy. If one fails, the others are waited for, every file written is
 * removed and the first error is thrown: no write is still running, and nothing is left behind.
 * A file whose commit was attempted is never removed here (the commit may have landed).
 */
export async function writeSideBySide(
  io: FileIO,
  writes: readonly ((() => Promise<DataFileRecord[]>) | undefined)[],
): Promise<StagedFiles> {
  const settled = await Promise.allSettled(writes.map((write) => write?.()));
  const files = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  const attempted = new Set<number>();
  const staged: StagedFiles = {
    files,
    committing: (i) => attempted.add(i),
    async removeUncommitted() {
      const orphans = files.flatMap((f, i) => (f && !attempted.has(i) ? f : []));
      await Promise.all(orphans.map((f) => io.remove(f.file_path).catch(() => {})));
    },
  };
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    await staged.removeUncommitted();
    throw failure.reason;
  }
  return staged;
}
