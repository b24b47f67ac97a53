import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArrowEngine } from '../../engines/arrow/index.js';
import { BlockCutter, cutBlocks } from '../../engines/workers/block-cutter.js';
import { compileForWorkers, createWorkersEngine } from '../../engines/workers/index.js';
import { WorkerRuntime } from '../../engines/workers/worker-runtime.js';
import { executeOnPool } from '../../engines/workers/workers-engine.js';
import type { RequestPool } from '../../engines/workers/workers-pool.js';
import type { Engine, PipelineResult, RunContext } from '../../src/engine/index.js';
import { generate } from '../../src/generate/index.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { createPlan, RELATIONS, STEP_KINDS } from '../../src/plan/index.js';
import {
  bytesInput,
  type InputFile,
  InputFormatError,
  type LineBatch,
  LineSplitter,
} from '../../src/read/index.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { expectSameResult } from '../conformance/compare.js';
import { ROOT, SPARK_PEER } from '../support/paths.js';

const NOW = () => Date.UTC(2025, 11, 5, 12, 0, 0);
const reference = createArrowEngine();
const engines = new Map<string, Engine>();
/** A workers engine, shared by the tests that ask for the same settings and closed after the suite. */
function workers(threads: number, blockBytes: number): Engine {
  const key = `${threads}/${blockBytes}`;
  let engine = engines.get(key);
  if (!engine) {
    engine = createWorkersEngine({ threads, blockBytes });
    engines.set(key, engine);
  }
  return engine;
}

const scratch = mkdtempSync(join(tmpdir(), 'goldsmith-workers-'));
afterAll(async () => {
  await Promise.all([...engines.values()].map((e) => e.close()));
  rmSync(scratch, { recursive: true, force: true });
});

/** Same result as the reference, rows and quarantine in the same order. */
function expectIdentical(actual: PipelineResult, expected: PipelineResult): void {
  expectSameResult(actual, expected, { ordered: true });
}

async function run(engine: Engine, inputs: RunContext['inputs'], timeZone = 'UTC'): Promise<PipelineResult> {
  return (await runPipeline({ inputs, engine, plan: { timeZone }, now: NOW })).result;
}

describe('workers engine: the whole result equals the arrow engine’s', () => {
  const cases = [
    {
      name: 'fixture lima-time-zone',
      dir: join(ROOT, 'test/fixtures/cases/lima-time-zone/input'),
      tz: 'America/Lima',
      small: 1,
    },
    {
      name: 'fixture mixed-utc',
      dir: join(ROOT, 'test/fixtures/cases/mixed-utc/input'),
      tz: 'UTC',
      small: 1,
    },
    // ~2,400 lines: 512-byte blocks still cut every file a few hundred times.
    { name: 'spark peer bronze', dir: join(SPARK_PEER, 'bronze'), tz: 'America/Lima', small: 512 },
  ];

  it.each(cases)(
    '$name, cut into tiny blocks ($small B) and into 4 KiB blocks',
    async ({ dir, tz, small }) => {
      const expected = await run(reference, await discoverInputs(dir), tz);
      expect(expected.gold.numRows).toBeGreaterThan(0);
      for (const engine of [workers(2, small), workers(3, 4096)]) {
        expectIdentical(await run(engine, await discoverInputs(dir), tz), expected);
      }
    },
  );

  describe('seeded generated data: 1% corrupt lines, event retries, duplicate transactions', () => {
    let expected: PipelineResult;
    let expectedHourly: PipelineResult;
    beforeAll(async () => {
      const common = { users: 800, sessions: 12_000, events: 50_000, transactions: 6_000, lateRate: 0.05 };
      await generate({
        ...common,
        outDir: join(scratch, 'flat'),
        duplicateRate: 0.02,
        eventDuplicateRate: 0.03,
        corruptRate: 0.01,
        seed: 7,
      });
      await generate({
        ...common,
        events: 8_000,
        sessions: 2_000,
        transactions: 900,
        outDir: join(scratch, 'hourly'),
        duplicateRate: 0.02,
        eventDuplicateRate: 0.02,
        corruptRate: 0.01,
        seed: 8,
        batches: 'hourly',
      });
      expected = await run(reference, await discoverInputs(join(scratch, 'flat')), 'America/Lima');
      expectedHourly = await run(reference, await discoverInputs(join(scratch, 'hourly')), 'UTC');
    }, 120_000);

    it('the reference run has what the case is about (corrupt lines, duplicates, orphans)', () => {
      expect(expected.counts.events.quarantined).toBeGreaterThan(300);
      expect(expected.counts.events.duplicates).toBeGreaterThan(1000);
      expect(expected.counts.transactions.duplicates).toBeGreaterThan(50);
      expect(expected.quarantined.some((q) => q.source === 'transactions')).toBe(true);
    });

    it.each([1, 2, 3])(
      'threads = %i, 32 KiB blocks: identical result, rows in the same order',
      async (threads) => {
        const engine = workers(threads, 32 * 1024);
        expectIdentical(
          await run(engine, await discoverInputs(join(scratch, 'flat')), 'America/Lima'),
          expected,
        );
      },
    );

    it('hourly arrival files (many files per source), 2 threads, 2 KiB blocks', async () => {
      const engine = workers(2, 2048);
      expectIdentical(
        await run(engine, await discoverInputs(join(scratch, 'hourly')), 'UTC'),
        expectedHourly,
      );
    });

    it('the same engine twice gives the same result (workers keep nothing between runs)', async () => {
      const engine = workers(2, 64 * 1024);
      const inputs = await discoverInputs(join(scratch, 'flat'));
      const once = await run(engine, inputs, 'America/Lima');
      const twice = await run(engine, inputs, 'America/Lima');
      expectIdentical(twice, once);
      expectIdentical(once, expected);
    });
  });
});

