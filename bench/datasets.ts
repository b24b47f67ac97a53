import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type GenerateOptionsInput, type GenerateSummary, generate } from '../src/generate/index.js';
import type { Layout } from './args.js';

/** Fixed seed of every bench dataset: same size, same bytes. */
export const BENCH_SEED = 20_251_205;

/**
 * Bumped when the recipe below changes, so cached datasets made by an older recipe are
 * regenerated instead of silently reused.
 */
export const DATASET_RECIPE = 1;

/** Written last into a dataset folder: its presence means the folder is complete. */
export const MARKER_FILE = '_bench_dataset.json';

/** The dataset's shape from its event count: users = events/100, sessions = events/4, transactions = events/10. */
export function datasetOptions(events: number, layout: Layout, outDir: string): GenerateOptionsInput {
  return {
    outDir,
    events,
    users: Math.max(1, Math.round(events / 100)),
    sessions: Math.max(1, Math.round(events / 4)),
    transactions: Math.max(1, Math.round(events / 10)),
    // the seed's late arrivals and duplicate transaction rows, 1% producer retries, no corrupt lines
    // (clean data, so the SQL baseline's gold can be checked against ours)
    lateRate: 0.05,
    duplicateRate: 0.02,
    eventDuplicateRate: 0.01,
    corruptRate: 0,
    seed: BENCH_SEED,
    batches: layout === 'hourly' ? 'hourly' : 'none',
  };
}

/** A dataset ready on disk. */
export interface Dataset {
  /** Distinct events (the size asked for). */
  events: number;
  layout: Layout;
  dir: string;
  /** Input event lines (distinct + retries): what a run reads, the unit of events/s. */
  eventLines: number;
  /** Bytes per source and in total (all bronze input). */
  bytes: { events: number; transactions: number; users: number; total: number };
  files: number;
  /** Whether this run generated it (false: reused from the cache). */
  generated: boolean;
  /** Seconds generation took (when generated). */
  generateSeconds?: number;
}

interface Marker {
  recipe: number;
  options: GenerateOptionsInput;
  summary: GenerateSummary;
}

function folderName(events: number, layout: Layout): string {
  return layout === 'single' ? String(events) : `${events}-${layout}`;
}

function toDataset(
  events: number,
  layout: Layout,
  dir: string,
  summary: GenerateSummary,
  generated: boolean,
) {
  const { bytes } = summary;
  const dataset: Dataset = {
    events,
    layout,
    dir,
    eventLines: summary.lines.events,
    bytes: { ...bytes, total: bytes.events + bytes.transactions + bytes.users },
    files: summary.files.length,
    generated,
  };
  if (generated) dataset.generateSeconds = summary.seconds;
  return dataset;
}

/**
 * Returns the dataset of `events` events under `root/<events>/` (`<events>-hourly/` for the hourly
 * layout), generating it with goldsmith's seeded generator unless a complete copy made by the
 * same recipe is there. The marker file is written last, so an interrupted generation is redone.
 */
export async function ensureDataset(
  root: string,
  events: number,
  layout: Layout,
  log: (line: string) => void,
): Promise<Dataset> {
  const dir = join(root, folderName(events, layout));
  const options = datasetOptions(events, layout, dir);
  const markerPath = join(dir, MARKER_FILE);
  const existing = await readFile(markerPath, 'utf8').then(
    (text) => JSON.parse(text) as Marker,
    () => undefined,
  );
  if (
    existing !== undefined &&
    existing.recipe === DATASET_RECIPE &&
    JSON.stringify(existing.options) === JSON.stringify(options)
  ) {
    return toDataset(events, layout, dir, existing.summary, false);
  }
  log(`generating ${events.toLocaleString('en-US')} events (${layout}) into ${dir} …`);
  await rm(dir, { recursive: true, force: true });
  const summary = await generate(options);
  const marker: Marker = { recipe: DATASET_RECIPE, options, summary };
  await writeFile(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
  return toDataset(events, layout, dir, summary, true);
}
