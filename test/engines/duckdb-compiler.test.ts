import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { floorDivSql, secondsSql } from '../../engines/duckdb/duckdb-compiler.js';
import {
  compileFetch,
  compilePlan,
  compileStep,
  compileStepMetrics,
  compileTimeBounds,
  offsetIntervals,
  TZ_OFFSETS_TABLE,
  tzOffsetsTable,
} from '../../engines/duckdb/index.js';
import { goldTable } from '../../schemas/index.js';
import { numberView } from '../../src/columns/column-views.js';
import { describeStep } from '../../src/engine/interpret.js';
import { createPlan, type Plan, type StepNode, type StepOf } from '../../src/plan/index.js';
import { TimeZone } from '../../src/time/index.js';
import { ROOT } from '../support/paths.js';

const utcPlan = createPlan();
const limaPlan = createPlan({ timeZone: 'America/Lima', sourceSystem: "it's ours", dataVersion: 7 });

function stepOf<K extends StepNode['kind']>(plan: Plan, kind: K, output?: string): StepOf<K> {
  const step = plan.steps.find(
    (s) => s.kind === kind && (output === undefined || ('output' in s && s.output === output)),
  );
  if (!step) throw new Error(`no ${kind} step`);
  return step as StepOf<K>;
}

/** One statement, whitespace collapsed, for substring assertions. */
function flat(sql: string[]): string {
  expect(sql).toHaveLength(1);
  return sql[0]!.replace(/\s+/g, ' ');
}

/**
 * Evaluates {@link floorDivSql}'s formula with DuckDB's BIGINT semantics, which BigInt shares:
 * `%` takes the dividend's sign and `//` truncates toward zero (checked against DuckDB itself in
 * duckdb-engine.test.ts through pre-1970 instants).
 */
function evalFloorDiv(x: bigint, d: bigint): bigint {
  return (x - (((x % d) + d) % d)) / d;
}

describe('compilePlan (the SQL `goldsmith plan --engine duckdb` prints)', () => {
  it('has one entry per plan step, labelled like the run timings, with SQL for every compiled step', () => {
    const compiled = compilePlan(utcPlan);
    expect(compiled.map((c) => c.step)).toEqual(utcPlan.steps.map(describeStep));
    for (const [i, { sql }] of compiled.entries()) {
      const step = utcPlan.steps[i]!;
      if (step.kind === 'parse' || step.kind === 'check-rules') {
        expect(sql.every((s) => s.startsWith('--'))).toBe(true);
        expect(compileStep(step, utcPlan.options)).toEqual([]);
      } else {
        expect(sql[0]).toMatch(new RegExp(`^CREATE OR REPLACE TABLE "${step.output}" AS`));
      }
    }
  });

  it('says where the data the rules check comes from', () => {
    const rules = compilePlan(utcPlan).find((c) => c.step === 'check-rules')!;
    expect(rules.sql[0]).toContain('evaluateRuleset');
    expect(rules.sql[0]).toContain('"silver_events", "silver_transactions", "silver_users", "gold"');
  });

  it('is pure: the compiler module imports no DuckDB package', () => {
    const source = readFileSync(`${ROOT}engines/duckdb/duckdb-compiler.ts`, 'utf8');
    expect(source).not.toMatch(/from '@duckdb|import\('@duckdb/);
  });

  it('inlines the processing timestamp when given, else reads a DuckDB variable', () => {
    const gold = stepOf(utcPlan, 'assemble-gold');
    expect(
      flat(compileStep(gold, utcPlan.options, { processingTimestamp: 1_764_936_000_000_000 })),
    ).toContain('CAST(1764936000000000 AS BIGINT) AS processing_timestamp');
    expect(flat(compileStep(gold, utcPlan.options))).toContain(
      "CAST(getvariable('processing_timestamp') AS BIGINT) AS processing_timestamp",
    );
  });
});