const EVENT = (id: string, session: string, user: string, type: string, ts: string) =>
  `{"event_id":"${id}","session_id":"${session}","user_id":"${user}","event_type":"${type}","event_timestamp":"${ts}","event_details":{"page_url":"/p"}}`;
const BOM = '\uFEFF';
const TXN_HEADER = 'transaction_id,session_id,user_id,amount,currency,transaction_timestamp';
const USERS_HEADER = 'user_id,signup_date,device_type,country,updated_at';

/** Bronze files full of corner cases, delivered in odd chunk sizes. */
function cornerCases(): Record<'events' | 'transactions' | 'users', InputFile[]> {
  const chunkSize = [1, 3, 7, 64];
  const events = [
    `${BOM}${EVENT('E1', 'S1', 'U1', 'page_view', '2024-11-15T14:30:00')}\r\n`,
    '\r\n',
    '  \t \n',
    `${EVENT('E2', 'S1', 'U1', 'click', '2024-11-15T14:31:00')}\n`,
    'not json at all\n',
    `${BOM}${EVENT('E3', 'S1', 'U1', 'click', '2024-11-15T14:32:00')}\n`,
    '[1,2,3]\n',
    `${EVENT('E1', 'S1', 'U1', 'scroll', '2024-11-15T14:35:00')}\n`,
    `${EVENT('E5', 'S2', 'U2', 'login', '2024-11-15T09:00:00Z')}\n`,
    `${EVENT('E6', 'S2', 'U9', 'purchase', 'not a time')}\n`,
    `${EVENT('E2', 'S1', 'U1', 'search', '2024-11-15T14:31:00')}\n`,
    `${EVENT('E7', 'S3', 'U2', 'logout', '2024-11-16 08:00:00.123456')}\n`,
    'x',
  ].join('');
  const transactions = [
    `${BOM}\r\n`,
    `${TXN_HEADER}\r\n`,
    'T1,S1,U1,10.50,USD,2024-11-15 14:45:00\r\n',
    '"T2","S1","U1","1,250.50",USD,2024-11-15 14:46:00\n',
    '"T3\nsecond line, still T3",S2,U2,5.00,PEN,2024-11-15 10:00:00\n',
    'T4,S2,U2,abc,USD,2024-11-15 10:00:00\n',
    'T5,S"2,U2,1.00,USD,2024-11-15 10:00:00\n',
    'T6,S2,U2,1.00,usd,2024-11-15 10:00:00\n',
    '\n',
    '"T7 ""quoted""",S2,U2,7.25,EUR,2024-11-15 09:59:59\n',
    'T8,S9,U9,3.00,USD,2024-11-15 10:00:00\n',
    'T1,S1,U1,10.50,USD,2024-11-15 14:45:00',
  ].join('');
  const users = [
    `${USERS_HEADER}\n`,
    'U1,2024-03-15 14:23:00,iOS,PE,\n',
    'U1,2024-03-15,"Android, beta",PE,2024-11-15 14:00:00\n',
    '"U2","2024-01-01","Web\nkiosk",US,\n',
    ',2024-01-01,Web,US,\n',
    'U3,2024-13-45,Web,US,\n',
    'U2,2024-01-01,Web,US,2024-11-15 08:00:00\n',
  ].join('');
  return {
    events: [
      bytesInput('events/a.jsonl', events, { chunkSize }),
      // A second file under the same path, right after: its lines are numbered on their own, and
      // with small blocks the first file's short last block must not share a task with it.
      bytesInput(
        'events/a.jsonl',
        `\n{"event_id":\n${EVENT('E8', 'S2', 'U2', 'click', '2024-11-15T09:01:00Z')}\n`,
      ),
      bytesInput('events/b-empty.jsonl', ''),
      bytesInput('events/c-blank.jsonl', '\n  \n\r\n'),
      bytesInput('events/d.jsonl', `${EVENT('E1', 'S1', 'U1', 'checkout', '2024-11-15T14:35:00')}\n`),
    ],
    transactions: [
      bytesInput('transactions/a.csv', transactions, { chunkSize }),
      bytesInput('transactions/b-header-only.csv', `${TXN_HEADER}\n`),
      bytesInput('transactions/c-empty.csv', ''),
      bytesInput(
        'transactions/d.csv',
        `\n${TXN_HEADER.split(',').reverse().join(',')}\n2024-11-15 10:00:01,USD,1.00,U2,S2,T9\n`,
      ),
    ],
    users: [bytesInput('users/a.csv', users, { chunkSize })],
  };
}

