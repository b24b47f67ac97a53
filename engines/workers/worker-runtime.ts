/**
 * What runs inside one worker thread: the reference readers and kernels over the partitions this
 * worker holds. It has no thread code of its own (`worker.ts` wires it to `parentPort`), so it can
 * be exercised in-process.
 *
 * @module
 */

import type { Table } from 'apache-arrow';
import { numberView } from '../../src/columns/column-views.js';
import {
  assembleGold,
  column,
  dedupLatest,
  pickTransaction,
  sessionizeRows,
  snapshotJoin,
} from '../../src/kernels/index.js';
import {
  type Plan,
  planFromJSON,
  readOptionsOf,
  type StepKind,
  type StepNode,
  type StepOf,
} from '../../src/plan/index.js';
import { type InputFile, READERS } from '../../src/read/index.js';
import { TimeZone } from '../../src/time/index.js';
import {
  ARRIVAL,
  appendArrival,
  appendInt32,
  arrivalOf,
  mergeByArrival,
  selectColumns,
  takeRows,
  withArrival,
} from './arrival-merge.js';
import { partitionOf, splitByKey, splitByPartition } from './hash-partition.js';
import type {
  BlockFile,
  ParseReply,
  PiecesReply,
  StepReply,
  WinnersReply,
  WorkerRequest,
} from './protocol.js';
import { buffersOf, fromIpc, toIpc } from './protocol.js';

/** One execution's state in this worker. */
interface Execution {
  readonly plan: Plan;
  readonly zone: TimeZone;
  readonly processingTimestamp: number;
  /** This worker's partition of each relation, each ascending in `__arrival`. */
  readonly relations: Map<string, Table>;
}

/** A handled request: the reply and the buffers to transfer with it. */
export interface Handled {
  readonly reply: unknown;
  readonly transfer: ArrayBuffer[];
}

type WorkerKernel<K extends StepKind> = (step: StepOf<K>, execution: Execution) => StepReply;

function mainThreadOnly<K extends StepKind>(kind: K): WorkerKernel<K> {
  return () => {
    throw new Error(`workers engine: step "${kind}" runs on the main thread, not in a worker`);
  };
}

function relation(execution: Execution, name: string): Table {
  const table = execution.relations.get(name);
  if (!table) throw new Error(`workers engine: relation "${name}" is not held by this worker`);
  return table;
}

/**
 * The reference kernels over one partition, one per step kind (exhaustive, as the engines'
 * kernel tables). Each output keeps an `__arrival` column for the final merge.
 */
const WORKER_KERNELS: { readonly [K in StepKind]: WorkerKernel<K> } = {
  parse: mainThreadOnly('parse'),
  'check-rules': mainThreadOnly('check-rules'),
  dedup(step, execution) {
    // takeTable keeps every column, `__arrival` included: the survivors' arrivals come along.
    const { table, duplicates } = dedupLatest(relation(execution, step.input), step.key, step.orderBy);
    execution.relations.set(step.output, table);
    return { rows: table.numRows, duplicates };
  },
  sessionize(step, execution) {
    // Sessions in first-seen order over input in arrival order: each takes its first event's arrival.
    const events = relation(execution, step.input);
    const { sessions: table, firstSeen } = sessionizeRows(events);
    const arrival = arrivalOf(events);
    const sessions = appendArrival(
      table,
      Int32Array.from(firstSeen, (row) => arrival[row]!),
    );
    execution.relations.set(step.output, sessions);
    return { rows: sessions.numRows };
  },
  'pick-transaction'(step, execution) {
    // The sessions' `__arrival` rides along: the join appends columns to the left side.
    const { table, orphans, withTransaction } = pickTransaction(
      relation(execution, step.sessions),
      relation(execution, step.transactions),
    );
    execution.relations.set(step.output, table);
    return { rows: table.numRows, orphans, withTransaction };
  },
  'snapshot-join'(step, execution) {
    const table = snapshotJoin(relation(execution, step.input), relation(execution, step.users));
    execution.relations.set(step.output, table);
    return { rows: table.numRows };
  },
  'assemble-gold'(step, execution) {
    const input = relation(execution, step.input);
    const { options } = execution.plan;
    const gold = assembleGold(input, {
      timeZone: execution.zone,
      processingTimestamp: execution.processingTimestamp,
      dataVersion: options.dataVersion,
      sourceSystem: options.sourceSystem,
    });
    // assembleGold keeps row order but only the gold columns: put the arrivals back.
    const table = appendArrival(gold, arrivalOf(input));
    execution.relations.set(step.output, table);
    return { rows: table.numRows };
  },
};