describe('dedup SQL (SPEC §3)', () => {
  it('keeps the greatest timestamp per key, a tie going to the later arrival', () => {
    const sql = flat(compileStep(stepOf(utcPlan, 'dedup', 'silver_events'), utcPlan.options));
    expect(sql).toContain('FROM "bronze_events" QUALIFY row_number() OVER (');
    expect(sql).toContain(
      'PARTITION BY "event_id" ORDER BY "event_timestamp" DESC NULLS LAST, _row DESC ) = 1',
    );
  });

  it('without an order column, the later arrival wins; every key part partitions (NULLs equal)', () => {
    const sql = flat(compileStep(stepOf(utcPlan, 'dedup', 'silver_users'), utcPlan.options));
    expect(sql).toContain('PARTITION BY "user_id", "updated_at" ORDER BY _row DESC ) = 1');
  });

  it('quotes plan-supplied column names', () => {
    const step: StepOf<'dedup'> = { kind: 'dedup', input: 'a', output: 'b', key: ['we"ird'], orderBy: 'o"k' };
    expect(flat(compileStep(step, utcPlan.options))).toContain('PARTITION BY "we""ird" ORDER BY "o""k" DESC');
  });

  it('reports input and output row counts (duplicates = the difference)', () => {
    expect(compileStepMetrics(stepOf(utcPlan, 'dedup', 'silver_events'))?.replace(/\s+/g, ' ')).toBe(
      'SELECT (SELECT count(*) FROM "bronze_events") AS input_rows, (SELECT count(*) FROM "silver_events") AS output_rows',
    );
  });
});

