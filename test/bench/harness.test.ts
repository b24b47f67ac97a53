import { describe, expect, it } from 'vitest';
import { parseBenchArgs, parseCount } from '../../bench/args.js';
import { baselineScript, GOLD_COLUMNS, sqlString } from '../../bench/baseline-sql.js';
import { niceScale, renderChart } from '../../bench/chart.js';
import { datasetOptions } from '../../bench/datasets.js';
import { machineBusySeconds, parseGnuTime } from '../../bench/measure.js';
import {
  addBaselineRatios,
  formatTable,
  otherLoadShare,
  type ResultRow,
  spread,
  summarizeRow,
} from '../../bench/results.js';
import { goldArrowSchema } from '../../schemas/index.js';

describe('bench harness pieces', () => {
  it('reads sizes like 1e6, 2.5M, 500k and 5_000_000', () => {
    expect(parseCount('1e6', 'events')).toBe(1_000_000);
    expect(parseCount('2.5M', 'events')).toBe(2_500_000);
    expect(parseCount('500k', 'events')).toBe(500_000);
    expect(parseCount('5_000_000', 'events')).toBe(5_000_000);
    expect(() => parseCount('1.5', 'runs')).toThrow(/whole number/);
    expect(() => parseCount('lots', 'events')).toThrow(/--events lots/);
    const options = parseBenchArgs(['--events', '5e6,1e6,1e6', '--engines', 'arrow,baseline', '--runs', '2']);
    expect(options).toMatchObject({
      events: [1_000_000, 5_000_000],
      engines: ['arrow', 'baseline'],
      runs: 2,
    });
  });

  it('shapes datasets as users = events/100, sessions = events/4, transactions = events/10, no corruption', () => {
    expect(datasetOptions(1_000_000, 'single', '/d')).toMatchObject({
      users: 10_000,
      sessions: 250_000,
      transactions: 100_000,
      corruptRate: 0,
      batches: 'none',
    });
  });

  it("parses GNU time's output, also after a non-zero exit note", () => {
    expect(parseGnuTime('8.28 6.43 0.71 629844\n')).toEqual({
      userSeconds: 6.43,
      systemSeconds: 0.71,
      peakRssBytes: 629_844 * 1024,
    });
    expect(parseGnuTime('Command exited with non-zero status 1\n0.05 0.04 0.01 40000\n').peakRssBytes).toBe(
      40_000 * 1024,
    );
    expect(() => parseGnuTime('nonsense')).toThrow(/GNU time/);
  });

  it('reads machine busy time from /proc/stat (user+nice+system+irq+softirq+steal, 100 ticks/s)', () => {
    expect(machineBusySeconds('cpu  100 0 50 1000 20 5 5 0 0 0\ncpu0 1 2 3\n')).toBe(1.6);
    expect(machineBusySeconds('intr 1 2 3\n')).toBeUndefined();
    const rows = [
      { runs: [{ wall_s: 10, other_cpu_s: 2 }, { wall_s: 10, other_cpu_s: 0 }, { wall_s: 5 }] },
    ] as unknown as ResultRow[];
    // 2 CPU-s of others over 2 runs × 10 s × 2 cores = 5%
    expect(otherLoadShare(rows, 2)).toBeCloseTo(0.05, 12);
  });

  it('summarizes runs: median and min–max, events/s and MB/s from the median, ratio to the baseline', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(spread([])).toBeUndefined();
    const row = (engine: string, walls: number[]): ResultRow =>
      summarizeRow({
        engine,
        events: 1_000,
        event_lines: 1_000,
        input_bytes: 2_000_000,
        status: 'ok',
        runs: walls.map((wall_s) => ({ wall_s, cpu_s: wall_s, peak_rss_bytes: 100 * 2 ** 20 })),
      });
    const rows = [row('arrow', [2, 4, 3]), row('baseline', [1, 1.5, 2])];
    addBaselineRatios(rows);
    expect(rows[0]).toMatchObject({ events_per_s: 1_000 / 3, mb_per_s: 2 / 3, ratio_to_baseline: 2 });
    expect(rows[1]?.ratio_to_baseline).toBe(1);
    const table = formatTable([
      ...rows,
      {
        ...rows[0],
        engine: 'workers',
        status: 'unavailable',
        reason: 'the CLI rejects --engine workers',
        runs: [],
      } as ResultRow,
    ]);
    expect(table).toContain('3.00 [2.00–4.00]');
    expect(table).toMatch(/workers\s+1,000\s+unavailable: the CLI rejects --engine workers/);
    const svg = renderChart(rows, 'test <machine>');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('test &#60;machine&#62;');
    expect(svg.match(/<rect x=/g)?.length).toBe(4); // 2 engines × (throughput, memory)
  });

  it('picks round chart scales', () => {
    expect(niceScale(37_873)).toEqual({ max: 40_000, step: 10_000 });
    expect(niceScale(256)).toEqual({ max: 300, step: 100 });
    expect(niceScale(0)).toEqual({ max: 1, step: 0.2 });
  });

  it('writes the gold columns in the schema order and quotes paths', () => {
    expect([...GOLD_COLUMNS]).toEqual(goldArrowSchema.fields.map((f) => f.name));
    expect(sqlString("it's")).toBe("'it''s'");
    const statements = baselineScript(
      { events: ["/d/o'neil/events.jsonl"], transactions: [], users: [] },
      { usersHaveUpdatedAt: false, warehouse: '/w/' },
    );
    expect(statements.map((s) => s.step)).toEqual([
      'set-time-zone',
      'dedup(silver_events)',
      'dedup(silver_transactions)',
      'dedup(silver_users)',
      'gold',
      'check-rules',
      'write(silver_events)',
      'write(silver_transactions)',
      'write(silver_users)',
      'write(gold)',
    ]);
    expect(statements[1]?.sql).toContain("'/d/o''neil/events.jsonl'");
    expect(statements.at(-1)?.sql).toContain("TO '/w/gold/user_session_analysis'");
    expect(statements.at(-1)?.sql).toContain('PARTITION_BY (session_date)');
  });
});
