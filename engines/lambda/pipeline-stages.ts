import { z } from 'zod';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { RunReport } from '../../schemas/run-report.js';
import { NoSuchTableError } from '../../src/iceberg/table.js';
import { metadataFile } from '../../src/iceberg/table-paths.js';
import { warehouseAt } from '../../src/io/locations.js';
import { discoverS3Inputs, s3File } from '../../src/io/s3-inputs.js';
import {
  addFromSummary,
  emptyIngestedIndex,
  type IngestedFile,
  newInputs,
} from '../../src/lakehouse/ingested-files.js';
import { TABLES } from '../../src/lakehouse/warehouse.js';
import type { InputFile } from '../../src/read/input-file.js';
import type { Notifier } from '../../src/run/notifier.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { type GlueTableRef, pointGlueTable } from './glue-catalog.js';
import { type LakeConfig, resolveLake } from './lambda-config.js';

/** Input of the bronze→silver stage: one source (a branch of the seed's Parallel state). */
export const BronzeToSilverInput = z.strictObject({ source: z.enum(SOURCES) });
export type BronzeToSilverInput = z.infer<typeof BronzeToSilverInput>;

const Counts = z.strictObject({
  read: z.int(),
  valid: z.int(),
  quarantined: z.int(),
  distinct: z.int(),
  duplicates: z.int(),
  bytes: z.int(),
});

/** What a bronze→silver branch hands to silver→gold: the files it checked and their counts. */
export const BronzeToSilverOutput = z.strictObject({
  source: z.enum(SOURCES),
  /** `[path relative to the bronze root, size]`, in read order. */
  files: z.array(z.tuple([z.string(), z.int().nullable()])),
  counts: Counts,
  rules_passed: z.boolean(),
});
export type BronzeToSilverOutput = z.infer<typeof BronzeToSilverOutput>;

/** Input of silver→gold: the Parallel state's array of branch outputs. */
export const SilverToGoldInput = z.strictObject({ branches: z.array(BronzeToSilverOutput) });
export type SilverToGoldInput = z.infer<typeof SilverToGoldInput>;

/** The run report summary silver→gold returns and notify sends. */
export interface RunSummary {
  readonly run_id: string;
  readonly status: RunReport['status'];
  readonly mode: string | undefined;
  readonly files: number;
  readonly sources: RunReport['sources'];
  readonly gold: RunReport['gold'] & { merged?: NonNullable<RunReport['merge']>['gold'] };
  readonly corrupt_share: number;
  readonly corrupt_threshold: number;
  readonly alarm: boolean;
  readonly report: string;
  /** The gold metadata file the Glue table points at after this run, when a Glue table is configured. */
  readonly catalog?: string;
}

/** Options shared by the pipeline stages. */
export interface StageConfig extends LakeConfig {
  /** Corrupt share above which the run raises its alarm (default 0.01, SPEC §4). */
  readonly corruptThreshold?: number;
  /** DQDL rule set; default the seed's four rules. */
  readonly rules?: string;
  /** silver→gold: the Glue Iceberg table to point at each new gold metadata file (for Athena). */
  readonly glue?: GlueTableRef;
}

const quietNotifier: Notifier = { notify: async () => {} };

/**
 * Bronze→silver for one source, a branch of the Parallel state: lists the source's bronze files no
 * earlier run ingested, applies the record contract and silver dedup to them, and evaluates the
 * data-quality rules on the result — failing the branch (and so the execution, through its
 * Catch) before anything is written, as the seed's "fail fast". Nothing is committed here: the
 * three branches run concurrently, and the warehouse's commit (silver MERGE of all three sources,
 * then gold MERGE of the sessions they touch) must be one sequence that sees all three, so
 * silver→gold commits the files the branches checked. Returns those files and their counts.
 *
 * Metrics (EMF, dimension `Source`): `Records`, `CorruptRecords`, `Duplicates`, `Files`.
 */
