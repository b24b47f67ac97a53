import type { Table } from 'apache-arrow';
import { createArrowEngine } from '../../engines/arrow/arrow-engine.js';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { RunReport } from '../../schemas/run-report.js';
import { evaluateRuleset, parseRuleset } from '../dq/index.js';
import type { Engine, PipelineResult, RunContext, StepTiming } from '../engine/index.js';
import { CommitConflictError } from '../iceberg/errors.js';
import { prepareParquetEncoder } from '../io/parquet-encoder.js';
import { foldSilver } from '../lakehouse/fold-silver.js';
import { describeFiles, newInputs } from '../lakehouse/ingested-files.js';
import { DEFAULT_LOOKBACK, parseLookback } from '../lakehouse/lookback.js';
import { quarantineRecordsBySource } from '../lakehouse/quarantine-records.js';
import {
  type GoldDelta,
  recomputeAffected,
  recomputeAll,
  type SilverDelta,
} from '../lakehouse/recompute-gold.js';
import type { GoldChange, Warehouse, WarehouseState } from '../lakehouse/warehouse.js';
import { createPlan, type Plan, type PlanOptionsInput } from '../plan/index.js';
import { formatTimestamp, TimeZone } from '../time/index.js';
import { ConfigurationError, DataQualityError } from './errors.js';
import { type Logger, logNotifier, type Notifier, silentLogger } from './notifier.js';

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** Bronze files per source (see `discoverInputs` in `goldsmith/node`). */
  inputs: RunContext['inputs'];
  /** Engine to execute with. Default: a new Arrow engine. */
  engine?: Engine;
  /** A plan, or options for the standard plan. Default: `createPlan()`. */
  plan?: Plan | PlanOptionsInput;
  /**
   * Where outputs go (Iceberg tables; see `localWarehouse` in `goldsmith/node`). With one, the run
   * is incremental: files ingested before are skipped, the new rows are merged into silver, the
   * sessions they touch are recomputed and merged into gold (SPEC §6). Without one, nothing is
   * written and the tables of this input alone are returned.
   */
  warehouse?: Warehouse;
  /** Recompute every gold row from silver and replace gold (still skipping ingested files). */
  fullRefresh?: boolean;
  /** Window of silver events read to recompute touched sessions, e.g. `2d` (default) or `36h`. */
  lookback?: string;
  /**
   * Memory the run may use, in bytes (the CLI passes the machine's). When the estimate for this
   * run's new input (and the silver it reads back) is larger, the run fails at once with
   * {@link MemoryBudgetError} instead of running out of memory halfway. Default: no check.
   */
  memoryLimitBytes?: number;
  /** Run id; default a sortable time-based id. */
  runId?: string;
  /** Clock (epoch ms), for reproducible tests. Default `Date.now`. */
  now?: () => number;
  /** Corrupt share (quarantined / read) above which an alarm is raised. Default 0.01. */
  corruptThreshold?: number;
  /** Where alarms go. Default: log them. */
  notifier?: Notifier;
  logger?: Logger;
  signal?: AbortSignal;
  onStep?: (timing: StepTiming) => void;
}

/** What {@link runPipeline} returns. */
export interface RunPipelineResult {
  report: RunReport;
  result: PipelineResult;
}

/** A sortable, unique run id like `20251205T143012Z-7f3a9c`. */
export function newRunId(nowMs: number = Date.now()): string {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const random = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(3)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  return `${stamp}-${random}`;
}

function isPlan(value: Plan | PlanOptionsInput | undefined): value is Plan {
  return typeof value === 'object' && value !== null && 'steps' in value;
}

/**
 * Runs bronze → silver → gold once: executes the plan on the engine, evaluates the data-quality
 * rules, raises the corrupt-share alarm, then (only if every rule passed) commits to the
 * warehouse. With a warehouse the run is incremental (SPEC §6): only input files no earlier run
 * ingested are read, their rows are merged into silver, and the gold sessions they touch are
 * recomputed (with the reference kernels, from silver) and MERGEd into gold. A failing rule
 * throws {@link DataQualityError} before anything is written.
 *
 * @example
 * const { report, result } = await runPipeline({ inputs: { events: [bytesInput('e.jsonl', text)] } });
 * result.gold; // an Arrow table in the gold schema
 */
