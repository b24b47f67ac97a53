import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Table } from 'apache-arrow';
import type { SourceName } from '../../schemas/bronze.js';
import { evaluateRuleset, parseRuleset } from '../../src/dq/index.js';
import type { Engine, PipelineResult, RunContext } from '../../src/engine/index.js';
import { type ExecutionState, interpretPlan, type KernelTable } from '../../src/engine/index.js';
import { type Plan, RELATIONS, STEP_KINDS, type StepNode, type StepOf } from '../../src/plan/index.js';
import type { QuarantinedLine } from '../../src/read/index.js';
import { checkFileSize } from '../../src/read/record-driver.js';
import { dropArrival, mergeByArrival } from './arrival-merge.js';
import { type CutStats, cutBlocks } from './block-cutter.js';
import { type BlockFile, buffersOf, fromIpc, type ParseReply, type StepReply, toIpc } from './protocol.js';
import {
  compileForWorkers,
  type Layout,
  type Need,
  type Stage,
  satisfies,
  type WorkersProgram,
} from './workers-compiler.js';
import { type RequestPool, WorkerPool } from './workers-pool.js';

/** Options of {@link createWorkersEngine}. */
export interface WorkersEngineOptions {
  /** Worker threads. Default: `os.availableParallelism()`. */
  readonly threads?: number;
  /**
   * Smallest input block handed to a worker, in bytes (a block ends at the first line or CSV
   * record boundary past this size). Default 4 MiB; tests use tiny blocks to cut files often.
   */
  readonly blockBytes?: number;
}

/** Default {@link WorkersEngineOptions.blockBytes}: 4 MiB. */
export const DEFAULT_BLOCK_BYTES = 4 * 1024 * 1024;

/** Sources stored as CSV with a header (the others are JSON Lines), as the readers expect them. */
const CSV_SOURCES: Readonly<Record<SourceName, boolean>> = { events: false, transactions: true, users: true };

/** Relations a {@link PipelineResult} hands back. */
const RESULT_RELATIONS = [
  RELATIONS.silverEvents,
  RELATIONS.silverTransactions,
  RELATIONS.silverUsers,
  RELATIONS.gold,
] as const;

/**
 * The worker-threads engine (`--engine workers`): the reference readers and kernels run across a
 * pool of `node:worker_threads` workers. Input files are cut into blocks at line (CSV: record)
 * boundaries and parsed in parallel; a step that needs equal keys together gets them by hash
 * partitioning (dedup and sessionize move only the columns they read, so events stay in their
 * arrival blocks and come back to the main thread by concatenation); Arrow columns move between
 * threads as transferred IPC buffers. Results (silver, gold, quarantine, counts, rule report)
 * equal the Arrow engine's, rows in the same order, whatever the number of threads.
 *
 * Workers start on the first run and stay up until {@link Engine.close}.
 *
 * @param options - `threads` (default: available cores), `blockBytes` (default 4 MiB).
 * @example
 * ```ts
 * import { createWorkersEngine } from 'goldsmith/engines/workers';
 * const engine = createWorkersEngine({ threads: 4 });
 * try {
 *   const { result } = await runPipeline({ inputs, engine });
 * } finally {
 *   await engine.close();
 * }
 * ```
 */
export function createWorkersEngine(options: WorkersEngineOptions = {}): Engine {
  const threads = options.threads ?? availableParallelism();
  const blockBytes = options.blockBytes ?? DEFAULT_BLOCK_BYTES;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new RangeError(`workers engine: threads must be an integer from 1 to 1024, got ${threads}`);
  }
  if (!Number.isInteger(blockBytes) || blockBytes < 1) {
    throw new RangeError(`workers engine: blockBytes must be a positive integer, got ${blockBytes}`);
  }
  let pool: WorkerPool | undefined;
  let closed = false;
  const livePool = (): WorkerPool => {
    if (closed) throw new Error('workers engine: execute() after close()');
    if (!pool || pool.broken) pool = new WorkerPool(threads);
    return pool;
  };
  return {
    name: 'workers',
    capabilities: { steps: STEP_KINDS, parallel: true },
    execute: async (plan, context) => executeOnPool(livePool(), plan, context, blockBytes),
    async close() {
      closed = true;
      const running = pool;
      pool = undefined;
      await running?.terminate();
    },
  };
}

