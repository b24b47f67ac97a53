import { createArrowEngine } from '../../engines/arrow/arrow-engine.js';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { QuarantineRecord } from '../../schemas/quarantine.js';
import type { RunReport } from '../../schemas/run-report.js';
import type { Engine, PipelineResult, RunContext, StepTiming } from '../engine/index.js';
import type { WarehouseWriter } from '../io/warehouse.js';
import { createPlan, type Plan, type PlanOptionsInput } from '../plan/index.js';
import { formatTimestamp } from '../time/index.js';
import { DataQualityError } from './errors.js';
import { type Logger, logNotifier, type Notifier, silentLogger } from './notifier.js';

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  /** Bronze files per source (see `discoverInputs` in `goldsmith/node`). */
  inputs: RunContext['inputs'];
  /** Engine to execute with. Default: a new Arrow engine. */
  engine?: Engine;
  /** A plan, or options for the standard plan. Default: `createPlan()`. */
  plan?: Plan | PlanOptionsInput;
  /** Where outputs go. Without one, nothing is written and the tables are returned. */
  warehouse?: WarehouseWriter;
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
 * rules, raises the corrupt-share alarm, then (only if every rule passed) hands everything to the
 * warehouse in one commit. A failing rule throws {@link DataQualityError} before anything is
 * written.
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
  const plan = isPlan(options.plan) ? options.plan : createPlan(options.plan ?? {});
  const engine = options.engine ?? createArrowEngine();
  const threshold = options.corruptThreshold ?? 0.01;
  const processingTimestamp = startedAt * 1000;

  logger.info({ runId, engine: engine.name, timeZone: plan.options.timeZone }, 'run started');
  const result = await engine.execute(plan, {
    runId,
    processingTimestamp,
    inputs: options.inputs,
    ...(options.signal ? { signal: options.signal } : {}),
    onStep: (timing) => {
      logger.info({ runId, ...timing }, 'step done');
      options.onStep?.(timing);
    },
  });

  const read = SOURCES.reduce((sum, s) => sum + result.counts[s].read, 0);
  const quarantined = SOURCES.reduce((sum, s) => sum + result.counts[s].quarantined, 0);
  const corruptShare = read === 0 ? 0 : quarantined / read;
  const alarm = corruptShare > threshold;
  const report: RunReport = {
    run_id: runId,
    status: result.dq.passed ? 'succeeded' : 'failed_quality',
    engine: engine.name,
    time_zone: plan.options.timeZone,
    started_at: new Date(startedAt).toISOString(),
    finished_at: new Date(now()).toISOString(),
    processing_timestamp: formatTimestamp(processingTimestamp),
    sources: result.counts,
    gold: { sessions: result.gold.numRows, with_transaction: result.sessionsWithTransaction },
    orphan_transactions: result.orphanTransactions,
    rules_passed: result.dq.passed,
    rules: result.dq.results.map((r) => ({ ...r })),
    corrupt_share: corruptShare,
    corrupt_threshold: threshold,
    alarm,
    timings: result.timings,
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
  if (!result.dq.passed) {
    logger.error(
      { runId, rules: report.rules.filter((r) => r.outcome !== 'Passed') },
      'data-quality rules failed',
    );
    throw new DataQualityError(report);
  }

  if (options.warehouse) {
    await options.warehouse.commitRun({
      runId,
      silver: result.silver,
      gold: result.gold,
      quarantine: quarantineRecords(result, runId),
      report,
    });
  }
  logger.info({ runId, sessions: report.gold.sessions, corruptShare }, 'run finished');
  return { report, result };
}

function quarantineRecords(result: PipelineResult, runId: string): Record<SourceName, QuarantineRecord[]> {
  const out: Record<SourceName, QuarantineRecord[]> = { users: [], events: [], transactions: [] };
  for (const q of result.quarantined) {
    out[q.source].push({
      source: q.source,
      file: q.file,
      line: q.line,
      reason: q.reason,
      message: q.message,
      raw: q.raw,
      run_id: runId,
    });
  }
  return out;
}
