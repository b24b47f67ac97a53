import type { SourceName } from '../../schemas/bronze.js';
import { goldTable } from '../../schemas/gold.js';
import type { TableDef } from '../../schemas/logical-types.js';
import { silverEventsTable, silverTransactionsTable, silverUsersTable } from '../../schemas/silver.js';
import { numberView } from '../../src/columns/column-views.js';
import { conformToSchema } from '../../src/columns/conform.js';
import type { Engine, PipelineResult, RunContext } from '../../src/engine/engine.js';
import {
  type ExecutionState,
  interpretPlan,
  type KernelTable,
  relation,
} from '../../src/engine/interpret.js';
import { type Plan, RELATIONS, STEP_KINDS, type StepNode } from '../../src/plan/index.js';
import { TimeZone } from '../../src/time/index.js';
import { arrowKernels } from '../arrow/arrow-kernels.js';
import {
  type CompileContext,
  compileFetch,
  compileStep,
  compileStepMetrics,
  compileTimeBounds,
  sqlIdent,
  TZ_OFFSETS_TABLE,
} from './duckdb-compiler.js';
import { repairEmpty, toDuckDBLayout } from './duckdb-layout.js';
import {
  DuckDBClosedError,
  type DuckDBRuntime,
  type DuckDBRuntimeChoice,
  openDuckDBRuntime,
} from './duckdb-runtime.js';
import { tzOffsetsTable } from './duckdb-tz-offsets.js';

/** Options of {@link createDuckDBEngine}. */
export interface DuckDBEngineOptions {
  /**
   * `native` (`@duckdb/node-api`), `wasm` (`@duckdb/duckdb-wasm`), or `auto` (default): native
   * when it can be imported, else wasm. Or an open {@link DuckDBRuntime} to run on (the engine
   * then owns it and closes it on `close()`).
   */
  runtime?: DuckDBRuntimeChoice | DuckDBRuntime;
}

const SILVER: Record<SourceName, TableDef> = {
  events: silverEventsTable,
  transactions: silverTransactionsTable,
  users: silverUsersTable,
};

/**
 * Relations the run hands back: the results {@link interpretPlan} returns and every dataset the
 * rules check. Only these leave DuckDB; intermediate relations stay inside it.
 */
function fetchedRelations(plan: Plan): Set<string> {
  const wanted = new Set<string>([
    RELATIONS.silverEvents,
    RELATIONS.silverTransactions,
    RELATIONS.silverUsers,
    RELATIONS.gold,
  ]);
  for (const step of plan.steps)
    if (step.kind === 'check-rules') for (const name of Object.values(step.datasets)) wanted.add(name);
  return wanted;
}

/** First row of a one-row result, as numbers (counts, bounds); NULL reads as NaN. */
async function scalars(runtime: DuckDBRuntime, sql: string): Promise<Record<string, number>> {
  const table = await runtime.query(sql);
  return Object.fromEntries(
    table.schema.fields.map((f) => [f.name, numberView(table.getChild(f.name)!)[0] ?? Number.NaN]),
  );
}

/**
 * One plan execution on a DuckDB runtime: kernels that run the compiled SQL, and the tables the
 * run creates (dropped afterwards, so the database holds nothing between runs).
 */