export async function runPipeline(options: RunPipelineOptions): Promise<RunPipelineResult> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger;
  const startedAt = now();
  const runId = options.runId ?? newRunId(startedAt);
  // Run ids name files (quarantine/<source>/<run-id>.jsonl, _runs/<run-id>.json): never a path.
  if (!RUN_ID.test(runId))
    throw new ConfigurationError(
      `run id "${runId}": use letters, digits, '.', '_' and '-' (not starting with '.' or '-')`,
    );
  const plan = isPlan(options.plan) ? options.plan : createPlan(options.plan ?? {});
  const engine = options.engine ?? createArrowEngine();
  const threshold = options.corruptThreshold ?? 0.01;
  const processingTimestamp = startedAt * 1000;
  const lookback = options.lookback ?? DEFAULT_LOOKBACK;
  const lookbackMicros = parseLookback(lookback);

  logger.info({ runId, engine: engine.name, timeZone: plan.options.timeZone }, 'run started');
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOnce();
    } catch (error) {
      // Another run committed to a table between our read and our commit: start over from the
      // tables as they are now (the files it ingested are skipped, ours are read again).
      if (!(error instanceof CommitConflictError) || attempt >= MAX_RUN_ATTEMPTS) throw error;
      logger.warn({ runId, attempt, reason: error.message }, 'commit conflict: retrying the run');
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }

  /** One attempt: read the warehouse state, execute, fold, check, commit. */
  async function runOnce(): Promise<RunPipelineResult> {
    const state = options.warehouse ? await options.warehouse.load() : undefined;
    const { fresh, skipped } = state
      ? newInputs(options.inputs, state.ingested)
      : { fresh: undefined, skipped: 0 };
    if (options.memoryLimitBytes !== undefined)
      checkMemoryBudget(fresh ?? options.inputs, state?.silverBytes ?? 0, options.memoryLimitBytes);
    // A big run's data files are encoded on two lanes; the worker loads while the input parses.
    if (options.warehouse) prepareParquetEncoder(inputSize(fresh ?? options.inputs).bytes);
    const result = await engine.execute(plan, {
      runId,
      processingTimestamp,
      inputs: fresh ?? options.inputs,
      ...(options.signal ? { signal: options.signal } : {}),
      onStep: (timing) => {
        logger.info({ runId, ...timing }, 'step done');
        options.onStep?.(timing);
      },
    });

    const nothingNew = fresh !== undefined && SOURCES.every((source) => fresh[source].length === 0);
    let increment: ReturnType<typeof foldIntoWarehouse> | undefined;
    if (state && fresh) {
      // A re-run over ingested input reads no silver at all.
      const started = performance.now();
      const silver = nothingNew && !options.fullRefresh ? undefined : await state.readSilver();
      if (silver) {
        const rows = SOURCES.reduce((n, s) => n + silver[s].numRows, 0);
        result.timings.push({
          step: 'read(silver)',
          ms: Math.round((performance.now() - started) * 10) / 10,
          rows,
        });
      }
      const folding = performance.now();
      increment = foldIntoWarehouse(state, silver, result, {
        fullRefresh: options.fullRefresh ?? false,
        lookbackMicros,
        gold: {
          timeZone: TimeZone.of(plan.options.timeZone),
          processingTimestamp,
          dataVersion: plan.options.dataVersion,
          sourceSystem: plan.options.sourceSystem,
        },
        rules: plan.options.rules,
      });
      if (silver)
        result.timings.push({
          step: 'fold(silver, gold)',
          ms: Math.round((performance.now() - folding) * 10) / 10,
          rows: increment.gold.rows.numRows,
        });
    }
    const dq = increment?.dq ?? result.dq;

    const read = SOURCES.reduce((sum, s) => sum + result.counts[s].read, 0);
    const quarantined = SOURCES.reduce((sum, s) => sum + result.counts[s].quarantined, 0);
    const corruptShare = read === 0 ? 0 : quarantined / read;
    const alarm = corruptShare > threshold;
    const report: RunReport = {
      run_id: runId,
      status: dq.passed ? 'succeeded' : 'failed_quality',
      engine: engine.name,
      time_zone: plan.options.timeZone,
      started_at: new Date(startedAt).toISOString(),
      finished_at: new Date(now()).toISOString(),
      processing_timestamp: formatTimestamp(processingTimestamp),
      sources: result.counts,
      gold: increment
        ? { sessions: increment.gold.rows.numRows, with_transaction: increment.gold.sessionsWithTransaction }
        : { sessions: result.gold.numRows, with_transaction: result.sessionsWithTransaction },
      orphan_transactions: increment?.gold.orphanTransactions ?? result.orphanTransactions,
      rules_passed: dq.passed,
      rules: dq.results.map((r) => ({ ...r })),
      corrupt_share: corruptShare,
      corrupt_threshold: threshold,
      alarm,
      timings: result.timings,
      ...(increment
        ? {
            merge: {
              mode: increment.mode,
              skipped_files: skipped,
              lookback,
              silver: increment.silverCounts,
              recomputed: increment.gold.rows.numRows,
            },
          }
        : {}),
    };

    if (alarm) {
      const notifier = options.notifier ?? logNotifier(logger);
      await notifier.notify({
        kind: 'corrupt_share',
        runId,
        value: corruptShare,
        threshold,
        message: `run ${runId}: ${quarantined} of ${read} input lines quarantined (${(corruptShare * 100).toFixed(2)}% > ${(threshold * 100).toFixed(2)}%)`,
      });
    }
    if (!dq.passed) {
      logger.error(
        { runId, rules: report.rules.filter((r) => r.outcome !== 'Passed') },
        'data-quality rules failed',
      );
      throw new DataQualityError(report);
    }

    if (options.warehouse && increment && fresh) {
      const { silver } = increment;
      const empty = (s: SourceName) => result.silver[s].slice(0, 0);
      const batch = (s: SourceName) =>
        silver
          ? { upserts: silver[s].upserts, updates: silver[s].updated > 0 }
          : { upserts: empty(s), updates: false };
      await options.warehouse.commitRun({
        runId,
        base: state!.snapshots,
        silver: { users: batch('users'), events: batch('events'), transactions: batch('transactions') },
        gold: increment.change,
        ingested: describeFiles(fresh),
        quarantine: quarantineRecordsBySource(result.quarantined, runId),
        report,
      });
    }
    logger.info({ runId, sessions: report.gold.sessions, corruptShare }, 'run finished');
    return { report, result };
  }
}