describe('workers engine: corner cases of block cutting', () => {
  it.each([1, 2, 5, 40, 1 << 20])(
    'blocks of %i bytes: BOM, CRLF, blank lines, quoted line breaks, last line without newline, empty and header-only files',
    async (blockBytes) => {
      const inputs = cornerCases();
      const expected = await run(reference, inputs);
      // The reference's reading of this input, which the workers engine must reproduce exactly.
      const where = expected.quarantined.map((q) => `${q.file}:${q.line} ${q.reason}`);
      expect(where).toContain('transactions/a.csv:4 invalid_decimal:amount'); // physical lines, CRLF, BOM
      expect(where).toContain('events/a.jsonl:6 malformed_json'); // U+FEFF past the file start is data
      expect(where).toContain('users/a.csv:6 missing_field:user_id'); // after a quoted line break
      expect(where).toContain('events/a.jsonl:13 malformed_json'); // last line, no line break
      expect(where).toContain('events/a.jsonl:2 malformed_json'); // the second file named a.jsonl
      expect(expected.gold.numRows).toBe(3);
      expect(expected.silver.transactions.numRows).toBeGreaterThan(3);
      expectIdentical(await run(workers(3, blockBytes), inputs), expected);
    },
  );

  it('no input files at all: empty tables in the silver and gold schemas', async () => {
    const expected = await run(reference, {});
    const actual = await run(workers(2, 16), {});
    expectIdentical(actual, expected);
    expect(actual.gold.numRows).toBe(0);
  });

  it('a CSV header that lacks a column fails the run with the reference’s InputFormatError', async () => {
    const inputs = {
      transactions: [
        bytesInput('t/a.csv', `${TXN_HEADER}\nT1,S1,U1,1.00,USD,2024-11-15 10:00:00\n`),
        bytesInput('t/b.csv', 'transaction_id,session_id,amount,currency\nT2,S1,1.00,USD\nT3,S1,2.00,USD\n'),
      ],
    };
    const failure = (engine: Engine) =>
      run(engine, inputs).then(
        () => undefined,
        (error: unknown) => error,
      );
    const expected = await failure(reference);
    const actual = await failure(workers(2, 8));
    expect(expected).toBeInstanceOf(InputFormatError);
    expect(actual).toBeInstanceOf(InputFormatError);
    expect((actual as InputFormatError).message).toBe((expected as InputFormatError).message);
    expect((actual as InputFormatError).file).toBe('t/b.csv');
    expect((actual as InputFormatError).missingColumns).toEqual(['user_id', 'transaction_timestamp']);
  });

  it('property: random line soups equal the reference whatever the block size and thread count', async () => {
    const eventLine = fc.constantFrom(
      EVENT('E1', 'S1', 'U1', 'click', '2024-11-15T14:30:00'),
      EVENT('E1', 'S1', 'U1', 'scroll', '2024-11-15T14:30:00'),
      EVENT('E2', 'S1', 'U1', 'page_view', '2024-11-15T14:29:00'),
      EVENT('E3', 'S2', 'U2', 'login', '2024-11-15T14:29:00Z'),
      `${BOM}${EVENT('E4', 'S2', 'U2', 'login', '2024-11-15T14:29:00Z')}`,
      '{"event_id":"E9"}',
      'garbage',
      '',
      ' \t',
    );
    const csvField = fc.constantFrom(
      'T1',
      'T2',
      'S1',
      'U1',
      '"T1"',
      '"a,b"',
      '"x\ny"',
      '"q""q"',
      'a"b',
      '',
      '1.00',
      'USD',
    );
    const txnLine = fc.oneof(
      fc.constantFrom(
        'T1,S1,U1,1.50,USD,2024-11-15 14:31:00',
        'T2,S2,U2,2.00,PEN,2024-11-15 14:00:00',
        '',
        ' ',
      ),
      fc.array(csvField, { minLength: 1, maxLength: 7 }).map((fields) => fields.join(',')),
    );
    const ending = fc.constantFrom('\n', '\r\n');
    const file = <T extends string>(line: fc.Arbitrary<T>) =>
      fc
        .tuple(fc.array(fc.tuple(line, ending), { maxLength: 14 }), fc.boolean())
        .map(([lines, lastNewline]) => {
          const text = lines.map(([l, e]) => l + e).join('');
          return lastNewline ? text : text.replace(/\r?\n$/, '');
        });
    const engine3 = workers(3, 1);
    const engine2 = workers(2, 23);
    // The header may be preceded by blank lines and may itself span lines (a quoted extra column).
    const header = fc.constantFrom(`${TXN_HEADER}\n`, `\r\n${TXN_HEADER},"note\nmore"\r\n`);
    await fc.assert(
      fc.asyncProperty(
        file(eventLine),
        file(txnLine),
        header,
        fc.boolean(),
        async (events, txns, head, bom) => {
          const inputs = {
            events: [bytesInput('e.jsonl', events, { chunkSize: [2, 5] })],
            transactions: [bytesInput('t.csv', `${bom ? BOM : ''}${head}${txns}`, { chunkSize: [3, 1] })],
          };
          const expected = await run(reference, inputs);
          expectIdentical(await run(engine3, inputs), expected);
          expectIdentical(await run(engine2, inputs), expected);
        },
      ),
      { numRuns: 25, seed: 20251205 },
    );
  });
});