/**
 * Executes `plan` on `pool` (internal: the engine's runs, and measurements with an in-process pool).
 *
 * @internal
 */
export function executeOnPool(
  pool: RequestPool,
  plan: Plan,
  context: RunContext,
  blockBytes: number = DEFAULT_BLOCK_BYTES,
): Promise<PipelineResult> {
  return new WorkersRun(pool, plan, context, blockBytes).execute();
}

/** One plan execution: tracks where each relation lives and drives the workers step by step. */
class WorkersRun {
  private readonly exec = randomUUID();
  private readonly program: WorkersProgram;
  private readonly workers: number[];
  /** Layout of each relation held by the workers. */
  private readonly layouts = new Map<string, Layout>();
  /** Relations merged on the main thread (with `__arrival`), by name. */
  private readonly merged = new Map<string, Table>();

  constructor(
    private readonly pool: RequestPool,
    private readonly plan: Plan,
    private readonly context: RunContext,
    private readonly blockBytes: number,
  ) {
    this.program = compileForWorkers(plan);
    this.workers = Array.from({ length: pool.size }, (_, i) => i);
  }

  async execute(): Promise<PipelineResult> {
    await this.all((w) =>
      this.pool.run(w, {
        type: 'begin',
        exec: this.exec,
        plan: JSON.parse(JSON.stringify(this.plan)),
        processingTimestamp: this.context.processingTimestamp,
      }),
    );
    try {
      return await interpretPlan('workers', this.kernels(), this.plan, this.context);
    } finally {
      // Queued behind any request still running, so the workers free this run's partitions last.
      await this.all((w) => this.pool.run(w, { type: 'end', exec: this.exec })).catch(() => {});
    }
  }

  private all<T>(f: (worker: number) => Promise<T>): Promise<T[]> {
    return Promise.all(this.workers.map(f));
  }

  private stageOf(step: StepNode): Stage {
    const index = this.plan.steps.indexOf(step);
    const stage = this.program.stages[index];
    if (!stage) throw new Error('workers engine: step is not part of the plan being executed');
    return stage;
  }

  private kernels(): KernelTable {
    const last = this.plan.steps[this.plan.steps.length - 1];
    // Every kernel hands the result relations to the main thread after the plan's last step.
    const finish = async <T>(step: StepNode, state: ExecutionState, rows: T): Promise<T> => {
      if (step === last)
        for (const name of RESULT_RELATIONS) if (this.layouts.has(name)) await this.result(name, state);
      return rows;
    };
    return {
      parse: async (step, state) => finish(step, state, await this.parse(step, state)),
      dedup: async (step, state) => {
        const placed = this.meets(this.layoutOf(step.input), { kind: 'hashed', key: step.key, exact: false });
        const replies = placed ? await this.onWorkers(step) : await this.dedupViaKeys(step);
        const rows = sum(replies, 'rows');
        const source = state.relationSource.get(step.input);
        if (source) {
          state.counts[source].duplicates += sum(replies, 'duplicates');
          state.counts[source].distinct += rows;
        }
        return finish(step, state, rows);
      },
      sessionize: async (step, state) => finish(step, state, sum(await this.onWorkers(step), 'rows')),
      'pick-transaction': async (step, state) => {
        const replies = await this.onWorkers(step);
        state.orphanTransactions += sum(replies, 'orphans');
        state.sessionsWithTransaction += sum(replies, 'withTransaction');
        return finish(step, state, sum(replies, 'rows'));
      },
      'snapshot-join': async (step, state) => finish(step, state, sum(await this.onWorkers(step), 'rows')),
      'assemble-gold': async (step, state) => finish(step, state, sum(await this.onWorkers(step), 'rows')),
      'check-rules': async (step, state) => {
        const datasets: Record<string, Table> = {};
        for (const [name, relation] of Object.entries(step.datasets)) {
          datasets[name] = await this.result(relation, state);
        }
        state.dq = evaluateRuleset(parseRuleset(step.rules), datasets);
        return finish(step, state, state.dq.results.length);
      },
    };
  }

