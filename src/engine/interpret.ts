import type { Table } from 'apache-arrow';
import { SOURCES, type SourceName } from '../../schemas/bronze.js';
import type { DqReport } from '../dq/index.js';
import type { Plan, StepKind, StepNode, StepOf } from '../plan/index.js';
import { RELATIONS } from '../plan/index.js';
import type { QuarantinedLine } from '../read/index.js';
import {
  type PipelineResult,
  type RunContext,
  type SourceCounts,
  type StepTiming,
  UnsupportedStepError,
} from './engine.js';

/** Mutable state one plan execution threads through its steps. */
export interface ExecutionState {
  readonly plan: Plan;
  readonly context: RunContext;
  /** Named relations produced so far. */
  readonly relations: Map<string, Table>;
  readonly counts: Record<SourceName, SourceCounts>;
  readonly quarantined: QuarantinedLine[];
  orphanTransactions: number;
  sessionsWithTransaction: number;
  dq: DqReport | undefined;
  /** Which source each bronze relation came from, so dedup can fill in that source's counts. */
  readonly relationSource: Map<string, SourceName>;
  /**
   * True when the running step may reuse relation `name`'s buffers: a parse step made it (so it
   * owns them), no later step reads it and it is not a result. Kernels then work in place.
   */
  readonly consumable: (name: string) => boolean;
}

/** How one engine executes one step kind. Returns the number of rows it produced (for timings). */
export type Kernel<K extends StepKind> = (step: StepOf<K>, state: ExecutionState) => number | Promise<number>;

/**
 * An engine's kernels: one per step kind, so adding a step kind is a compile error until every
 * engine handles it (or maps it to {@link unsupported}).
 */
export type KernelTable = { readonly [K in StepKind]: Kernel<K> };

/** A kernel that raises the typed error (never a silent fallback). */
export function unsupported(engine: string, kind: StepKind): Kernel<StepKind> {
  return () => {
    throw new UnsupportedStepError(engine, kind);
  };
}

/** Reads a relation a previous step produced. */
export function relation(state: ExecutionState, name: string): Table {
  const table = state.relations.get(name);
  if (!table) throw new Error(`plan error: relation "${name}" is used before a step produces it`);
  return table;
}

function emptyCounts(): SourceCounts {
  return { read: 0, valid: 0, quarantined: 0, distinct: 0, duplicates: 0, bytes: 0 };
}

/**
 * Runs a plan's steps in order with an engine's kernels and gathers the standard results.
 * Shared by the in-process engines (Arrow, workers); compiled engines may bring their own loop.
 */
export async function interpretPlan(
  engine: string,
  kernels: KernelTable,
  plan: Plan,
  context: RunContext,
): Promise<PipelineResult> {
  const releaseAfter = lastReaders(plan);
  const parsed = new Set(plan.steps.flatMap((s) => (s.kind === 'parse' ? [s.output] : [])));
  let running = -1;
  const state: ExecutionState = {
    plan,
    context,
    consumable: (name) => parsed.has(name) && (releaseAfter.get(running)?.includes(name) ?? false),
    relations: new Map(),
    counts: Object.fromEntries(SOURCES.map((s) => [s, emptyCounts()])) as Record<SourceName, SourceCounts>,
    quarantined: [],
    orphanTransactions: 0,
    sessionsWithTransaction: 0,
    dq: undefined,
    relationSource: new Map(),
  };
  const timings: StepTiming[] = [];
  for (const [index, step] of plan.steps.entries()) {
    context.signal?.throwIfAborted();
    running = index;
    const started = performance.now();
    const kernel = kernels[step.kind] as Kernel<StepNode['kind']> | undefined;
    if (!kernel) throw new UnsupportedStepError(engine, step.kind);
    const rows = await (kernel as (s: StepNode, st: ExecutionState) => number | Promise<number>)(step, state);
    const ms = Math.round((performance.now() - started) * 10) / 10;
    const timing: StepTiming = { step: describeStep(step), ms, rows };
    if (step.kind === 'parse') timing.bytes = state.counts[step.source].bytes;
    timings.push(timing);
    context.onStep?.(timing);
    // Drop intermediate relations after their last reader, so bronze copies do not stay alive
    // through the rest of the run (memory stays closer to one copy of the data).
    for (const name of releaseAfter.get(index) ?? []) state.relations.delete(name);
  }
  const get = (name: string) => relation(state, name);
  return {
    silver: {
      events: get(RELATIONS.silverEvents),
      transactions: get(RELATIONS.silverTransactions),
      users: get(RELATIONS.silverUsers),
    },
    gold: get(RELATIONS.gold),
    quarantined: state.quarantined,
    counts: state.counts,
    orphanTransactions: state.orphanTransactions,
    sessionsWithTransaction: state.sessionsWithTransaction,
    dq: state.dq ?? { passed: true, results: [] },
    timings,
  };
}

/** The relations a step reads. */
export function inputsOf(step: StepNode): string[] {
  switch (step.kind) {
    case 'parse':
      return [];
    case 'dedup':
    case 'sessionize':
    case 'assemble-gold':
      return [step.input];
    case 'pick-transaction':
      return [step.sessions, step.transactions];
    case 'snapshot-join':
      return [step.input, step.users];
    case 'check-rules':
      return Object.values(step.datasets);
  }
}

/** The results every engine hands back; they are never released. */
const RESULT_RELATIONS: ReadonlySet<string> = new Set([
  RELATIONS.silverEvents,
  RELATIONS.silverTransactions,
  RELATIONS.silverUsers,
  RELATIONS.gold,
]);

/** For each step index, the intermediate relations whose last reader it is. */
function lastReaders(plan: Plan): Map<number, string[]> {
  const last = new Map<string, number>();
  plan.steps.forEach((step, index) => {
    for (const name of inputsOf(step)) last.set(name, index);
  });
  const out = new Map<number, string[]>();
  for (const [name, index] of last) {
    if (RESULT_RELATIONS.has(name)) continue;
    out.set(index, [...(out.get(index) ?? []), name]);
  }
  return out;
}

/** A short label for logs and timings, e.g. `dedup(silver_events)`. */
export function describeStep(step: StepNode): string {
  switch (step.kind) {
    case 'parse':
      return `parse(${step.source})`;
    case 'check-rules':
      return 'check-rules';
    case 'pick-transaction':
    case 'snapshot-join':
    case 'sessionize':
    case 'assemble-gold':
    case 'dedup':
      return `${step.kind}(${step.output})`;
  }
}