/** UTF-8 text, a BOM kept as U+FEFF. */
const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

describe('BlockCutter', () => {
  async function blocks(text: string, csv: boolean, blockBytes: number) {
    const out = [];
    const stats = { bytes: 0 };
    for await (const block of cutBlocks(
      bytesInput('f', text, { chunkSize: [3, 1, 8] }),
      { csv, blockBytes },
      stats,
    )) {
      out.push({
        prefix: utf8(block.prefix ?? new Uint8Array()),
        body: utf8(block.body),
      });
    }
    return { out, bytes: stats.bytes };
  }

  it('cuts JSON Lines after the first line break past the block size; the bodies concatenate to the file', async () => {
    const text = 'aaaa\nbb\ncccccc\nd\n\ne';
    const { out, bytes } = await blocks(text, false, 5);
    expect(out.map((b) => b.body)).toEqual(['aaaa\n', 'bb\ncccccc\n', 'd\n\ne']);
    expect(out.map((b) => b.prefix)).toEqual(['', '\n', '\n']);
    expect(bytes).toBe(new TextEncoder().encode(text).length);
  });

  it('cuts CSV only between records, repeats the header (with what precedes it) in every later block', async () => {
    const text = '\uFEFF\nh1,h2\n"a\nb",1\nc,"d\n"\n\ne"f,2\ng,3';
    const { out } = await blocks(text, true, 1);
    expect(out.map((b) => b.body)).toEqual([
      '\uFEFF\nh1,h2\n"a\nb",1\n',
      'c,"d\n"\n',
      '\n',
      'e"f,2\n',
      'g,3',
    ]);
    expect(new Set(out.slice(1).map((b) => b.prefix))).toEqual(new Set(['\uFEFF\nh1,h2\n']));
  });

  it('cuts where the reference splitter ends records (property over random CSV text)', async () => {
    const alphabet = fc.constantFrom('a', ',', '"', '\n', '\r', ' ');
    await fc.assert(
      fc.asyncProperty(
        fc.array(alphabet, { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        async (chars, size) => {
          const text = `h,"x\n"\n${chars.join('')}`;
          const { out } = await blocks(text, true, size);
          expect(out.map((b) => b.body).join('')).toBe(text);
          // Every cut must be a record end for the reference splitter: records read whole equal
          // records read block by block.
          const records = (input: string) => {
            const splitter = new LineSplitter({ csvQuotes: true });
            const found: string[] = [];
            const take = (batches: Iterable<LineBatch>) => {
              // A batch is reused by the splitter: read it before asking for the next.
              for (const batch of batches) {
                for (let k = 0; k < batch.count; k++) {
                  found.push(utf8(batch.bytes.subarray(batch.starts[k]!, batch.ends[k]!)));
                }
              }
            };
            take(splitter.push(new TextEncoder().encode(input)));
            take(splitter.finish());
            return found;
          };
          const whole = records(text);
          const pieces = out.flatMap((b, i) =>
            i === 0 ? records(b.body) : records(b.prefix + b.body).slice(1),
          );
          expect(pieces).toEqual(whole);
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });

  it('rejects a non-positive block size', () => {
    expect(() => new BlockCutter('f', { csv: false, blockBytes: 0 })).toThrow(RangeError);
  });
});

describe('workers engine: plan compilation, options, lifecycle', () => {
  it('runs the same protocol in-process (worker runtimes called directly, messages cloned with transfer)', async () => {
    const runtimes = [new WorkerRuntime(), new WorkerRuntime(), new WorkerRuntime()];
    let next = 0;
    const execs = new Set<string>();
    const pool: RequestPool = {
      size: runtimes.length,
      async run(target, request, transfer = []) {
        execs.add(request.exec);
        const runtime = runtimes[target === 'any' ? next++ % runtimes.length : target]!;
        const { reply, transfer: back } = await runtime.handle(
          structuredClone(request, { transfer: [...transfer] }),
        );
        return structuredClone(reply, { transfer: back }) as never;
      },
    };
    const plan = createPlan();
    const context = { runId: 'r', processingTimestamp: NOW() * 1000, inputs: cornerCases() };
    const expected = await reference.execute(plan, context);
    expectIdentical(await executeOnPool(pool, plan, context, 7), expected);
    // The run's partitions are dropped at its end.
    expect(execs.size).toBe(1);
    const [exec] = [...execs];
    const gather = runtimes[0]!.handle({ type: 'gather', exec: exec!, relation: RELATIONS.gold });
    await expect(gather).rejects.toThrow(/was not begun/);
  });

  it('hashes bronze transactions by the session key; events and users stay in arrival blocks', () => {
    // Dedup shuffles key columns only and sessionize five columns, so only the transaction join
    // needs whole rows together.
    const program = compileForWorkers(createPlan());
    expect(Object.fromEntries(program.parseKeys)).toEqual({
      bronze_events: [],
      bronze_transactions: ['session_id', 'user_id'],
      bronze_users: [],
    });
    expect(program.stages.find((s) => s.step.kind === 'sessionize')?.inputs[0]?.need).toEqual({
      kind: 'hashed',
      key: ['session_id', 'user_id'],
      exact: false,
      columns: ['session_id', 'user_id', 'event_id', 'event_type', 'event_timestamp'],
    });
    expect(program.stages.map((s) => s.runs)).toEqual([
      'main',
      'main',
      'main',
      'workers',
      'workers',
      'workers',
      'workers',
      'workers',
      'workers',
      'workers',
      'main',
    ]);
    expect(program.stages.find((s) => s.step.kind === 'snapshot-join')?.inputs[1]?.need).toEqual({
      kind: 'broadcast',
    });
  });

  it('declares every step kind and parallelism', () => {
    const engine = createWorkersEngine({ threads: 1 });
    expect(engine.name).toBe('workers');
    expect(engine.capabilities.parallel).toBe(true);
    expect(engine.capabilities.steps).toEqual(STEP_KINDS);
  });

  it('rejects bad options early', () => {
    expect(() => createWorkersEngine({ threads: 0 })).toThrow(RangeError);
    expect(() => createWorkersEngine({ threads: 1.5 })).toThrow(RangeError);
    expect(() => createWorkersEngine({ blockBytes: -1 })).toThrow(RangeError);
  });

  it('honours an aborted signal, and close() is idempotent and final', async () => {
    const engine = createWorkersEngine({ threads: 1 });
    const plan = createPlan();
    const context: RunContext = {
      runId: 'r',
      processingTimestamp: 0,
      inputs: cornerCases(),
      signal: AbortSignal.abort(),
    };
    await expect(engine.execute(plan, context)).rejects.toThrow(/abort/i);
    const { signal: _aborted, ...live } = context;
    const result = await engine.execute(plan, live);
    expect(result.silver.events.numRows).toBeGreaterThan(0);
    await engine.close();
    await engine.close();
    await expect(engine.execute(plan, live)).rejects.toThrow(/close/);
  });
});
