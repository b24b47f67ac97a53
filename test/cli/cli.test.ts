import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuarantineRecord, RunReport } from '../../schemas/index.js';
import { goldsmith } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'goldsmith-cli-'));
const data = join(dir, 'd');
const warehouse = join(dir, 'w');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(root, e.name)) : [join(root, e.name)],
  );
}

describe('goldsmith generate + run (issue 2: done-when)', () => {
  let summary: {
    lines: Record<string, number>;
    corrupt: { bySource: Record<string, Record<string, number>> };
    events: number;
    transactions: number;
  };
  let report: RunReport;

  beforeAll(() => {
    const gen = goldsmith([
      'generate',
      '--out',
      data,
      '--events',
      '20000',
      '--corrupt-rate',
      '0.01',
      '--event-duplicate-rate',
      '0.02',
      '--seed',
      '1',
      '--json',
    ]);
    expect(gen.status, gen.stderr).toBe(0);
    summary = JSON.parse(gen.stdout);
    const run = goldsmith([
      'run',
      '--input',
      data,
      '--warehouse',
      warehouse,
      '--json',
      '--corrupt-threshold',
      '0.5',
    ]);
    expect(run.status, run.stderr).toBe(0);
    report = RunReport.parse(JSON.parse(run.stdout));
  });

  it('the run report accounts for every line (SPEC §2)', () => {
    for (const source of ['users', 'events', 'transactions'] as const) {
      const c = report.sources[source];
      expect(c.read).toBe(summary.lines[source]);
      expect(c.read).toBe(c.valid + c.quarantined);
      expect(c.valid).toBe(c.distinct + c.duplicates);
    }
    expect(report.sources.events.distinct).toBe(summary.events);
    expect(report.sources.transactions.distinct).toBe(summary.transactions);
    const written = JSON.parse(readFileSync(join(warehouse, '_runs', `${report.run_id}.json`), 'utf8'));
    expect(written).toEqual(report);
  });

  it('quarantine holds every corrupt line byte-exact, with the reason the generator planted', () => {
    for (const source of ['users', 'events', 'transactions'] as const) {
      const file = join(warehouse, 'quarantine', source, `${report.run_id}.jsonl`);
      if (report.sources[source].quarantined === 0) {
        // No corrupt line of this source: no file, and the generator planted none.
        expect(() => statSync(file)).toThrow();
        expect(summary.corrupt.bySource[source]).toEqual({});
        continue;
      }
      const records = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => QuarantineRecord.parse(JSON.parse(l)));
      expect(records).toHaveLength(report.sources[source].quarantined);
      const reasons: Record<string, number> = {};
      for (const r of records) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
      expect(reasons).toEqual(summary.corrupt.bySource[source]);
      const input = readFileSync(join(data, r0(records).file), 'utf8').split('\n');
      for (const r of records) {
        expect(r.raw).toBe(input[r.line - 1]!.replace(/\r$/, ''));
        expect(r.run_id).toBe(report.run_id);
      }
    }
  });

  it('DuckDB reads the gold Parquet with the SPEC §5 types and every row', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      // The Iceberg table's data files (one run: no delete files, so they hold exactly the rows).
      const glob = join(warehouse, 'gold/user_session_analysis/data/*/*.parquet');
      const described = (
        await connection.runAndReadAll(
          `DESCRIBE SELECT * EXCLUDE (session_date) FROM read_parquet('${glob}', hive_partitioning = false)`,
        )
      ).getRows();
      const types = Object.fromEntries(described.map((r) => [String(r[0]), String(r[1])]));
      expect(types).toMatchObject({
        user_id: 'VARCHAR',
        signup_date: 'DATE',
        session_start_time: 'TIMESTAMP WITH TIME ZONE',
        session_duration_seconds: 'INTEGER',
        event_types: 'VARCHAR[]',
        transaction_amount: 'DECIMAL(10,2)',
        has_transaction: 'BOOLEAN',
        processing_timestamp: 'TIMESTAMP WITH TIME ZONE',
      });
      const count = (
        await connection.runAndReadAll(
          `SELECT count(*), count(DISTINCT (session_id, user_id)) FROM read_parquet('${glob}', hive_partitioning = false)`,
        )
      ).getRows()[0]!;
      expect(Number(count[0])).toBe(report.gold.sessions);
      expect(Number(count[1])).toBe(report.gold.sessions);
      const dateType = (
        await connection.runAndReadAll(
          `SELECT typeof(session_date) FROM read_parquet('${glob}', hive_partitioning = false) LIMIT 1`,
        )
      ).getRows()[0]![0];
      expect(dateType).toBe('DATE');
      const mismatched = (
        await connection.runAndReadAll(
          `SELECT count(*) FROM read_parquet('${glob}', filename = true, hive_partitioning = false) WHERE filename NOT LIKE '%session_date_day=' || strftime(session_date, '%Y-%m-%d') || '/%'`,
        )
      ).getRows()[0]![0];
      expect(Number(mismatched)).toBe(0);
    } finally {
      connection.closeSync();
      db.closeSync();
    }
  });

  it('a failing data-quality rule exits 3, prints the report and writes nothing (SPEC §4)', () => {
    const before = files(warehouse).map((f) => [f, statSync(f).mtimeMs]);
    const rules = join(dir, 'strict.dqdl');
    writeFileSync(rules, 'Rules = [\n  IsComplete "user_id",\n  ColumnValues "total_events" <= 1\n]\n');
    // The input is ingested already: --full-refresh re-checks every gold row against the rules.
    const run = goldsmith([
      'run',
      '--input',
      data,
      '--warehouse',
      warehouse,
      '--rules',
      rules,
      '--full-refresh',
    ]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('ColumnValues "total_events" <= 1');
    expect(run.stderr).toContain('Failed');
    expect(files(warehouse).map((f) => [f, statSync(f).mtimeMs])).toEqual(before);
  });

  it('the default rule set fails a run whose events carry an unknown event_type', () => {
    const input = join(dir, 'bad-type');
    const out = join(dir, 'bad-type-wh');
    goldsmith(['generate', '--out', input, '--events', '50', '--seed', '3']);
    writeFileSync(
      join(input, 'events.jsonl'),
      `${readFileSync(join(input, 'events.jsonl'), 'utf8')}{"event_id": "X1", "session_id": "S", "user_id": "U", "event_type": "teleport", "event_timestamp": "2025-09-05T10:00:00"}\n`,
    );
    const run = goldsmith(['run', '--input', input, '--warehouse', out]);
    expect(run.status).toBe(3);
    expect(run.stderr).toContain('event_type');
    expect(() => statSync(out)).toThrow();
  });
});

