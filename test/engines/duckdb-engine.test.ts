import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArrowEngine } from '../../engines/arrow/index.js';
import {
  createDuckDBEngine,
  DuckDBClosedError,
  type DuckDBRuntime,
  openDuckDBRuntime,
} from '../../engines/duckdb/index.js';
import { type CellValue, tableToRows } from '../../src/columns/table-rows.js';
import type { Engine, PipelineResult, RunContext } from '../../src/engine/index.js';
import { generate } from '../../src/generate/index.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { createPlan, type Plan } from '../../src/plan/index.js';
import { bytesInput } from '../../src/read/index.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { ROOT } from '../support/paths.js';

const NOW = () => Date.UTC(2025, 11, 5, 12, 0, 0);
const scratch = mkdtempSync(join(tmpdir(), 'goldsmith-duckdb-test-'));

/**
 * Inputs aimed at what a SQL translation gets wrong: America/Santiago switches to summer time at
 * local midnight (2024-09-08T04:00:00Z), so the local date changes at that exact microsecond;
 * instants before 1970 (truncating vs flooring division); ties in dedup, in event order and in
 * the transaction pick; user versions with NULL, equal and only-later `updated_at`; the same
 * session id for two users; unknown users; orphans; corrupt lines.
 */
const EDGE_EVENTS = [
  '{"event_id": "E01", "session_id": "S1", "user_id": "U1", "event_type": "page_view", "event_timestamp": "2024-09-08T03:59:59.999999Z"}',
  '{"event_id": "E02", "session_id": "S1", "user_id": "U1", "event_type": "click", "event_timestamp": "2024-09-08T04:00:00.500000Z"}',
  '{"event_id": "b", "session_id": "S1", "user_id": "U1", "event_type": "search", "event_timestamp": "2024-09-08T04:00:00.100000Z"}',
  '{"event_id": "a", "session_id": "S1", "user_id": "U1", "event_type": "scroll", "event_timestamp": "2024-09-08T04:00:00.100000Z"}',
  '{"event_id": "é", "session_id": "S1", "user_id": "U1", "event_type": "logout", "event_timestamp": "2024-09-08T04:00:00.100000Z"}',
  '{"event_id": "Z", "session_id": "S1", "user_id": "U1", "event_type": "login", "event_timestamp": "2024-09-08T04:00:00.100000Z"}',
  '{"event_id": "E03", "session_id": "S2", "user_id": "U1", "event_type": "page_view", "event_timestamp": "2024-09-08T04:00:00Z"}',
  '{"event_id": "E04", "session_id": "S2", "user_id": "U1", "event_type": "purchase", "event_timestamp": "2024-09-08T04:10:00Z", "event_details": {"amount": 1}}',
  '{"event_id": "E05", "session_id": "S3", "user_id": "U2", "event_type": "login", "event_timestamp": "2024-04-07T03:30:00Z"}',
  '{"event_id": "E06", "session_id": "S4", "user_id": "U3", "event_type": "page_view", "event_timestamp": "1969-12-31T23:59:59.500000Z"}',
  '{"event_id": "E07", "session_id": "S4", "user_id": "U3", "event_type": "click", "event_timestamp": "1970-01-01T00:00:00.250000Z"}',
  '{"event_id": "E08", "session_id": "S5", "user_id": "U4", "event_type": "page_view", "event_timestamp": "2024-05-01T12:00:00Z"}',
  '{"event_id": "E09", "session_id": "S5", "user_id": "U4", "event_type": "click", "event_timestamp": "2024-05-01T12:00:05Z"}',
  '',
  '{"event_id": "E09", "session_id": "S5", "user_id": "U4", "event_type": "scroll", "event_timestamp": "2024-05-01T12:00:05Z"}',
  '{"event_id": "E10", "session_id": "S5", "user_id": "U4", "event_type": "search", "event_timestamp": "2024-05-01T12:00:09Z"}',
  '{"event_id": "E10", "session_id": "S5", "user_id": "U4", "event_type": "logout", "event_timestamp": "2024-05-01T12:00:01Z"}',
  '{"event_id": "E11", "session_id": "S6", "user_id": "U5", "event_type": "page_view", "event_timestamp": "2024-06-01T00:00:00Z"}',
  '{"event_id": "E12", "session_id": "S6", "user_id": "U6", "event_type": "page_view", "event_timestamp": "2024-06-01T00:00:00Z"}',
  '{"event_id": "E13", "session_id": "S7", "user_id": "U1", "event_type": "page_view", "event_timestamp": "2024-09-08 00:30:00", "event_details": null}',
  '{"event_id": "BAD"',
].join('\n');