  /** Runs a worker step on every partition, after laying out its inputs as it needs them. */
  private async onWorkers(step: StepNode): Promise<StepReply[]> {
    const stage = this.stageOf(step);
    const inputs: Record<string, string> = {};
    for (const input of stage.inputs) {
      const alias = await this.layOut(input.relation, input.need);
      if (alias !== input.relation) inputs[input.relation] = alias;
    }
    const renamed = Object.keys(inputs).length > 0 ? { inputs } : {};
    const replies = await this.all((w) =>
      this.pool.run(w, { type: 'step', exec: this.exec, index: stage.index, ...renamed }),
    );
    // The workers dropped the projections the step read.
    for (const alias of Object.values(inputs)) this.layouts.delete(alias);
    if (stage.output) {
      const { relation, layout } = stage.output;
      const resolved = 'sameAs' in layout ? this.layoutOf(layout.sameAs) : layout;
      this.layouts.set(relation, resolved);
      this.merged.delete(relation);
    }
    return replies;
  }

  /**
   * Dedup of a relation not hashed by its key (events in arrival blocks): only the key columns,
   * order column and arrivals travel to the worker owning each key, the reference dedup runs
   * there, and the surviving arrivals go back to the workers holding the rows.
   */
  private async dedupViaKeys(step: StepOf<'dedup'>): Promise<StepReply[]> {
    const { index } = this.stageOf(step);
    const partitions = this.pool.size;
    const exec = this.exec;
    const keys = await this.all((w) =>
      this.pool.run(w, { type: 'dedup-keys', exec, index, partitions, home: w }),
    );
    const winners = await this.all((p) => {
      const pieces = keys.map((k) => k.pieces[p]!);
      return this.pool.run(p, { type: 'dedup-winners', exec, index, pieces, partitions }, buffersOf(pieces));
    });
    const kept = await this.all((w) => {
      const keep = winners.map((r) => r.keep[w]!);
      return this.pool.run(w, { type: 'dedup-keep', exec, index, keep }, buffersOf(keep));
    });
    this.layouts.set(step.output, this.layoutOf(step.input));
    this.merged.delete(step.output);
    return kept.map((k, w) => ({ rows: k.rows, duplicates: winners[w]!.duplicates }));
  }

  /** {@link satisfies}, knowing that with one worker every layout holds all rows in one place. */
  private meets(layout: Layout, need: Need): boolean {
    return this.pool.size === 1 ? need.kind !== 'main' : satisfies(layout, need);
  }

  private layoutOf(relation: string): Layout {
    const layout = this.layouts.get(relation);
    if (!layout) throw new Error(`plan error: relation "${relation}" is used before a step produces it`);
    return layout;
  }

