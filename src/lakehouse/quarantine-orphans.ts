/**
 * Quarantine files of runs that never committed. A run writes `quarantine/<source>/<run-id>.jsonl`
 * before its table commits; when it dies before the gold commit (which records its input files
 * as ingested), the next run reads those files again and quarantines the same lines under its
 * own run id. The dead run's file then only duplicates records: it is an orphan.
 *
 * @module
 */

import type { FileIO } from '../iceberg/file-io.js';
import type { TableMetadata } from '../iceberg/metadata.js';
import { parseMetadataJson } from '../iceberg/metadata-json.js';
import { TABLES, tableLocation } from './warehouse.js';

const decoder = new TextDecoder();
const QUARANTINE_FILE = /\/quarantine\/[^/]+\/([^/]+)\.jsonl$/;
const REPORT_FILE = /\/_runs\/([^/]+)\.json$/;
const METADATA_FILE = /\/v\d+\.metadata\.json$/;

/** Options of {@link removeQuarantineOrphans}. */
export interface QuarantineOrphansOptions {
  /** Only files last modified longer ago than this (ms) are candidates. Default 1 hour. */
  readonly olderThanMs?: number;
  /** Clock, epoch ms. Default `Date.now()`. */
  readonly nowMs?: number;
  /** List without deleting. Default false. */
  readonly dryRun?: boolean;
}

/**
 * Deletes (or lists, with `dryRun`) the quarantine files under a warehouse whose run committed
 * nothing to gold: no `_runs/<run-id>.json` report and no gold snapshot, in any metadata version,
 * with that `goldsmith.run-id`. Files younger than `olderThanMs` are spared (a run may be
 * committing right now). Needs a {@link FileIO} with `lastModified`.
 *
 * @example
 * ```ts
 * const { orphans } = await removeQuarantineOrphans(localFileIO(), '/wh', { dryRun: true });
 * ```
 */
export async function removeQuarantineOrphans(
  io: FileIO,
  location: string,
  options: QuarantineOrphansOptions = {},
): Promise<{ orphans: string[] }> {
  if (!io.lastModified)
    throw new TypeError(`removeQuarantineOrphans(${location}): this FileIO cannot tell file ages`);
  const root = location.replace(/\/+$/, '');
  const cutoffMs = (options.nowMs ?? Date.now()) - (options.olderThanMs ?? 3_600_000);
  // Quarantine first: a run that commits after this listing has a report or snapshot by the checks below.
  const quarantine = await io.list(`${root}/quarantine/`);
  const committed = new Set<string>();
  for (const file of await io.list(`${root}/_runs/`)) {
    const match = REPORT_FILE.exec(file);
    if (match) committed.add(match[1]!);
  }
  for (const file of await io.list(`${tableLocation(root, TABLES.gold.name)}/metadata/`)) {
    if (!METADATA_FILE.test(file)) continue;
    const metadata = parseMetadataJson(decoder.decode(await io.read(file))) as TableMetadata;
    for (const snapshot of metadata.snapshots) {
      const runId = snapshot.summary['goldsmith.run-id'];
      if (runId !== undefined) committed.add(runId);
    }
  }
  const orphans: string[] = [];
  for (const file of quarantine) {
    const match = QUARANTINE_FILE.exec(file);
    if (!match || committed.has(match[1]!)) continue;
    const modified = await io.lastModified(file);
    if (modified !== undefined && modified < cutoffMs) orphans.push(file);
  }
  if (!options.dryRun) for (const file of orphans) await io.remove(file);
  return { orphans };
}