const EDGE_TRANSACTIONS = [
  'transaction_id,session_id,user_id,amount,currency,transaction_timestamp',
  'T2,S1,U1,10.00,USD,2024-09-08T04:00:00Z',
  'T10,S1,U1,20.50,USD,2024-09-08T04:00:00Z',
  'T3,S4,U3,-5.25,EUR,1970-01-01T00:00:01.500000Z',
  'T4,S2,U1,1.00,PEN,2024-09-08T03:59:00Z',
  'T5,S99,U1,5.00,USD,2024-09-08T05:00:00Z',
  'T6,S2,U9,5.00,USD,2024-09-08T05:00:00Z',
  'T7,S3,U2,1.00,USD,2024-04-07T03:40:00Z',
  'T7,S3,U2,2.00,USD,2024-04-07T03:40:00Z',
  'T8,S3,U2,abc,USD,2024-04-07T03:40:00Z',
].join('\r\n');

const EDGE_USERS = [
  'user_id,signup_date,device_type,country,updated_at',
  'U1,2024-01-15 10:00:00,Base,CL,',
  'U1,2024-01-15 10:00:00,Base2,CL,',
  'U1,2024-01-15 10:00:00,Mid,CL,2024-09-08T04:00:00Z',
  'U1,2024-01-15 10:00:00,Late,CL,2025-01-01T00:00:00Z',
  'U2,2023-02-01,Android,AR,2025-01-01T00:00:00Z',
  'U2,2023-02-01,iOS,AR,2025-02-01T00:00:00Z',
  'U3,1969-06-01T12:00:00Z,Web,PE,1969-01-01T00:00:00Z',
  'U5,2024-09-08T03:59:59Z,iOS,CL,',
  'U6,2024-09-08T04:00:00Z,Web,CL,',
  ',2024-01-01,Web,CL,',
].join('\n');

interface Case {
  name: string;
  timeZone: string;
  inputs: () => Promise<RunContext['inputs']>;
}

const FIXTURES = join(ROOT, 'test/fixtures/cases');
const CASES: Case[] = [
  ...readdirSync(FIXTURES)
    .sort()
    .map((name) => ({
      name: `fixture ${name}`,
      timeZone: name.includes('lima') ? 'America/Lima' : 'UTC',
      inputs: () => discoverInputs(join(FIXTURES, name, 'input')),
    })),
  {
    name: 'edge cases (Santiago midnight DST switch, pre-1970, ties, versions)',
    timeZone: 'America/Santiago',
    inputs: async () => ({
      events: [bytesInput('events.jsonl', EDGE_EVENTS)],
      transactions: [bytesInput('transactions.csv', EDGE_TRANSACTIONS)],
      users: [bytesInput('users.csv', EDGE_USERS)],
    }),
  },
  {
    name: 'generated: New York across the November DST switch, hourly batches, duplicates, 1% corrupt',
    timeZone: 'America/New_York',
    inputs: () => discoverInputs(join(scratch, 'generated')),
  },
];

const reference = new Map<string, PipelineResult>();