export function createBronzeToSilverHandler(config: StageConfig) {
  const lake = resolveLake(config, 'bronze-to-silver');
  return async (event: BronzeToSilverInput): Promise<BronzeToSilverOutput> => {
    const { source } = BronzeToSilverInput.parse(event);
    const { s3, bronze, warehouse, timeZone, logger, metrics } = await lake;
    const ingested = emptyIngestedIndex();
    try {
      const gold = await warehouseAt(warehouse, { client: s3 }).table(TABLES.gold.name);
      for (const snapshot of gold.ancestors()) addFromSummary(ingested, snapshot.summary);
    } catch (error) {
      if (!(error instanceof NoSuchTableError)) throw error;
    }
    const all = await discoverS3Inputs(bronze, { client: s3, sources: [source] });
    const { fresh } = newInputs({ [source]: all[source] }, ingested);
    const { report } = await runPipeline({
      inputs: { [source]: fresh[source] },
      plan: { timeZone, ...(config.rules ? { rules: config.rules } : {}) },
      logger,
      notifier: quietNotifier,
      ...(config.corruptThreshold !== undefined ? { corruptThreshold: config.corruptThreshold } : {}),
    });
    const counts = report.sources[source];
    metrics.publish(
      [
        { name: 'Files', value: fresh[source].length, unit: 'Count' },
        { name: 'Records', value: counts.read, unit: 'Count' },
        { name: 'CorruptRecords', value: counts.quarantined, unit: 'Count' },
        { name: 'Duplicates', value: counts.duplicates, unit: 'Count' },
      ],
      { Source: source },
    );
    return {
      source,
      files: fresh[source].map((f): IngestedFile => [f.path, f.size ?? null]) as Array<
        [string, number | null]
      >,
      counts,
      rules_passed: report.rules_passed,
    };
  };
}

/**
 * Silver→gold: one incremental `runPipeline` over the files the bronze→silver branches checked,
 * against the Iceberg warehouse on S3 — silver MERGE, then the touched sessions recomputed and
 * MERGEd into gold (SPEC §6), quarantine and the run report written. Files a concurrent or earlier
 * run already committed are skipped, so a retried execution is harmless. Returns the report's
 * summary for notify.
 *
 * Metrics (EMF): `CorruptShare`, `QuarantinedRecords`, `GoldSessions`, `GoldMerged`, `DurationMs`,
 * and `Rows` per step (dimension `Step`).
 */
export function createSilverToGoldHandler(config: StageConfig) {
  const lake = resolveLake(config, 'silver-to-gold');
  return async (event: SilverToGoldInput): Promise<RunSummary> => {
    const { branches } = SilverToGoldInput.parse(event);
    const { s3, bronze, warehouse, timeZone, logger, metrics } = await lake;
    const started = performance.now();
    const inputs: Record<SourceName, InputFile[]> = { users: [], events: [], transactions: [] };
    for (const branch of branches)
      for (const [path, size] of branch.files)
        inputs[branch.source].push(s3File(s3, `${bronze}/${path}`, size ?? undefined, path));
    const lakehouse = warehouseAt(warehouse, { client: s3 });
    const { report } = await runPipeline({
      inputs,
      warehouse: lakehouse,
      plan: { timeZone, ...(config.rules ? { rules: config.rules } : {}) },
      logger,
      ...(config.corruptThreshold !== undefined ? { corruptThreshold: config.corruptThreshold } : {}),
    });
    const quarantined = SOURCES.reduce((n, s) => n + report.sources[s].quarantined, 0);
    metrics.publish(
      [
        { name: 'CorruptShare', value: report.corrupt_share, unit: 'None' },
        { name: 'QuarantinedRecords', value: quarantined, unit: 'Count' },
        { name: 'GoldSessions', value: report.gold.sessions, unit: 'Count' },
        {
          name: 'GoldMerged',
          value: (report.merge?.gold?.inserted ?? 0) + (report.merge?.gold?.updated ?? 0),
          unit: 'Count',
        },
        { name: 'DurationMs', value: Math.round(performance.now() - started), unit: 'Milliseconds' },
      ],
      {},
      { RunId: report.run_id },
    );
    for (const timing of report.timings)
      metrics.publish(
        [{ name: 'Rows', value: timing.rows, unit: 'Count' }],
        { Step: timing.step },
        { RunId: report.run_id },
      );
    let catalog: string | undefined;
    if (config.glue && report.merge) {
      const gold = await lakehouse.table(TABLES.gold.name).catch((error: unknown) => {
        if (error instanceof NoSuchTableError) return undefined;
        throw error;
      });
      if (gold) {
        catalog = metadataFile(gold.location, gold.version);
        const moved = await pointGlueTable(config.glue, catalog);
        logger.info(
          { catalog, moved, table: `${config.glue.database}.${config.glue.table}` },
          'Glue table pointer',
        );
      }
    }
    return {
      ...summarize(report, `${warehouse}/_runs/${report.run_id}.json`, branches),
      ...(catalog ? { catalog } : {}),
    };
  };
}

export function summarize(
  report: RunReport,
  location: string,
  branches: readonly BronzeToSilverOutput[],
): RunSummary {
  return {
    run_id: report.run_id,
    status: report.status,
    mode: report.merge?.mode,
    files: branches.reduce((n, b) => n + b.files.length, 0) - (report.merge?.skipped_files ?? 0),
    sources: report.sources,
    gold: { ...report.gold, ...(report.merge?.gold ? { merged: report.merge.gold } : {}) },
    corrupt_share: report.corrupt_share,
    corrupt_threshold: report.corrupt_threshold,
    alarm: report.alarm,
    report: location,
  };
}
