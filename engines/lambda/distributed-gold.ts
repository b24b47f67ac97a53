import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { FileIO } from '../../src/iceberg/file-io.js';
import { IcebergTable } from '../../src/iceberg/table.js';
import { metadataFile } from '../../src/iceberg/table-paths.js';
import { parseS3Location, s3FileIO } from '../../src/io/s3-file-io.js';
import { s3File } from '../../src/io/s3-inputs.js';
import {
  commitPartitionedGold,
  computeGoldPartition,
  type GoldPartResult,
  type GoldWorkItem,
  type GoldWorkPlan,
  planPartitionedGold,
  readWorkPlan,
  WORK_FILES,
} from '../../src/lakehouse/partitioned-gold.js';
import { TABLES, tableLocation } from '../../src/lakehouse/warehouse.js';
import type { InputFile } from '../../src/read/input-file.js';
import { pointGlueTable } from './glue-catalog.js';
import { resolveLake } from './lambda-config.js';
import { type RunSummary, SilverToGoldInput, type StageConfig, summarize } from './pipeline-stages.js';

/**
 * The Distributed Map variant of silver→gold (`state-machine-distributed.asl.json`): plan-gold
 * (silver committed, work list written) → Map of gold-partition items (compute and write files,
 * commit nothing) → commit-gold (one gold snapshot). See `src/lakehouse/partitioned-gold.ts`.
 */

/** What plan-gold returns: where the Map's `ItemReader` finds the items. */
export interface PlanGoldOutput {
  readonly run_id: string;
  /** Number of Map items (0: no gold row changes; commit-gold still records new input files). */
  readonly items: number;
  /** Bucket and key of `_work/<run-id>/items.json` (a JSON array). */
  readonly bucket: string;
  readonly items_key: string;
  /** Input files the branches handed over, to report in the summary. */
  readonly files: number;
}

/** A Map item as `items.json` holds it (see `GoldWorkItem`). */
export const GoldPartitionInput = z.object({
  run_id: z.string(),
  index: z.int().nonnegative(),
  partitions: z.array(z.string()),
  keys: z.array(z.tuple([z.string(), z.string()])),
  delete_keys: z.array(z.tuple([z.string(), z.string()])),
});

/** What an item returns: a reference to its result (`_work/<run-id>/parts/<index>.json`), kept small. */
export interface GoldPartitionOutput {
  readonly index: number;
  readonly part: string;
  readonly data_files: number;
  readonly delete_files: number;
  readonly rows: number;
}

/** Input of commit-gold: the plan's output and the Map's results. */
export const CommitGoldInput = z.object({
  plan: z.object({ run_id: z.string(), items: z.int().nonnegative(), files: z.int().nonnegative() }).loose(),
  parts: z.array(z.object({ index: z.int().nonnegative(), part: z.string() }).loose()),
});
export type CommitGoldInput = z.infer<typeof CommitGoldInput>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function lakeIO(client: S3Client): FileIO {
  return s3FileIO({ client });
}

/**
 * plan-gold: the batch the bronze→silver branches checked, folded into silver and committed;
 * the touched sessions grouped by gold partition into `_work/<run-id>/items.json`. Fails (before
 * anything is written) on a data-quality rule, like silver→gold.
 */
export function createPlanGoldHandler(config: StageConfig & { maxItems?: number }) {
  const lake = resolveLake(config, 'plan-gold');
  return async (event: SilverToGoldInput): Promise<PlanGoldOutput> => {
    const { branches } = SilverToGoldInput.parse(event);
    const { s3, bronze, warehouse, timeZone, logger, metrics } = await lake;
    const inputs: Record<SourceName, InputFile[]> = { users: [], events: [], transactions: [] };
    for (const branch of branches)
      for (const [path, size] of branch.files)
        inputs[branch.source].push(s3File(s3, `${bronze}/${path}`, size ?? undefined, path));
    const { plan, items } = await planPartitionedGold({
      io: lakeIO(s3),
      location: warehouse,
      inputs,
      plan: { timeZone, ...(config.rules ? { rules: config.rules } : {}) },
      ...(config.corruptThreshold !== undefined ? { corruptThreshold: config.corruptThreshold } : {}),
      ...(config.maxItems !== undefined ? { maxItems: config.maxItems } : {}),
    });
    logger.info(
      { runId: plan.run_id, items: items.length, sessions: plan.report.gold.sessions },
      'gold planned',
    );
    metrics.publish([{ name: 'GoldItems', value: items.length, unit: 'Count' }], {}, { RunId: plan.run_id });
    const { bucket, key } = parseS3Location(`${warehouse}/${WORK_FILES.items(plan.run_id)}`);
    return {
      run_id: plan.run_id,
      items: items.length,
      bucket,
      items_key: key,
      files: SOURCES.reduce((n, s) => n + plan.ingested[s].length, 0),
    };
  };
}