describe('sessionize SQL (SPEC §5)', () => {
  const sql = flat(compileStep(stepOf(utcPlan, 'sessionize'), utcPlan.options));

  it('orders event_types by (event_timestamp, event_id), then arrival, and keeps repeats', () => {
    expect(sql).toContain(
      "list_transform( list_sort( list({'ts': event_timestamp, 'id': event_id, 'row': _row, 'type': event_type}), 'ASC', 'NULLS FIRST' ), lambda e: e.type ) AS event_types",
    );
    expect(sql).not.toMatch(/list\(DISTINCT|array_distinct|list_distinct/);
  });

  it('takes first/last from the ordered list, counts as INTEGER, groups per (session_id, user_id)', () => {
    expect(sql).toContain('event_types[1] AS first_event_type');
    expect(sql).toContain('event_types[-1] AS last_event_type');
    expect(sql).toContain('CAST(count(*) AS INTEGER) AS total_events');
    expect(sql).toContain('min(event_timestamp) AS session_start_time');
    expect(sql).toContain('max(event_timestamp) AS session_end_time');
    expect(sql).toContain('GROUP BY session_id, user_id');
  });
});

describe('pick-transaction SQL (SPEC §5)', () => {
  const step = stepOf(utcPlan, 'pick-transaction');

  it('left-joins the earliest transaction by (timestamp, id) on (session_id, user_id)', () => {
    const sql = flat(compileStep(step, utcPlan.options));
    expect(sql).toContain(
      'PARTITION BY session_id, user_id ORDER BY transaction_timestamp ASC, transaction_id ASC, _row ASC ) = 1',
    );
    expect(sql).toContain('FROM "sessions" AS s LEFT JOIN (');
    expect(sql).toContain('ON t.session_id = s.session_id AND t.user_id = s.user_id');
  });

  it('counts orphans as transactions whose key has no session', () => {
    const metrics = compileStepMetrics(step)!.replace(/\s+/g, ' ');
    expect(metrics).toContain('FROM "silver_transactions" AS t WHERE NOT EXISTS');
    expect(metrics).toContain('WHERE s.session_id = t.session_id AND s.user_id = t.user_id');
    expect(metrics).toContain(
      '(SELECT count(*) FROM "sessions_txn" WHERE transaction_id IS NOT NULL) AS with_transaction',
    );
  });
});

describe('snapshot-join SQL (SPEC §5)', () => {
  it('takes the greatest updated_at ≤ session start (NULL = earliest possible), else the earliest version', () => {
    const sql = flat(compileStep(stepOf(utcPlan, 'snapshot-join'), utcPlan.options));
    const eligible = '(u.updated_at IS NULL OR u.updated_at <= s.session_start_time)';
    expect(sql).toContain(
      `ORDER BY ${eligible} DESC, CASE WHEN ${eligible} THEN u.updated_at END DESC NULLS LAST, ` +
        `CASE WHEN ${eligible} THEN u._row END DESC NULLS LAST, u.updated_at ASC NULLS FIRST, u._row ASC ) = 1`,
    );
    expect(sql).toContain('LEFT JOIN version AS v ON v.session_row = s._row');
  });
});

describe('assemble-gold SQL (SPEC §5)', () => {
  const utc = flat(
    compileStep(stepOf(utcPlan, 'assemble-gold'), utcPlan.options, { processingTimestamp: 0 }),
  );
  const lima = flat(
    compileStep(stepOf(limaPlan, 'assemble-gold'), limaPlan.options, { processingTimestamp: 0 }),
  );

  it('floors every instant to whole seconds with integer arithmetic before subtracting', () => {
    expect(secondsSql('x')).toBe('((x) - (((x) % 1000000) + 1000000) % 1000000) // 1000000');
    expect(utc).toContain(
      `CAST(${secondsSql('s.session_end_time')} - ${secondsSql('s.session_start_time')} AS INTEGER) AS session_duration_seconds`,
    );
    expect(utc).toContain(
      `THEN CAST(${secondsSql('s.transaction_timestamp')} - ${secondsSql('s.session_start_time')} AS INTEGER) END AS time_to_purchase_seconds`,
    );
    // No floating-point division anywhere: `/` alone would be DOUBLE in DuckDB.
    expect(utc.replaceAll('//', '')).not.toContain('/');
  });

  it('the floor formula is floor division under DuckDB semantics (truncating //, signed %)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }),
        fc.constantFrom(1_000_000n, 86_400_000_000n),
        (x, d) => {
          const expected = x >= 0n ? x / d : -((-x + d - 1n) / d);
          expect(evalFloorDiv(x, d)).toBe(expected);
        },
      ),
    );
    // The case truncation gets wrong: 1969-12-31T23:59:59.5Z is second -1, not 0.
    expect(evalFloorDiv(-500_000n, 1_000_000n)).toBe(-1n);
  });

  it('takes dates from the local day number: without a zone table in UTC, via tz_offsets otherwise', () => {
    expect(utc).toContain(
      `DATE '1970-01-01' + CAST(${floorDivSql('s.session_start_time + 0', '86400000000')} AS INTEGER) AS session_date`,
    );
    expect(utc).not.toContain(TZ_OFFSETS_TABLE);
    expect(compileTimeBounds(stepOf(utcPlan, 'assemble-gold'), utcPlan.options)).toBeUndefined();
    expect(lima).toContain(
      `DATE '1970-01-01' + CAST(${floorDivSql('s.session_start_time + zs.offset_us', '86400000000')} AS INTEGER) AS session_date`,
    );
    expect(lima).toContain(
      'LEFT JOIN tz_offsets AS zs ON s.session_start_time >= zs.from_us AND s.session_start_time < zs.to_us',
    );
    expect(lima).toContain(
      'LEFT JOIN tz_offsets AS zu ON s.signup_time >= zu.from_us AND s.signup_time < zu.to_us',
    );
    expect(lima).toContain('CASE WHEN s.signup_time IS NULL THEN NULL ELSE');
    expect(compileTimeBounds(stepOf(limaPlan, 'assemble-gold'), limaPlan.options)?.replace(/\s+/g, ' ')).toBe(
      'SELECT least(min(session_start_time), min(signup_time)) AS lo, greatest(max(session_start_time), max(signup_time)) AS hi FROM "sessions_user"',
    );
  });

  it('adds has_transaction and the run constants, quoting strings', () => {
    expect(utc).toContain(
      '(s.transaction_id IS NOT NULL AND s.transaction_timestamp IS NOT NULL) AS has_transaction',
    );
    expect(lima).toContain("CAST(7 AS INTEGER) AS data_version, 'it''s ours' AS source_system");
  });

  it('selects the gold columns in SPEC §5 order', () => {
    const names = [...utc.matchAll(/ AS ([a-z_]+)(?=,| FROM)|s\.([a-z_]+)(?=,| FROM)/g)]
      .map((m) => m[1] ?? m[2])
      .filter((n) => n !== '_row');
    expect(names.slice(-22)).toEqual(goldTable.columns.map((c) => c.name));
  });

  it('fetches relations back in arrival order', () => {
    expect(compileFetch('gold', ['a', 'b']).replace(/\s+/g, ' ')).toBe(
      'SELECT "a", "b" FROM "gold" ORDER BY _row',
    );
    expect(compileFetch('sessions').replace(/\s+/g, ' ')).toBe(
      'SELECT * EXCLUDE (_row) FROM "sessions" ORDER BY _row',
    );
  });
});

