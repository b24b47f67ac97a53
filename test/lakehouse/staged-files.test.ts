import { describe, expect, it } from 'vitest';
import type { FileIO } from '../../src/iceberg/file-io.js';
import { type DataFileRecord, FileContent } from '../../src/iceberg/manifest.js';
import { writeSideBySide } from '../../src/lakehouse/staged-files.js';

// A failing run leaves previous outputs untouched and nothing of its own behind (SPEC §6): data
// files written ahead of their commits are removed when the run fails before committing them.

function record(path: string): DataFileRecord {
  return {
    content: FileContent.DATA,
    file_path: path,
    file_format: 'PARQUET',
    partition: {},
    record_count: 1n,
    file_size_in_bytes: 1n,
  };
}

/** A FileIO that only records what was removed. */
function removals(): { io: FileIO; removed: string[] } {
  const removed: string[] = [];
  const io = {
    remove: async (location: string) => {
      removed.push(location);
    },
  } as unknown as FileIO;
  return { io, removed };
}

const later = <T>(ms: number, value: () => T) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(value());
      } catch (error) {
        reject(error);
      }
    }, ms),
  );

describe('writeSideBySide: data files written ahead of their commits', () => {
  it('runs the writes at once and gives each its files', async () => {
    const { io, removed } = removals();
    let running = 0;
    let most = 0;
    const write = (path: string) => async () => {
      most = Math.max(most, ++running);
      await later(20, () => undefined);
      running--;
      return [record(path)];
    };
    const staged = await writeSideBySide(io, [write('a'), undefined, write('c')]);
    expect(most).toBe(2);
    expect(staged.files.map((f) => f?.map((r) => r.file_path))).toEqual([['a'], undefined, ['c']]);
    expect(removed).toEqual([]);
  });

  it('a failed write waits for the others, removes every file they wrote, then throws', async () => {
    const { io, removed } = removals();
    const slow = () => later(30, () => [record('slow-1'), record('slow-2')]);
    const failing = () =>
      later(5, () => {
        throw new Error('disk full');
      });
    await expect(
      writeSideBySide(io, [slow, failing, () => later(1, () => [record('fast')])]),
    ).rejects.toThrow('disk full');
    expect(removed.sort()).toEqual(['fast', 'slow-1', 'slow-2']);
  });

  it('after a failed commit, removes only the files no commit was attempted with', async () => {
    const { io, removed } = removals();
    const staged = await writeSideBySide(io, [
      async () => [record('users')],
      async () => [record('events')],
      async () => [record('gold')],
    ]);
    staged.committing(0);
    staged.committing(1); // say this commit threw: it may have landed, so its files stay
    await staged.removeUncommitted();
    expect(removed).toEqual(['gold']);
  });
});