  /**
   * Moves a relation's rows so that it meets `need` (a shuffle, a broadcast or a filter); returns
   * the relation the step reads: `relation` itself, or, for a need of a few `columns`, a
   * projection shuffled under a name of its own while the rows stay where they are.
   */
  private async layOut(relation: string, need: Need): Promise<string> {
    const layout = this.layoutOf(relation);
    if (this.meets(layout, need) || need.kind === 'any' || need.kind === 'main') return relation;
    if (need.kind === 'broadcast') {
      const ipc = toIpc(await this.merge(relation));
      // One copy in shared memory that every worker reads (small relations: users).
      const shared = new Uint8Array(new SharedArrayBuffer(ipc.length));
      shared.set(ipc);
      await this.all((w) =>
        this.pool.run(w, { type: 'store', exec: this.exec, relation, pieces: [shared], offsets: [0] }),
      );
      this.layouts.set(relation, { kind: 'broadcast' });
      return relation;
    }
    const partitions = this.pool.size;
    if (layout.kind === 'broadcast') {
      await this.all((w) =>
        this.pool.run(w, {
          type: 'filter',
          exec: this.exec,
          relation,
          key: need.key,
          partitions,
          partition: w,
        }),
      );
    } else {
      // Shuffle: every worker splits its partition by the new key; piece q of each goes to worker q.
      const { columns } = need;
      const target = columns ? `${relation}[${columns.join(',')}]` : relation;
      const splits = await this.all((w) =>
        this.pool.run(w, {
          type: 'split',
          exec: this.exec,
          relation,
          key: need.key,
          partitions,
          ...(columns ? { columns } : {}),
        }),
      );
      await this.all((q) => {
        const pieces = splits.map((s) => s.pieces[q]!);
        return this.pool.run(
          q,
          { type: 'store', exec: this.exec, relation: target, pieces, offsets: pieces.map(() => 0) },
          buffersOf(pieces),
        );
      });
      this.layouts.set(target, { kind: 'hashed', key: need.key });
      return target;
    }
    this.layouts.set(relation, { kind: 'hashed', key: need.key });
    return relation;
  }

  /** The whole relation on the main thread, in arrival order, `__arrival` included. */
  private async merge(relation: string): Promise<Table> {
    const cached = this.merged.get(relation);
    if (cached) return cached;
    const layout = this.layoutOf(relation);
    const holders = layout.kind === 'broadcast' ? [0] : this.workers;
    const replies = await Promise.all(
      holders.map((w) => this.pool.run(w, { type: 'gather', exec: this.exec, relation })),
    );
    const table = mergeByArrival(replies.map((r) => fromIpc(r.ipc)));
    this.merged.set(relation, table);
    return table;
  }

  /** A relation as a result table (no `__arrival`), recorded in the execution state. */
  private async result(relation: string, state: ExecutionState): Promise<Table> {
    const existing = state.relations.get(relation);
    if (existing) return existing;
    const table = dropArrival(await this.merge(relation));
    state.relations.set(relation, table);
    return table;
  }