/** Column naming the worker that holds a key row's full row, in the narrow dedup path. */
const HOME = '__home';

function dedupStep(execution: Execution, index: number): StepOf<'dedup'> {
  const step = execution.plan.steps[index];
  if (step?.kind !== 'dedup') throw new Error(`workers engine: plan step ${index} is not a dedup step`);
  return step;
}

/** The arrivals of `winners`, one ascending list per home worker. */
function splitArrivals(winners: Table, partitions: number): Int32Array[] {
  const arrival = arrivalOf(winners);
  const home = numberView(column(winners, HOME));
  const counts = new Int32Array(partitions);
  for (let i = 0; i < home.length; i++) counts[home[i]!]!++;
  const lists = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(partitions);
  for (let i = 0; i < home.length; i++) {
    const h = home[i]!;
    lists[h]![fill[h]!++] = arrival[i]!;
  }
  return lists;
}

/** The rows of `table` (ascending arrivals) whose arrival is in one of the ascending `lists`. */
function keepArrivals(table: Table, lists: readonly Int32Array[]): Table {
  const arrival = arrivalOf(table);
  const n = arrival.length;
  const keep = new Uint8Array(n);
  let kept = 0;
  for (const list of lists) {
    let row = 0;
    for (let j = 0; j < list.length; j++) {
      const wanted = list[j]!;
      while (row < n && arrival[row]! < wanted) row++;
      if (row < n && arrival[row] === wanted) {
        keep[row] = 1;
        kept++;
      }
    }
  }
  if (kept === n) return table;
  const indices = new Int32Array(kept);
  for (let row = 0, k = 0; row < n; row++) if (keep[row]) indices[k++] = row;
  return takeRows(table, indices);
}

/** `step` with its input relation names replaced by `inputs` (its kind and output stay). */
function readingFrom(step: StepNode, inputs: Readonly<Record<string, string>>): StepNode {
  const renamed: Record<string, unknown> = { ...step };
  for (const [field, value] of Object.entries(step)) {
    if (field === 'kind' || field === 'output') continue;
    if (typeof value === 'string' && inputs[value] !== undefined) renamed[field] = inputs[value];
  }
  return renamed as unknown as StepNode;
}

function countLines(bytes: Uint8Array | null): number {
  if (!bytes) return 0;
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines++;
  return lines;
}

function blockInput(block: BlockFile): InputFile {
  return {
    path: block.path,
    async *chunks() {
      if (block.prefix) yield block.prefix;
      yield block.body;
    },
  };
}

/**
 * One worker's request handler. Requests of one execution arrive in order, one at a time.
 *
 * @example
 * const runtime = new WorkerRuntime();
 * const { reply, transfer } = await runtime.handle(request);
 */
export class WorkerRuntime {
  private readonly executions = new Map<string, Execution>();