/**
 * The bench's memory model of a run, fitted on the `arrow` engine with Iceberg output (611 MiB
 * peak for 215 MB of input at 1M events, 2,543 MiB for 2,177 MB at 10M: about 380 MiB plus 1.1×
 * the input), with a margin; silver is read back from Parquet, which is about 8× smaller than
 * the rows it holds. Used to fail early rather than run out of memory late. Runs measure below
 * it since (470 MiB at 1M, 2,268 MiB at 10M), and `test/reliability/scale.test.ts` fails if a
 * 10M run ever exceeds it.
 */
const MEMORY_MODEL = { fixed: 400 * 2 ** 20, perInputByte: 1.25, perSilverParquetByte: 10 } as const;

/** A run that would not fit in the memory it may use (see `memoryLimitBytes`). */
export class MemoryBudgetError extends Error {
  constructor(
    readonly neededBytes: number,
    readonly limitBytes: number,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryBudgetError';
  }
}

/**
 * Peak memory (bytes) the memory guard expects of a run over `inputBytes` of new bronze input with
 * `silverBytes` of silver Parquet to read back: the bench's model, with its margin.
 */
export function estimateRunMemory(inputBytes: number, silverBytes: number): number {
  return (
    MEMORY_MODEL.fixed +
    MEMORY_MODEL.perInputByte * inputBytes +
    MEMORY_MODEL.perSilverParquetByte * silverBytes
  );
}

