import type { SourceName } from '../../schemas/bronze.js';
import { evaluateRuleset, parseRuleset } from '../../src/dq/index.js';
import { type ExecutionState, type KernelTable, relation } from '../../src/engine/interpret.js';
import {
  assembleGold,
  dedupLatest,
  pickTransaction,
  sessionize,
  snapshotJoin,
} from '../../src/kernels/index.js';
import { readOptionsOf, type StepOf } from '../../src/plan/index.js';
import type { InputFile } from '../../src/read/index.js';
import {
  type ReadOptions,
  readEvents,
  readTransactions,
  readUsers,
  type SourceReadResult,
} from '../../src/read/index.js';
import { TimeZone } from '../../src/time/index.js';

const readers: Record<SourceName, (files: InputFile[], options: ReadOptions) => Promise<SourceReadResult>> = {
  events: readEvents,
  transactions: readTransactions,
  users: readUsers,
};

/** Records a parsed source's accounting and relation (shared by every engine that parses in-process). */
export function recordParsed(state: ExecutionState, step: StepOf<'parse'>, result: SourceReadResult): number {
  const counts = state.counts[step.source];
  counts.read += result.read;
  counts.valid += result.valid;
  counts.quarantined += result.quarantined.length;
  counts.bytes += result.bytes;
  for (const line of result.quarantined) state.quarantined.push(line);
  state.relations.set(step.output, result.table);
  state.relationSource.set(step.output, step.source);
  return result.table.numRows;
}

/**
 * The reference kernels: every step of the plan in pure TypeScript over Arrow tables. Other
 * engines must produce exactly what these produce.
 */
export const arrowKernels: KernelTable = {
  async parse(step, state) {
    const files = [...(state.context.inputs[step.source] ?? [])];
    const result = await readers[step.source](files, readOptionsOf(state.plan.options));
    return recordParsed(state, step, result);
  },
  dedup(step, state) {
    const input = relation(state, step.input);
    const inPlace = state.consumable(step.input); // a bronze table nothing reads after this step
    const { table, duplicates } = dedupLatest(input, step.key, step.orderBy, { inPlace });
    state.relations.set(step.output, table);
    const source = state.relationSource.get(step.input);
    if (source) {
      state.counts[source].duplicates += duplicates;
      state.counts[source].distinct += table.numRows;
    }
    return table.numRows;
  },
  sessionize(step, state) {
    const sessions = sessionize(relation(state, step.input));
    state.relations.set(step.output, sessions);
    return sessions.numRows;
  },
  'pick-transaction'(step, state) {
    const { table, orphans, withTransaction } = pickTransaction(
      relation(state, step.sessions),
      relation(state, step.transactions),
    );
    state.orphanTransactions += orphans;
    state.sessionsWithTransaction += withTransaction;
    state.relations.set(step.output, table);
    return table.numRows;
  },
  'snapshot-join'(step, state) {
    const table = snapshotJoin(relation(state, step.input), relation(state, step.users));
    state.relations.set(step.output, table);
    return table.numRows;
  },
  'assemble-gold'(step, state) {
    const { options } = state.plan;
    const gold = assembleGold(relation(state, step.input), {
      timeZone: TimeZone.of(options.timeZone),
      processingTimestamp: state.context.processingTimestamp,
      dataVersion: options.dataVersion,
      sourceSystem: options.sourceSystem,
    });
    state.relations.set(step.output, gold);
    return gold.numRows;
  },
  'check-rules'(step, state) {
    const datasets = Object.fromEntries(
      Object.entries(step.datasets).map(([name, rel]) => [name, relation(state, rel)]),
    );
    state.dq = evaluateRuleset(parseRuleset(step.rules), datasets);
    return state.dq.results.length;
  },
};