  /**
   * Parses one source: the files are cut into blocks here and parsed by whichever worker is free;
   * each block comes back as one IPC piece per partition. Pieces are then stored in block order,
   * so every partition is in input order.
   */
  private async parse(step: StepOf<'parse'>, state: ExecutionState): Promise<number> {
    const files = this.context.inputs[step.source] ?? [];
    // Blocks are parsed apart, so the file-size limit is checked here, on whole files.
    for (const file of files) checkFileSize(file, state.plan.options.maxFileBytes);
    const key = this.program.parseKeys.get(step.output) ?? [];
    const partitions = this.pool.size;
    const signal = this.context.signal;
    /** Each task: its blocks' file indices (input order) and the worker's reply. */
    const tasks: Array<{ files: number[]; reply: Promise<ParseReply> }> = [];
    const inFlight = new Set<Promise<void>>();
    let failed = false;
    let cutError: { at: number; error: unknown } | undefined;
    let bytes = 0;
    // Blocks are batched into tasks of about blockBytes, so a folder of small files (hourly
    // batches) costs a few tasks rather than one round trip per file.
    let batch: Array<{ file: number; block: BlockFile }> = [];
    let batchBytes = 0;
    const submit = async () => {
      // Bounded read-ahead: at most two tasks per worker queued or running.
      while (inFlight.size >= 2 * partitions) await Promise.race(inFlight);
      const blocks = batch.map((b) => b.block);
      const reply = this.pool.run(
        'any',
        {
          type: 'parse',
          exec: this.exec,
          source: step.source,
          files: blocks,
          key,
          partitions,
          fallback: tasks.length % partitions,
        },
        buffersOf(blocks.map((b) => b.body)),
      );
      tasks.push({ files: batch.map((b) => b.file), reply });
      batch = [];
      batchBytes = 0;
      const done: Promise<void> = reply.then(
        () => {},
        () => {
          failed = true;
        },
      );
      inFlight.add(done);
      void done.then(() => inFlight.delete(done));
    };
    try {
      for (const [index, file] of files.entries()) {
        const stats: CutStats = { bytes: 0 };
        const options = { csv: CSV_SOURCES[step.source], blockBytes: this.blockBytes };
        for await (const block of cutBlocks(file, options, stats)) {
          signal?.throwIfAborted();
          if (failed) break;
          // Quarantine records name their file by path: one block per path in a task.
          if (batch.some((b) => b.block.path === block.path)) await submit();
          batch.push({ file: index, block });
          batchBytes += block.body.length;
          if (batchBytes >= this.blockBytes) await submit();
        }
        bytes += stats.bytes;
        if (failed) break;
      }
      if (!failed && (batch.length > 0 || tasks.length === 0)) await submit(); // none at all: an empty table
    } catch (error) {
      cutError = { at: tasks.length, error };
    }
    const settled = await Promise.allSettled(tasks.map((t) => t.reply));
    // The first failure in input order wins, as it would in the reference's sequential read.
    const firstFailure = settled.findIndex((s) => s.status === 'rejected');
    if (firstFailure >= 0 && (!cutError || firstFailure < cutError.at)) {
      throw (settled[firstFailure] as PromiseRejectedResult).reason;
    }
    if (cutError) throw cutError.error;

    const counts = state.counts[step.source];
    const pieces: Uint8Array[][] = this.workers.map(() => []);
    const offsets: number[][] = this.workers.map(() => []);
    const nextLine = new Map<number, number>();
    let valid = 0;
    settled.forEach((s, i) => {
      const reply = (s as PromiseFulfilledResult<ParseReply>).value;
      // The worker numbered each block's lines from the start of its prefix; the body starts at
      // the line after the file's earlier blocks.
      const shifts = new Map<string, number>();
      tasks[i]!.files.forEach((file, b) => {
        const firstLine = nextLine.get(file) ?? 1;
        nextLine.set(file, firstLine + reply.bodyLines[b]!);
        shifts.set(files[file]!.path, firstLine - reply.prefixLines[b]! - 1);
      });
      for (const line of reply.quarantined)
        state.quarantined.push(relocate(line, shifts.get(line.file) ?? 0));
      counts.read += reply.read;
      counts.valid += reply.valid;
      counts.quarantined += reply.quarantined.length;
      reply.pieces.forEach((piece, p) => {
        pieces[p]!.push(piece);
        offsets[p]!.push(valid);
      });
      valid += reply.valid;
    });
    counts.bytes += bytes;
    await this.all((w) =>
      this.pool.run(
        w,
        { type: 'store', exec: this.exec, relation: step.output, pieces: pieces[w]!, offsets: offsets[w]! },
        buffersOf(pieces[w]!),
      ),
    );
    this.layouts.set(step.output, { kind: 'hashed', key });
    this.merged.delete(step.output);
    state.relationSource.set(step.output, step.source);
    return valid;
  }
}

function sum(replies: readonly StepReply[], field: keyof StepReply): number {
  return replies.reduce((total, r) => total + (r[field] ?? 0), 0);
}

/** A quarantined line renumbered by `shift` lines (its message names the line too). */
function relocate(line: QuarantinedLine, shift: number): QuarantinedLine {
  if (shift === 0) return line;
  const moved = line.line + shift;
  const before = `${line.file}:${line.line}: `;
  const message = line.message.startsWith(before)
    ? `${line.file}:${moved}: ${line.message.slice(before.length)}`
    : line.message;
  return { ...line, line: moved, message };
}