function duckdbKernels(
  runtime: DuckDBRuntime,
  plan: Plan,
  context: RunContext,
  created: Set<string>,
): KernelTable {
  const ctx: CompileContext = { processingTimestamp: context.processingTimestamp };
  const wanted = fetchedRelations(plan);

  const runSql = async (step: Exclude<StepNode, { kind: 'parse' | 'check-rules' }>) => {
    created.add(step.output);
    for (const sql of compileStep(step, plan.options, ctx)) {
      context.signal?.throwIfAborted();
      await runtime.exec(sql);
    }
  };
  const metrics = (step: StepNode) => scalars(runtime, compileStepMetrics(step)!);
  /** Hands a relation back as an Arrow table, in its silver/gold schema when it has one. */
  const fetch = async (state: ExecutionState, name: string, def: TableDef | undefined) => {
    if (!wanted.has(name)) return;
    context.signal?.throwIfAborted();
    const table = repairEmpty(
      await runtime.query(
        compileFetch(
          name,
          def?.columns.map((c) => c.name),
        ),
      ),
    );
    state.relations.set(name, def ? conformToSchema(table, def) : table);
  };

  return {
    async parse(step, state) {
      // SPEC §2's record contract cannot be built on DuckDB's readers (read_json with
      // ignore_errors drops lines and keeps no raw text): the reference readers parse, DuckDB
      // receives the valid rows.
      const rows = await arrowKernels.parse(step, state);
      created.add(step.output);
      await runtime.load(step.output, toDuckDBLayout(relation(state, step.output), { arrival: true }));
      if (!wanted.has(step.output)) state.relations.delete(step.output);
      return rows;
    },
    async dedup(step, state) {
      await runSql(step);
      const { input_rows: read = 0, output_rows: kept = 0 } = await metrics(step);
      const source = state.relationSource.get(step.input);
      if (source) {
        state.counts[source].duplicates += read - kept;
        state.counts[source].distinct += kept;
      }
      await fetch(state, step.output, source ? SILVER[source] : undefined);
      return kept;
    },
    async sessionize(step, state) {
      await runSql(step);
      await fetch(state, step.output, undefined);
      return (await scalars(runtime, `SELECT count(*) AS n FROM ${sqlIdent(step.output)}`)).n ?? 0;
    },
    async 'pick-transaction'(step, state) {
      await runSql(step);
      const { orphans = 0, with_transaction: withTransaction = 0 } = await metrics(step);
      state.orphanTransactions += orphans;
      state.sessionsWithTransaction += withTransaction;
      await fetch(state, step.output, undefined);
      return (await scalars(runtime, `SELECT count(*) AS n FROM ${sqlIdent(step.output)}`)).n ?? 0;
    },
    async 'snapshot-join'(step, state) {
      await runSql(step);
      await fetch(state, step.output, undefined);
      return (await scalars(runtime, `SELECT count(*) AS n FROM ${sqlIdent(step.output)}`)).n ?? 0;
    },
    async 'assemble-gold'(step, state) {
      const bounds = compileTimeBounds(step, plan.options);
      if (bounds) {
        // Dates in the run zone without ICU: the zone's offsets over exactly the instants used.
        const { lo = Number.NaN, hi = Number.NaN } = await scalars(runtime, bounds);
        const zone = TimeZone.of(plan.options.timeZone);
        created.add(TZ_OFFSETS_TABLE);
        await runtime.load(
          TZ_OFFSETS_TABLE,
          Number.isNaN(lo) ? tzOffsetsTable(zone, 0, 0) : tzOffsetsTable(zone, lo, hi),
        );
      }
      await runSql(step);
      await fetch(state, step.output, step.output === RELATIONS.gold ? goldTable : undefined);
      return (await scalars(runtime, `SELECT count(*) AS n FROM ${sqlIdent(step.output)}`)).n ?? 0;
    },
    // The rules engine is shared (evaluateRuleset, as in the Arrow engine); the tables it checks
    // are the ones fetched back from DuckDB above.
    'check-rules': arrowKernels['check-rules'],
  };
}

async function executeOn(runtime: DuckDBRuntime, plan: Plan, context: RunContext): Promise<PipelineResult> {
  const created = new Set<string>();
  try {
    return await interpretPlan(runtime.name, duckdbKernels(runtime, plan, context, created), plan, context);
  } finally {
    for (const name of created) {
      // Best effort: a failed statement must not hide the run's own error.
      await runtime.exec(`DROP TABLE IF EXISTS ${sqlIdent(name)}`).catch(() => {});
    }
  }
}

/**
 * The DuckDB engine (`--engine duckdb`, `duckdb-native`, `duckdb-wasm`): each step of the plan
 * is compiled to SQL ({@link compilePlan}) and run inside DuckDB. Parsing uses goldsmith's
 * readers (SPEC §2's record contract), whose valid rows are loaded into DuckDB; silver and gold
 * are fetched back and conformed to the exact silver/gold Arrow schemas, so the result equals
 * the Arrow engine's. The data-quality rules are evaluated by the shared rules engine
 * (`evaluateRuleset`) over those fetched tables. Runs on one engine are serialized; `close()`
 * releases the database and is idempotent.
 *
 * @example
 * const engine = await createDuckDBEngine({ runtime: 'wasm' });
 * try {
 *   const { result } = await runPipeline({ inputs, engine, plan: { timeZone: 'America/Lima' } });
 * } finally {
 *   await engine.close();
 * }
 */
export async function createDuckDBEngine(options: DuckDBEngineOptions = {}): Promise<Engine> {
  const choice = options.runtime ?? 'auto';
  const runtime = typeof choice === 'string' ? await openDuckDBRuntime(choice) : choice;
  let queue: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;
  return {
    name: runtime.name,
    capabilities: { steps: STEP_KINDS, parallel: runtime.name === 'duckdb-native' },
    execute(plan, context) {
      if (closing) return Promise.reject(new DuckDBClosedError(runtime.name));
      // One database, one run at a time: the compiled SQL uses the plan's relation names.
      const run = queue.then(() => executeOn(runtime, plan, context));
      queue = run.catch(() => {});
      return run;
    },
    close() {
      closing ??= queue.then(() => runtime.close());
      return closing;
    },
  };
}
