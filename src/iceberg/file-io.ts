import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Byte storage by location (absolute path or `file://` URI for local; S3 later). */
export interface FileIO {
  read(location: string): Promise<Uint8Array>;
  /** Creates parent directories; for uniquely named files (data, manifests), so it may overwrite. */
  write(location: string, bytes: Uint8Array): Promise<void>;
  /**
   * Writes a file only if nothing exists at the location: false when it already exists. The
   * commit primitive: two writers racing for `v<N+1>.metadata.json` cannot both win.
   */
  createExclusive(location: string, bytes: Uint8Array): Promise<boolean>;
  exists(location: string): Promise<boolean>;
  /** Every file under a prefix, recursively, as full locations. */
  list(prefix: string): Promise<string[]>;
  remove(location: string): Promise<void>;
  /**
   * Last modification time (epoch ms) of a file, undefined when it does not exist. Optional:
   * `removeOrphans` needs it to spare files of writers still in flight.
   */
  lastModified?(location: string): Promise<number | undefined>;
}

function localPath(location: string): string {
  return location.startsWith('file:') ? fileURLToPath(location) : location;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** A {@link FileIO} over the local file system. Locations are absolute paths or `file://` URIs. */
export function localFileIO(): FileIO {
  return {
    async read(location) {
      return new Uint8Array(await readFile(localPath(location)));
    },
    async write(location, bytes) {
      const path = localPath(location);
      // Most writes go to a folder that exists: create it only when the write says it is missing.
      try {
        await writeFile(path, bytes);
      } catch (error) {
        if (!isMissing(error)) throw error;
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, bytes);
      }
    },
    async createExclusive(location, bytes) {
      const path = localPath(location);
      await mkdir(dirname(path), { recursive: true });
      // Write a private temp file, then link() it into place: link fails with EEXIST when the
      // target exists, and readers never observe a half-written target.
      const temp = `${path}.${randomUUID()}.tmp`;
      await writeFile(temp, bytes, { flag: 'wx' });
      try {
        await link(temp, path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      } finally {
        await unlink(temp).catch(() => undefined);
      }
    },
    async exists(location) {
      try {
        await stat(localPath(location));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async list(prefix) {
      const root = localPath(prefix);
      const out: string[] = [];
      const walk = async (dir: string, shown: string): Promise<void> => {
        let entries: import('node:fs').Dirent[];
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch (error) {
          if (isMissing(error)) return;
          throw error;
        }
        for (const entry of entries) {
          const shownChild = shown.endsWith('/') ? `${shown}${entry.name}` : `${shown}/${entry.name}`;
          if (entry.isDirectory()) await walk(join(dir, entry.name), shownChild);
          else out.push(shownChild);
        }
      };
      await walk(root, prefix);
      return out.sort();
    },
    async remove(location) {
      await rm(localPath(location), { force: true });
    },
    async lastModified(location) {
      try {
        return (await stat(localPath(location))).mtimeMs;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
  };
}

/**
 * Wraps a {@link FileIO} so every location starting with one of the keys is rewritten to start
 * with its value (longest key first): reads Spark's tables written on another machine, or serves
 * an `http://` table location from a local directory. `list` maps results back to the caller's
 * prefix so locations round-trip.
 */
export function mappedFileIO(io: FileIO, prefixes: Readonly<Record<string, string>>): FileIO {
  const pairs = Object.entries(prefixes).sort((a, b) => b[0].length - a[0].length);
  const map = (location: string): string => {
    for (const [from, to] of pairs) if (location.startsWith(from)) return to + location.slice(from.length);
    return location;
  };
  const unmap = (location: string): string => {
    for (const [from, to] of [...pairs].sort((a, b) => b[1].length - a[1].length))
      if (location.startsWith(to)) return from + location.slice(to.length);
    return location;
  };
  return {
    read: (location) => io.read(map(location)),
    write: (location, bytes) => io.write(map(location), bytes),
    createExclusive: (location, bytes) => io.createExclusive(map(location), bytes),
    exists: (location) => io.exists(map(location)),
    list: async (prefix) => (await io.list(map(prefix))).map(unmap),
    remove: (location) => io.remove(map(location)),
    ...(io.lastModified ? { lastModified: (location: string) => io.lastModified!(map(location)) } : {}),
  };
}
