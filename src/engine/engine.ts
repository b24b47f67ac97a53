import type { Table } from 'apache-arrow';
import type { SourceName } from '../../schemas/bronze.js';
import type { DqReport } from '../dq/index.js';
import type { Plan, StepKind } from '../plan/index.js';
import type { InputFile, QuarantinedLine } from '../read/index.js';

/** What an engine can do; engines declare, the runner checks. */
export interface EngineCapabilities {
  /** Step kinds the engine executes. Anything else raises {@link UnsupportedStepError}. */
  readonly steps: readonly StepKind[];
  /** True when the engine runs work on more than one core. */
  readonly parallel: boolean;
}

/** Per-run values that are not part of the plan. */
export interface RunContext {
  /** Identifies the run in quarantine files, the report and logs. */
  readonly runId: string;
  /** Gold `processing_timestamp`, epoch microseconds (SPEC §5: one value per run). */
  readonly processingTimestamp: number;
  /** The bronze input files per source, each list in read order. A missing source reads as empty. */
  readonly inputs: Partial<Record<SourceName, readonly InputFile[]>>;
  /** Cancels the run between steps. */
  readonly signal?: AbortSignal;
  /** Called after each step with its wall time. */
  readonly onStep?: (timing: StepTiming) => void;
}

/** Line accounting of one source (SPEC §2: read = valid + quarantined, valid = distinct + duplicates). */
export interface SourceCounts {
  read: number;
  valid: number;
  quarantined: number;
  distinct: number;
  duplicates: number;
  bytes: number;
}

/** Wall time of one executed step. */
export interface StepTiming {
  step: string;
  /** Wall time, milliseconds (0.1 ms resolution). */
  ms: number;
  /** Rows the step produced. */
  rows: number;
  /** Input bytes the step read (parse steps). */
  bytes?: number;
}

/** Everything a plan execution produces, before anything is written. */
export interface PipelineResult {
  silver: { events: Table; transactions: Table; users: Table };
  gold: Table;
  quarantined: QuarantinedLine[];
  counts: Record<SourceName, SourceCounts>;
  orphanTransactions: number;
  sessionsWithTransaction: number;
  dq: DqReport;
  timings: StepTiming[];
}

/**
 * An engine executes a {@link Plan}. Engines differ in how they execute, never in what they
 * compute: every engine must yield the same result for the same plan and inputs.
 */
export interface Engine {
  readonly name: string;
  readonly capabilities: EngineCapabilities;
  /** Executes the plan over the context's inputs. */
  execute(plan: Plan, context: RunContext): Promise<PipelineResult>;
  /** Releases the engine's resources (threads, database handles). Idempotent. */
  close(): Promise<void>;
}

/** Thrown when an engine is asked to run a step kind it does not implement. */
export class UnsupportedStepError extends Error {
  constructor(
    readonly engine: string,
    readonly kind: string,
  ) {
    super(`engine "${engine}" does not support step "${kind}"; run this plan with --engine arrow`);
    this.name = 'UnsupportedStepError';
  }
}
