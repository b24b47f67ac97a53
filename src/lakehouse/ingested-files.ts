import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { InputFile } from '../read/index.js';

/** An input file a run read: its path as the run saw it and its size in bytes (null if unknown). */
export type IngestedFile = readonly [path: string, size: number | null];

/** Snapshot-summary key under which a table records the files of one source a run ingested. */
export function ingestedSummaryKey(source: SourceName): string {
  return `goldsmith.ingested.${source}`;
}

/** Files already ingested, per source: path → size. */
export type IngestedIndex = Record<SourceName, Map<string, number | null>>;

/** An empty index. */
export function emptyIngestedIndex(): IngestedIndex {
  return { users: new Map(), events: new Map(), transactions: new Map() };
}

/** Adds the files a snapshot summary records to the index. */
export function addFromSummary(index: IngestedIndex, summary: Readonly<Record<string, string>>): void {
  for (const source of SOURCES) {
    const text = summary[ingestedSummaryKey(source)];
    if (!text) continue;
    for (const [path, size] of JSON.parse(text) as IngestedFile[]) index[source].set(path, size);
  }
}

/** The summary entries that record these files. */
export function ingestedSummary(
  files: Partial<Record<SourceName, readonly IngestedFile[]>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of SOURCES) {
    const list = files[source];
    if (list && list.length > 0) out[ingestedSummaryKey(source)] = JSON.stringify(list);
  }
  return out;
}

/**
 * Splits a run's inputs into the files not ingested before and the ones to skip. A file counts as
 * ingested when its path was recorded with the same size (or without a size): a file rewritten
 * with other content under the same name is read again, and dedup keeps that harmless.
 */
export function newInputs(
  inputs: Partial<Record<SourceName, readonly InputFile[]>>,
  ingested: IngestedIndex,
): { fresh: Record<SourceName, InputFile[]>; skipped: number } {
  const fresh: Record<SourceName, InputFile[]> = { users: [], events: [], transactions: [] };
  let skipped = 0;
  for (const source of SOURCES) {
    for (const file of inputs[source] ?? []) {
      const seen = ingested[source].get(file.path);
      const same = seen !== undefined && (seen === null || file.size === undefined || seen === file.size);
      if (same) skipped++;
      else fresh[source].push(file);
    }
  }
  return { fresh, skipped };
}

/** How a run's files are recorded. */
export function describeFiles(
  inputs: Record<SourceName, readonly InputFile[]>,
): Record<SourceName, IngestedFile[]> {
  const out = {} as Record<SourceName, IngestedFile[]>;
  for (const source of SOURCES) out[source] = inputs[source].map((f) => [f.path, f.size ?? null] as const);
  return out;
}