  /** Handles one request. */
  async handle(request: WorkerRequest): Promise<Handled> {
    switch (request.type) {
      case 'begin': {
        const plan = planFromJSON(request.plan);
        this.executions.set(request.exec, {
          plan,
          zone: TimeZone.of(plan.options.timeZone),
          processingTimestamp: request.processingTimestamp,
          relations: new Map(),
        });
        return { reply: { rows: 0 }, transfer: [] };
      }
      case 'parse':
        return this.parse(request);
      case 'store': {
        const execution = this.execution(request.exec);
        const pieces = request.pieces.map(fromIpc);
        const table = mergeByArrival(pieces, request.offsets);
        execution.relations.set(request.relation, table);
        return { reply: { rows: table.numRows }, transfer: [] };
      }
      case 'step': {
        const execution = this.execution(request.exec);
        const step = execution.plan.steps[request.index];
        if (!step) throw new Error(`workers engine: the plan has no step ${request.index}`);
        const kernel = WORKER_KERNELS[step.kind] as WorkerKernel<StepKind>;
        const renamed = request.inputs ? readingFrom(step, request.inputs) : step;
        const reply = kernel(renamed as StepOf<StepKind>, execution);
        for (const alias of Object.values(request.inputs ?? {})) execution.relations.delete(alias);
        return { reply, transfer: [] };
      }
      case 'split': {
        const held = relation(this.execution(request.exec), request.relation);
        const table = request.columns ? selectColumns(held, [...request.columns, ARRIVAL]) : held;
        const pieces = splitByKey(table, request.key, request.partitions).map(toIpc);
        const reply: PiecesReply = { pieces };
        return { reply, transfer: buffersOf(pieces) };
      }
      case 'filter': {
        const execution = this.execution(request.exec);
        const table = relation(execution, request.relation);
        const partition = partitionOf(table, request.key, request.partitions);
        const rows: number[] = [];
        for (let i = 0; i < partition.length; i++) if (partition[i] === request.partition) rows.push(i);
        const mine = takeRows(table, Int32Array.from(rows));
        execution.relations.set(request.relation, mine);
        return { reply: { rows: mine.numRows }, transfer: [] };
      }
      case 'dedup-keys': {
        const execution = this.execution(request.exec);
        const step = dedupStep(execution, request.index);
        const table = relation(execution, step.input);
        const names = [...new Set([...step.key, ...(step.orderBy === null ? [] : [step.orderBy]), ARRIVAL])];
        const keys = appendInt32(
          selectColumns(table, names),
          HOME,
          new Int32Array(table.numRows).fill(request.home),
        );
        const pieces = splitByKey(keys, step.key, request.partitions).map(toIpc);
        return { reply: { pieces }, transfer: buffersOf(pieces) };
      }
      case 'dedup-winners': {
        const step = dedupStep(this.execution(request.exec), request.index);
        // Merged by arrival, the key rows are in input order: the reference dedup's tie-break holds.
        const keys = mergeByArrival(request.pieces.map(fromIpc));
        const { table: winners, duplicates } = dedupLatest(keys, step.key, step.orderBy);
        const keep = splitArrivals(winners, request.partitions);
        const reply: WinnersReply = { duplicates, keep };
        return { reply, transfer: buffersOf(keep) };
      }
      case 'dedup-keep': {
        const execution = this.execution(request.exec);
        const step = dedupStep(execution, request.index);
        const table = keepArrivals(relation(execution, step.input), request.keep);
        execution.relations.set(step.output, table);
        return { reply: { rows: table.numRows }, transfer: [] };
      }
      case 'gather': {
        const ipc = toIpc(relation(this.execution(request.exec), request.relation));
        return { reply: { ipc }, transfer: buffersOf([ipc]) };
      }
      case 'end':
        this.executions.delete(request.exec);
        return { reply: { rows: 0 }, transfer: [] };
    }
  }

  private execution(exec: string): Execution {
    const execution = this.executions.get(exec);
    if (!execution) throw new Error(`workers engine: execution ${exec} was not begun in this worker`);
    return execution;
  }

  private async parse(request: Extract<WorkerRequest, { type: 'parse' }>): Promise<Handled> {
    const execution = this.execution(request.exec);
    const files = request.files.map(blockInput);
    // The file-size limit is checked on whole files by the main thread, before they are cut.
    const { maxFileBytes: _, ...options } = readOptionsOf(execution.plan.options);
    const result = await READERS[request.source](files, options);
    // Local row numbers; the main thread adds the block's offset once earlier blocks are counted.
    const table = withArrival(result.table);
    let parts: Table[];
    if (request.key.length > 0) {
      parts = splitByKey(table, request.key, request.partitions);
    } else {
      const all = new Uint16Array(table.numRows).fill(request.fallback);
      parts = request.partitions === 1 ? [table] : splitByPartition(table, all, request.partitions);
    }
    const pieces = parts.map(toIpc);
    const reply: ParseReply = {
      read: result.read,
      valid: result.valid,
      quarantined: result.quarantined,
      prefixLines: request.files.map((f) => countLines(f.prefix)),
      bodyLines: request.files.map((f) => countLines(f.body)),
      pieces,
    };
    return { reply, transfer: buffersOf(pieces) };
  }
}