beforeAll(async () => {
  await generate({
    outDir: join(scratch, 'generated'),
    users: 300,
    sessions: 3_000,
    events: 15_000,
    transactions: 1_500,
    eventDuplicateRate: 0.03,
    corruptRate: 0.01,
    batches: 'hourly',
    start: '2025-10-25',
    days: 20,
    seed: 5,
  });
  for (const c of CASES) {
    const { result } = await runPipeline({
      inputs: await c.inputs(),
      engine: createArrowEngine(),
      plan: { timeZone: c.timeZone },
      now: NOW,
    });
    reference.set(c.name, result);
  }
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const KEYS: Record<string, readonly string[]> = {
  events: ['event_id'],
  transactions: ['transaction_id'],
  users: ['user_id', 'updated_at'],
  gold: ['session_id', 'user_id'],
};

function schemaOf(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}: ${f.type}${f.nullable ? '' : ' not null'}`);
}

/** Rows sorted by the table's key (SPEC leaves row order open). */
function rowsByKey(table: Table, key: readonly string[]): Record<string, CellValue>[] {
  const id = (row: Record<string, CellValue>) => JSON.stringify(key.map((k) => row[k]));
  return tableToRows(table).sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
}

function expectSameResult(actual: PipelineResult, expected: PipelineResult): void {
  const tables = [
    ['events', actual.silver.events, expected.silver.events],
    ['transactions', actual.silver.transactions, expected.silver.transactions],
    ['users', actual.silver.users, expected.silver.users],
    ['gold', actual.gold, expected.gold],
  ] as const;
  for (const [name, a, e] of tables) {
    expect(schemaOf(a), `${name} schema`).toEqual(schemaOf(e));
    expect(rowsByKey(a, KEYS[name]!), `${name} rows`).toEqual(rowsByKey(e, KEYS[name]!));
  }
  expect(actual.quarantined).toEqual(expected.quarantined);
  expect(actual.counts).toEqual(expected.counts);
  expect(actual.orphanTransactions).toBe(expected.orphanTransactions);
  expect(actual.sessionsWithTransaction).toBe(expected.sessionsWithTransaction);
  expect(actual.dq).toEqual(expected.dq);
  expect(actual.timings.map((t) => [t.step, t.rows])).toEqual(expected.timings.map((t) => [t.step, t.rows]));
}

const context = (inputs: RunContext['inputs'], extra: Partial<RunContext> = {}): RunContext => ({
  runId: 'duckdb-test',
  processingTimestamp: NOW() * 1000,
  inputs,
  ...extra,
});

describe('the edge-case input exercises what it claims (reference engine)', () => {
  it('has the hand-computed gold the DuckDB engines are then held to', () => {
    const result = reference.get(CASES.find((c) => c.name.startsWith('edge'))!.name)!;
    const gold = new Map(tableToRows(result.gold).map((r) => [`${r.session_id}/${r.user_id}`, r]));
    expect(gold.get('S1/U1')).toMatchObject({
      session_date: '2024-09-07', // 1 µs before the switch: still 23:59:59.999999 on the 7th
      session_duration_seconds: 1, // secs(04:00:00.5) − secs(03:59:59.999999)
      event_types: ['page_view', 'login', 'scroll', 'search', 'logout', 'click'], // Z < a < b < é
      transaction_id: 'T10', // ties with T2 on time; "T10" < "T2" byte-wise
      time_to_purchase_seconds: 1,
      device_type: 'Base2', // the NULL-updated_at base row (the later of two), as Mid starts after
    });
    expect(gold.get('S2/U1')).toMatchObject({
      session_date: '2024-09-08', // at the switch: 01:00 on the 8th
      device_type: 'Mid', // updated_at = session start is valid
      transaction_id: 'T4',
      time_to_purchase_seconds: -60,
    });
    expect(gold.get('S3/U2')).toMatchObject({
      session_date: '2024-04-06',
      device_type: 'Android',
      transaction_amount: '2.00',
    });
    expect(gold.get('S4/U3')).toMatchObject({
      session_date: '1969-12-31',
      signup_date: '1969-06-01',
      session_duration_seconds: 1, // floor: 0 − (−1); truncation would say 0
      time_to_purchase_seconds: 2, // floor: 1 − (−1); truncation would say 1
    });
    expect(gold.get('S5/U4')).toMatchObject({
      device_type: null,
      signup_date: null,
      event_types: ['page_view', 'scroll', 'search'],
    });
    expect(gold.get('S6/U5')).toMatchObject({ signup_date: '2024-09-07' });
    expect(gold.get('S6/U6')).toMatchObject({ signup_date: '2024-09-08' });
    expect(result.orphanTransactions).toBe(2);
    expect(result.quarantined.map((q) => q.reason)).toEqual([
      'malformed_json',
      'invalid_decimal:amount',
      'missing_field:user_id',
    ]);
  });
});

describe.each(['wasm', 'native'] as const)('DuckDB engine on duckdb-%s', (runtime) => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createDuckDBEngine({ runtime });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
  });

  it('is named after its runtime and runs every step kind', () => {
    expect(engine.name).toBe(`duckdb-${runtime}`);
    expect(engine.capabilities.steps).toEqual(
      createPlan()
        .steps.map((s) => s.kind)
        .filter((k, i, a) => a.indexOf(k) === i),
    );
    expect(engine.capabilities.parallel).toBe(runtime === 'native');
  });

  it.each(CASES)('$name: the whole PipelineResult equals the Arrow engine’s', async (c) => {
    const { result } = await runPipeline({
      inputs: await c.inputs(),
      engine,
      plan: { timeZone: c.timeZone },
      now: NOW,
    });
    const expected = reference.get(c.name)!;
    expectSameResult(result, expected);
    // Beyond SPEC: rows come back in the reference engine's order too (arrival column).
    expect(tableToRows(result.gold)).toEqual(tableToRows(expected.gold));
    expect(tableToRows(result.silver.events)).toEqual(tableToRows(expected.silver.events));
  });

  it('evaluates rules on any relation the plan names, and reports failures like the reference', async () => {
    const base = createPlan({
      timeZone: 'America/Santiago',
      rules: 'Rules = [ ColumnValues "total_events" >= 2, RowCount > 100, IsComplete "device_type" ]',
    });
    const plan: Plan = {
      ...base,
      steps: base.steps.map((s) =>
        s.kind === 'check-rules' ? { ...s, datasets: { ...s.datasets, sessions: 'sessions' } } : s,
      ),
    };
    const inputs = await CASES.find((c) => c.name.startsWith('edge'))!.inputs();
    const expected = await createArrowEngine().execute(plan, context(inputs));
    const actual = await engine.execute(
      plan,
      context(await CASES.find((c) => c.name.startsWith('edge'))!.inputs()),
    );
    expect(actual.dq.passed).toBe(false);
    expect(actual.dq).toEqual(expected.dq);
  });

  it('serializes concurrent runs on one engine', async () => {
    const [a, b] = CASES;
    const [ra, rb] = await Promise.all(
      [a!, b!].map(async (c) =>
        engine.execute(createPlan({ timeZone: c.timeZone }), context(await c.inputs())),
      ),
    );
    expectSameResult(ra!, reference.get(a!.name)!);
    expectSameResult(rb!, reference.get(b!.name)!);
  });
});

describe('DuckDB engine lifecycle', () => {
  it('auto picks the native runtime when @duckdb/node-api is installed', async () => {
    const engine = await createDuckDBEngine();
    try {
      expect(engine.name).toBe('duckdb-native');
    } finally {
      await engine.close();
    }
  });

  it('leaves no table behind after a run, a failed run included', async () => {
    const runtime: DuckDBRuntime = await openDuckDBRuntime('wasm');
    const engine = await createDuckDBEngine({ runtime });
    const tables = async () =>
      Number((await runtime.query('SELECT count(*) AS n FROM duckdb_tables()')).getChild('n')!.get(0));
    try {
      const c = CASES.find((x) => x.name.startsWith('edge'))!;
      await engine.execute(createPlan({ timeZone: c.timeZone }), context(await c.inputs()));
      expect(await tables()).toBe(0);

      const abort = new AbortController();
      const failed = engine.execute(
        createPlan({ timeZone: c.timeZone }),
        context(await c.inputs(), {
          signal: abort.signal,
          onStep: (t) => {
            if (t.step === 'sessionize(sessions)') abort.abort(new Error('stop here'));
          },
        }),
      );
      await expect(failed).rejects.toThrow('stop here');
      expect(await tables()).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it('close() is idempotent and a closed engine refuses to run', async () => {
    const engine = await createDuckDBEngine({ runtime: 'wasm' });
    await Promise.all([engine.close(), engine.close()]);
    await engine.close();
    await expect(engine.execute(createPlan(), context({}))).rejects.toBeInstanceOf(DuckDBClosedError);
  });

  it('runs with no input at all (every source empty)', async () => {
    for (const runtime of ['wasm', 'native'] as const) {
      const engine = await createDuckDBEngine({ runtime });
      try {
        const result = await engine.execute(createPlan({ timeZone: 'America/Lima' }), context({}));
        const expected = await createArrowEngine().execute(
          createPlan({ timeZone: 'America/Lima' }),
          context({}),
        );
        expectSameResult(result, expected);
        expect(result.gold.numRows).toBe(0);
      } finally {
        await engine.close();
      }
    }
  });
});