describe('goldsmith demo (the README set-up command)', () => {
  it('generates data, runs the pipeline and prints a summary that matches what it wrote', () => {
    const demoData = join(dir, 'demo-data');
    const demoWarehouse = join(dir, 'demo-wh');
    const run = goldsmith(['demo', '--events', '3000', '--data', demoData, '--warehouse', demoWarehouse]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('succeeded');
    const [reportFile] = readdirSync(join(demoWarehouse, '_runs'));
    const report = RunReport.parse(
      JSON.parse(readFileSync(join(demoWarehouse, '_runs', reportFile!), 'utf8')),
    );
    expect(run.stdout).toContain(
      `gold sessions: ${report.gold.sessions} (${report.gold.with_transaction} with a transaction)`,
    );
    expect(run.stdout).toContain(`orphan transactions: ${report.orphan_transactions}`);
    expect(report.sources.events.quarantined).toBeGreaterThan(0);
    expect(
      readdirSync(join(demoWarehouse, 'gold/user_session_analysis/data')).every((d) =>
        /^session_date_day=\d{4}-\d{2}-\d{2}$/.test(d),
      ),
    ).toBe(true);
  });
});

describe('goldsmith usage errors exit 2 with a hint', () => {
  it.each([
    [['run'], '--input'],
    [['run', '--input', 'x', '--warehouse', 'y', '--bogus'], 'bogus'],
    [['run', '--input', '.', '--warehouse', 'y', '--time-zone', 'Mars/Olympus'], 'Mars/Olympus'],
    [['run', '--input', '.', '--warehouse', 'y', '--corrupt-threshold', '2'], 'corrupt-threshold'],
    [['frobnicate'], 'unknown command'],
    [['generate', '--out', 'x', '--events', '-3'], 'events'],
  ])('goldsmith %j', (args, hint) => {
    const run = goldsmith(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(hint);
  });

  it('every command has --help', () => {
    for (const command of ['run', 'generate', 'demo', 'plan', 'schema']) {
      const run = goldsmith([command, '--help']);
      expect(run.status, command).toBe(0);
      expect(run.stdout).toContain(`goldsmith ${command}`);
    }
  });

  it('goldsmith plan prints a plan that validates, and schema prints the seed DDL', () => {
    const plan = JSON.parse(goldsmith(['plan', '--time-zone', 'America/Lima']).stdout);
    expect(plan.options.timeZone).toBe('America/Lima');
    expect(plan.steps.map((s: { kind: string }) => s.kind)).toContain('sessionize');
    expect(goldsmith(['schema']).stdout).toContain('CREATE TABLE gold.user_session_analysis');
  });
});

function r0<T>(records: T[]): T {
  expect(records.length).toBeGreaterThan(0);
  return records[0]!;
}
