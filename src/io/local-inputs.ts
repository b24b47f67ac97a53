import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { InputFile } from '../read/index.js';
import { ConfigurationError } from '../run/errors.js';

/** File extensions read per source. */
export const SOURCE_EXTENSIONS: Record<SourceName, readonly string[]> = {
  users: ['.csv'],
  events: ['.jsonl', '.json', '.ndjson'],
  transactions: ['.csv'],
};

/** A file on local disk, streamed in 1 MiB chunks (never read whole). */
export function localFile(path: string, displayPath: string = path, size?: number): InputFile {
  return {
    path: displayPath,
    ...(size === undefined ? {} : { size }),
    async *chunks() {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) yield chunk as Uint8Array;
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Finds the bronze files under an input folder: per source, `users.csv` / `events.jsonl` /
 * `transactions.csv` and/or a folder `users/`, `events/`, `transactions/` of such files (searched
 * recursively). Files are read in lexicographic path order (SPEC §1). A source may be absent.
 *
 * @example
 * const inputs = await discoverInputs('./data'); // { events: [...], transactions: [...], users: [...] }
 */
export async function discoverInputs(dir: string): Promise<Record<SourceName, InputFile[]>> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ConfigurationError(`--input ${dir} is not a folder`);
  const out = {} as Record<SourceName, InputFile[]>;
  for (const source of SOURCES) {
    const candidates: string[] = [];
    for (const ext of SOURCE_EXTENSIONS[source]) {
      const file = join(dir, `${source}${ext}`);
      if ((await stat(file).catch(() => undefined))?.isFile()) candidates.push(file);
    }
    const folder = join(dir, source);
    if ((await stat(folder).catch(() => undefined))?.isDirectory()) {
      for (const file of await listFiles(folder))
        if (SOURCE_EXTENSIONS[source].some((e) => file.endsWith(e))) candidates.push(file);
    }
    candidates.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    out[source] = await Promise.all(
      candidates.map(async (file) => localFile(file, relative(dir, file), (await stat(file)).size)),
    );
  }
  return out;
}