describe('tz_offsets (the run zone without ICU)', () => {
  const us = (iso: string) => Date.parse(iso) * 1000;

  it('splits New York 2024 exactly at both DST switches', () => {
    const { from, to, offset } = offsetIntervals(
      TimeZone.of('America/New_York'),
      us('2024-01-01T00:00:00Z'),
      us('2025-01-01T00:00:00Z'),
    );
    expect(from.map((f) => new Date(f / 1000).toISOString())).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-03-10T07:00:00.000Z',
      '2024-11-03T06:00:00.000Z',
    ]);
    expect(to.slice(0, -1)).toEqual(from.slice(1));
    expect(to.at(-1)).toBe(us('2025-01-01T00:00:00Z') + 1);
    expect(offset.map((o) => o / 3_600_000_000)).toEqual([-5, -4, -5]);
  });

  it('finds a switch off the hour to the second (Lima leaving local mean time in 1908)', () => {
    const lima = TimeZone.of('America/Lima');
    const { from, offset } = offsetIntervals(lima, us('1908-01-01T00:00:00Z'), us('1909-01-01T00:00:00Z'));
    expect(from).toHaveLength(2);
    const at = from[1]!;
    expect(Math.abs(at % 1_000_000)).toBe(0); // on a whole second…
    expect(Math.abs(at % 3_600_000_000)).not.toBe(0); // …that is not on the hour
    expect(lima.offsetSecondsAt(at - 1)).not.toBe(lima.offsetSecondsAt(at));
    expect(offset).toEqual([lima.offsetSecondsAt(at - 1) * 1e6, lima.offsetSecondsAt(at) * 1e6]);
    // Local mean time (−5:08:xx, seconds depend on the tz data version), then −5:00.
    expect(Math.abs(offset[0]! % 60_000_000)).not.toBe(0);
    expect(offset[1]).toBe(-5 * 3_600_000_000);
  });

  it('agrees with TimeZone at every instant of any range (property)', () => {
    const zones = ['America/New_York', 'Europe/London', 'America/Lima', 'Australia/Lord_Howe', 'UTC'].map(
      (z) => TimeZone.of(z),
    );
    const lo = us('1960-01-01T00:00:00Z');
    const hi = us('2030-01-01T00:00:00Z');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: lo, max: hi }),
        fc.integer({ min: 0, max: 400 * 86_400_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (zone, start, span, where) => {
          const end = Math.min(start + span, hi);
          const intervals = offsetIntervals(zone, start, end);
          const probe = Math.floor(start + (end - start) * where);
          const i = intervals.from.findIndex((f, k) => f <= probe && probe < intervals.to[k]!);
          expect(i).toBeGreaterThanOrEqual(0);
          expect(intervals.offset[i]).toBe(zone.offsetSecondsAt(probe) * 1e6);
          for (let k = 1; k < intervals.from.length; k++) {
            const at = intervals.from[k]!;
            expect(zone.offsetSecondsAt(at - 1)).not.toBe(zone.offsetSecondsAt(at));
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('builds the BIGINT table the SQL joins', () => {
    const table = tzOffsetsTable(
      TimeZone.of('Europe/London'),
      us('2024-03-01T00:00:00Z'),
      us('2024-04-01T00:00:00Z'),
    );
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'from_us:Int64',
      'to_us:Int64',
      'offset_us:Int64',
    ]);
    expect(Array.from(numberView(table.getChild('from_us')!))).toEqual([
      us('2024-03-01T00:00:00Z'),
      us('2024-03-31T01:00:00Z'),
    ]);
    expect(Array.from(numberView(table.getChild('offset_us')!))).toEqual([0, 3_600_000_000]);
  });
});