/**
 * gold-partition, one Distributed Map item: recomputes its sessions, writes gold data and
 * position-delete files, stores their manifest records in `_work/<run-id>/parts/<index>.json`
 * and returns a reference. Commits nothing, so items run concurrently and a retried item only
 * leaves unreferenced files behind (removed by orphan-file cleanup).
 */
export function createGoldPartitionHandler(config: StageConfig) {
  const lake = resolveLake(config, 'gold-partition');
  const plans = new Map<string, Promise<GoldWorkPlan>>();
  return async (event: GoldWorkItem): Promise<GoldPartitionOutput> => {
    const item = GoldPartitionInput.parse(event) as GoldWorkItem;
    const { s3, warehouse, logger } = await lake;
    const io = lakeIO(s3);
    let plan = plans.get(item.run_id);
    if (!plan) {
      plan = readWorkPlan(io, warehouse, item.run_id);
      plans.set(item.run_id, plan);
    }
    const result = await computeGoldPartition(io, warehouse, await plan, item);
    const part = `${warehouse}/${WORK_FILES.part(item.run_id, item.index)}`;
    await io.write(part, encoder.encode(`${JSON.stringify(result)}\n`));
    logger.info(
      { runId: item.run_id, item: item.index, partitions: item.partitions.length },
      'gold partition written',
    );
    return {
      index: item.index,
      part,
      data_files: result.data_files.length,
      delete_files: result.delete_files.length,
      rows: result.inserted + result.updated,
    };
  };
}

/**
 * commit-gold: reads every item's result and makes the run's one gold commit (expecting the gold
 * snapshot the work was planned on; `CommitConflictError` otherwise), records the ingested files,
 * writes the run report and points the Glue table at the new metadata file. Returns the summary
 * for notify.
 */
export function createCommitGoldHandler(config: StageConfig) {
  const lake = resolveLake(config, 'commit-gold');
  return async (event: CommitGoldInput): Promise<RunSummary> => {
    const input = CommitGoldInput.parse(event);
    const { s3, warehouse, logger, metrics } = await lake;
    const io = lakeIO(s3);
    const plan = await readWorkPlan(io, warehouse, input.plan.run_id);
    const parts: GoldPartResult[] = [];
    for (const ref of [...input.parts].sort((a, b) => a.index - b.index))
      parts.push(JSON.parse(decoder.decode(await io.read(ref.part))) as GoldPartResult);
    const { report, snapshot } = await commitPartitionedGold(io, warehouse, plan, parts);
    metrics.publish(
      [
        { name: 'CorruptShare', value: report.corrupt_share, unit: 'None' },
        { name: 'GoldSessions', value: report.gold.sessions, unit: 'Count' },
        {
          name: 'GoldMerged',
          value: (report.merge?.gold?.inserted ?? 0) + (report.merge?.gold?.updated ?? 0),
          unit: 'Count',
        },
      ],
      {},
      { RunId: report.run_id },
    );
    let catalog: string | undefined;
    if (config.glue && snapshot) {
      const gold = await IcebergTable.load(io, tableLocation(warehouse, TABLES.gold.name));
      catalog = metadataFile(gold.location, gold.version);
      const moved = await pointGlueTable(config.glue, catalog);
      logger.info({ catalog, moved }, 'Glue table pointer');
    }
    const summary = summarize(report, `${warehouse}/_runs/${report.run_id}.json`, []);
    return { ...summary, files: input.plan.files, ...(catalog ? { catalog } : {}) };
  };
}