/** Bytes (where known) and count of a run's input files. */
function inputSize(inputs: RunPipelineOptions['inputs']): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const source of SOURCES)
    for (const file of inputs[source] ?? []) {
      bytes += file.size ?? 0;
      files++;
    }
  return { bytes, files };
}

function checkMemoryBudget(inputs: RunPipelineOptions['inputs'], silverBytes: number, limit: number): void {
  const { bytes: inputBytes, files } = inputSize(inputs);
  const needed = estimateRunMemory(inputBytes, silverBytes);
  if (needed <= limit) return;
  const gib = (n: number) => `${(n / 2 ** 30).toFixed(1)} GiB`;
  throw new MemoryBudgetError(
    needed,
    limit,
    `this run needs about ${gib(needed)} (${files} new input files, ${gib(inputBytes)}; silver ${gib(silverBytes)} as Parquet) but may use ${gib(limit)}: feed the input in smaller batches (each incremental run reads only new files) or run on a machine with more memory`,
  );
}

/** What a run id may look like. */
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** How many times a run starts over after losing a commit race. */
const MAX_RUN_ATTEMPTS = 5;

interface FoldSettings {
  fullRefresh: boolean;
  lookbackMicros: number;
  gold: Parameters<typeof recomputeAll>[1];
  rules: string;
}

/**
 * Silver and gold after folding this run's batch into the warehouse's tables (SPEC §3, §6).
 * Without `existing` silver (no input file is new), nothing changes and nothing is committed.
 */
function foldIntoWarehouse(
  state: WarehouseState,
  existing: Record<SourceName, Table> | undefined,
  result: PipelineResult,
  settings: FoldSettings,
) {
  if (!existing) {
    const none = { inserted: 0, updated: 0, unchanged: 0 };
    const gold: GoldDelta = {
      rows: result.gold,
      deleteKeys: result.gold.slice(0, 0),
      orphanTransactions: 0,
      sessionsWithTransaction: 0,
    };
    const silverCounts = { users: none, events: none, transactions: none };
    return {
      mode: 'incremental' as const,
      silver: undefined,
      silverCounts,
      gold,
      change: undefined,
      dq: result.dq,
    };
  }
  const silver: SilverDelta = foldSilver(existing, result.silver);
  const silverCounts = {
    users: countsOf(silver.users),
    events: countsOf(silver.events),
    transactions: countsOf(silver.transactions),
  };
  const initial = SOURCES.every((s) => existing[s].numRows === 0) && !settings.fullRefresh;
  if (initial) {
    // Nothing to merge with: the engine's gold over this input is the whole gold.
    const gold: GoldDelta = {
      rows: result.gold,
      deleteKeys: result.gold.slice(0, 0),
      orphanTransactions: result.orphanTransactions,
      sessionsWithTransaction: result.sessionsWithTransaction,
    };
    const change: GoldChange | undefined = state.hasGold
      ? { kind: 'overwrite', rows: result.gold }
      : { kind: 'append', rows: result.gold };
    return { mode: 'initial' as const, silver, silverCounts, gold, change, dq: result.dq };
  }
  const full = settings.fullRefresh || !state.hasGold;
  const gold = full
    ? recomputeAll(silver, settings.gold)
    : recomputeAffected(silver, settings.gold, settings.lookbackMicros);
  const change: GoldChange | undefined = full
    ? { kind: 'overwrite', rows: gold.rows }
    : { kind: 'merge', rows: gold.rows, deleteKeys: gold.deleteKeys };
  // The rules hold for the tables as they will be: the whole of silver, and the gold rows written.
  const dq = result.dq.passed
    ? evaluateRuleset(parseRuleset(settings.rules), {
        events: silver.events.merged,
        transactions: silver.transactions.merged,
        users: silver.users.merged,
        gold: gold.rows,
      })
    : result.dq;
  return {
    mode: full ? ('full-refresh' as const) : ('incremental' as const),
    silver,
    silverCounts,
    gold,
    change,
    dq,
  };
}

function countsOf(merge: SilverDelta['events']) {
  return { inserted: merge.inserted, updated: merge.updated, unchanged: merge.unchanged };
}
