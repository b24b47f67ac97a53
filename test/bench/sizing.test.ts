import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baselineInputs, runBaseline } from '../../bench/baseline-runner.js';
import { compareGold } from '../../bench/compare-gold.js';
import { datasetOptions } from '../../bench/datasets.js';
import { GLUE_PRICES, LAMBDA_LIMITS, LAMBDA_PRICES } from '../../bench/pricing.js';
import {
  busyCores,
  compareGlue,
  DEFAULT_ASSUMPTIONS,
  type EngineProfile,
  eventsPerLambda,
  fitMemoryModel,
  glueCostUsd,
  lambdaCapacity,
  lambdaCostUsd,
  lambdaThroughput,
  lambdaVcpus,
  planLambda,
  roundMemoryMb,
  sizeEngine,
  sizingReport,
} from '../../bench/sizing.js';
import { generate } from '../../src/generate/index.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { runPipeline } from '../../src/run/run-pipeline.js';

const MIB = 1024 * 1024;

/** A single-threaded engine: 10,000 events/s, 100 MiB + 1,000 B/event. */
const single: EngineProfile = {
  engine: 'single',
  eventsPerSecond: 10_000,
  measuredAtEvents: 1_000_000,
  measuredCores: 2,
  parallelism: 1,
  memory: { baseBytes: 100 * MIB, bytesPerEvent: 1_000 },
  inputBytesPerEvent: 200,
};

/** A parallel engine: 20,000 events/s on 2 cores, 200 MiB + 100 B/event. */
const parallel: EngineProfile = {
  engine: 'parallel',
  eventsPerSecond: 20_000,
  measuredAtEvents: 1_000_000,
  measuredCores: 2,
  parallelism: Number.POSITIVE_INFINITY,
  memory: { baseBytes: 200 * MIB, bytesPerEvent: 100 },
  inputBytesPerEvent: 200,
};

describe('sizing model (hand-computed)', () => {
  it('gives vCPUs in proportion to memory: 1 at 1,769 MB, capped at 6', () => {
    expect(lambdaVcpus(1_769)).toBe(1);
    expect(lambdaVcpus(3_538)).toBe(2);
    expect(lambdaVcpus(10_240)).toBeCloseTo(5.7886, 4); // 10,240 / 1,769
    expect(lambdaVcpus(20_000)).toBe(6);
  });

  it('rounds memory up to 64 MB within 128–10,240 MB', () => {
    expect(roundMemoryMb(100)).toBe(128);
    expect(roundMemoryMb(1_769)).toBe(1_792);
    expect(roundMemoryMb(6_144)).toBe(6_144);
    expect(roundMemoryMb(20_000)).toBe(10_240);
  });

  it('fits peak RSS = base + perEvent × events by least squares', () => {
    expect(
      fitMemoryModel([
        { events: 0, peakRssBytes: 100 },
        { events: 10, peakRssBytes: 120 },
        { events: 20, peakRssBytes: 140 },
      ]),
    ).toEqual({ baseBytes: 100, bytesPerEvent: 2 });
    // x̄ = 10, ȳ = 80/3, Sxx = 200, Sxy = 300 → slope 1.5, base 80/3 − 15 = 35/3
    const noisy = fitMemoryModel([
      { events: 0, peakRssBytes: 10 },
      { events: 10, peakRssBytes: 30 },
      { events: 20, peakRssBytes: 40 },
    ]);
    expect(noisy.bytesPerEvent).toBeCloseTo(1.5, 12);
    expect(noisy.baseBytes).toBeCloseTo(35 / 3, 12);
    expect(fitMemoryModel([{ events: 1_000, peakRssBytes: 500_000 }])).toEqual({
      baseBytes: 0,
      bytesPerEvent: 500,
    });
    // memory that shrinks with size (noise) never gives a negative slope
    expect(
      fitMemoryModel([
        { events: 0, peakRssBytes: 200 },
        { events: 10, peakRssBytes: 100 },
      ]).bytesPerEvent,
    ).toBe(0);
  });

  it('prices Lambda by GB-s plus the request, and Glue per DPU-second with a 1-minute minimum', () => {
    expect(LAMBDA_PRICES.perGbSecond).toBe(0.0000166667);
    expect(LAMBDA_PRICES.perRequest).toBeCloseTo(0.0000002, 12);
    // 1 GB × 100 s = 100 GB-s → $0.00166667 + $0.0000002
    expect(lambdaCostUsd(1_024, 100)).toBeCloseTo(0.00166687, 10);
    // 10 DPU × $0.44 × 60 s / 3600 = $0.0733…; 600 s → $0.7333…
    expect(glueCostUsd(30)).toBeCloseTo(0.073333, 6);
    expect(glueCostUsd(600)).toBeCloseTo(0.733333, 6);
    expect(GLUE_PRICES.defaultDpus * GLUE_PRICES.perDpuHour).toBeCloseTo(4.4, 12);
  });

  it('scales a single-threaded engine up to one vCPU and a parallel one with every vCPU', () => {
    expect(lambdaThroughput(single, 884.5)).toBeCloseTo(5_000, 6); // half a vCPU
    expect(lambdaThroughput(single, 10_240)).toBe(10_000);
    // measured 20,000/s on 2 cores = 10,000/s per vCPU
    expect(lambdaThroughput(parallel, 1_769)).toBeCloseTo(10_000, 6);
    expect(lambdaThroughput(parallel, 5_307)).toBeCloseTo(30_000, 6);
  });

  it('charges a one-thread engine its CPU time: cores kept busy = CPU ÷ wall, from 1 to the cores', () => {
    expect(busyCores(7.7, 5.5, 2)).toBeCloseTo(1.4, 12);
    expect(busyCores(0.9, 1, 2)).toBe(1); // waited on I/O: still one thread's worth
    expect(busyCores(9, 3, 2)).toBe(2);
    expect(busyCores(undefined, 5, 2)).toBe(1);
    // 10,000 events/s here while keeping 1.4 cores busy: 7,142.86/s on one vCPU, 10,000/s from
    // 1.4 vCPUs (2,476.6 MB), and a plan buys those: 2,496 MB (39 × 64), 1.411 vCPUs.
    const helped: EngineProfile = { ...single, parallelism: 1.4 };
    expect(lambdaThroughput(helped, 1_769)).toBeCloseTo(10_000 / 1.4, 6);
    expect(lambdaThroughput(helped, 10_240)).toBeCloseTo(10_000, 9);
    const plan = planLambda({ ...helped, memory: { baseBytes: 100 * MIB, bytesPerEvent: 0 } }, 1_000_000);
    expect(plan.memoryMb).toBe(2_496);
    expect(plan.durationSeconds).toBeCloseTo(100, 9);
    expect(plan.extrapolatesParallelism).toBe(false);
  });

  it('plans a single-threaded engine: memory for the peak, one vCPU, duration = events / rate', () => {
    // 5M events: peak 100 MiB + 5e9 B; × 1.25 = 125 + 5,960.46 = 6,085.46 MB → 6,144 MB (96 × 64)
    const plan = planLambda(single, 5_000_000);
    expect(plan.predictedPeakRssBytes).toBe(100 * MIB + 5e9);
    expect(plan.requiredMemoryMb).toBeCloseTo(6_085.4645, 3);
    expect(plan.memoryMb).toBe(6_144);
    expect(plan.durationSeconds).toBe(500);
    expect(plan.fitsMemory).toBe(true);
    expect(plan.fitsTime).toBe(true);
    expect(plan.extrapolatesParallelism).toBe(false);
    // 6 GB × 500 s = 3,000 GB-s × $0.0000166667 = $0.0500001, + $0.0000002
    expect(plan.costPerRunUsd).toBeCloseTo(0.0500003, 9);
    const sizing = sizeEngine(single, 5_000_000);
    expect(sizing.fitsOneLambda).toBe(true);
    expect(sizing.partitions).toBe(1);
    expect(sizing.monthlyUsd).toBeCloseTo(1.500009, 6);
    expect(sizing.dailyInputBytes).toBe(1e9);
    // Glue at 10 DPU costs $4.4/h = $0.0012222/s: break-even 40.9 s, under its 1-minute minimum
    expect(sizing.glue.breakEvenSeconds).toBeCloseTo(0.0500003 / (4.4 / 3600), 6);
    expect(sizing.glue.canBeCheaper).toBe(false);
    expect(sizing.glue.minimumMonthlyUsd).toBeCloseTo(2.2, 9);
    expect(sizing.glue.seedMonthlyUsd).toBeCloseTo(17.6, 9);
  });

  it('gives a parallel engine the vCPUs that bring it within 80% of 15 minutes', () => {
    // 40M events: memory need 250 + 4,768.37 = 5,018.37 MB → 2.84 vCPU → 1,410 s, over 720 s.
    // vCPUs needed: 40e6 × 2 / (20,000 × 720) = 5.5556 → 9,827.8 MB → 9,856 MB (154 × 64)
    const plan = planLambda(parallel, 40_000_000);
    expect(plan.requiredMemoryMb).toBeCloseTo(5_018.3716, 3);
    expect(plan.memoryMb).toBe(9_856);
    expect(plan.vcpus).toBeCloseTo(9_856 / 1_769, 12);
    // 40e6 / (10,000 × 9,856 / 1,769) = 717.94 s
    expect(plan.durationSeconds).toBeCloseTo((40e6 * 1_769) / (10_000 * 9_856), 9);
    expect(plan.durationSeconds).toBeCloseTo(717.938, 2);
    expect(plan.fitsTime).toBe(true);
    expect(plan.extrapolatesParallelism).toBe(true);
    expect(plan.costPerRunUsd).toBeCloseTo((9_856 / 1_024) * 717.938 * 0.0000166667 + 0.0000002, 5);
  });

  it('splits a day that does not fit one Lambda into the fewest partitions that do', () => {
    // 50M events need 59,729.6 MB. Per Lambda: memory cap (8,192 MiB − 100 MiB) / 1,000 B = 8,485,076;
    // time cap 10,000/s × 720 s = 7,200,000 → 7 partitions of 7,142,858 events.
    expect(eventsPerLambda(single)).toBe(7_200_000);
    const sizing = sizeEngine(single, 50_000_000);
    expect(sizing).toMatchObject({ maxEventsPerLambda: 7_200_000, limitedBy: 'time' });
    expect(sizing.single.fitsMemory).toBe(false);
    expect(sizing.single.fitsTime).toBe(false);
    expect(sizing.single.memoryMb).toBe(LAMBDA_LIMITS.maxMemoryMb);
    expect(sizing.fitsOneLambda).toBe(false);
    expect(sizing.partitions).toBe(7);
    const part = sizing.partitionPlan;
    expect(part?.events).toBe(7_142_858);
    // peak 104,857,600 + 7,142,858,000 B × 1.25 = 8,639.76 MB → 8,640 MB; 714.2858 s
    expect(part?.memoryMb).toBe(8_640);
    expect(part?.durationSeconds).toBeCloseTo(714.2858, 4);
    const perPartition = (8_640 / 1_024) * 714.2858 * 0.0000166667 + 0.0000002;
    expect(sizing.costPerRunUsd).toBeCloseTo(7 * perPartition, 6);
    expect(sizing.monthlyUsd).toBeCloseTo(30 * 7 * perPartition, 5);
    // memory-bound engine: memory cap (8,192 MiB − 200 MiB) / 2,000 B
    const heavy: EngineProfile = { ...parallel, memory: { baseBytes: 200 * MIB, bytesPerEvent: 2_000 } };
    expect(lambdaCapacity(heavy)).toEqual({ events: Math.floor((7_992 * MIB) / 2_000), limitedBy: 'memory' });
  });

  it('reports an engine whose fixed memory exceeds the limit as not fitting at any split', () => {
    const huge: EngineProfile = { ...single, memory: { baseBytes: 9 * 1024 * MIB, bytesPerEvent: 1 } };
    const sizing = sizeEngine(huge, 1_000);
    expect(sizing.partitions).toBe(Number.POSITIVE_INFINITY);
    expect(sizing.costPerRunUsd).toBe(Number.POSITIVE_INFINITY);
  });

  it('compares with Glue: Glue can only be cheaper when break-even is at least 60 s', () => {
    const cheap = compareGlue(0.05, 30);
    expect(cheap.breakEvenSeconds).toBeCloseTo(40.909, 3);
    expect(cheap.canBeCheaper).toBe(false);
    const dear = compareGlue(0.5, 30);
    expect(dear.breakEvenSeconds).toBeCloseTo(409.09, 2);
    expect(dear.canBeCheaper).toBe(true);
  });

  it('picks the cheapest engine that fits one Lambda', () => {
    const report = sizingReport([single, parallel], 5_000_000);
    expect(report.engines.map((e) => e.engine)).toEqual(['single', 'parallel']);
    // parallel: 5M events → 3,538 MB (2 vCPU), 250 s: 3.4551 GB × 250 s < single's 6 GB × 500 s
    expect(report.engines[1]?.single.memoryMb).toBe(3_584);
    expect(report.engines[1]?.single.durationSeconds).toBeCloseTo((5e6 * 1_769) / (10_000 * 3_584), 9);
    expect(report.cheapestFitting).toBe('parallel');
    expect(report.assumptions).toEqual(DEFAULT_ASSUMPTIONS);
  });
});

describe('the DuckDB SQL baseline computes our gold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goldsmith-bench-test-'));
  const data = join(dir, 'data');
  let userVersions = 0;
  let instance: DuckDBInstance;
  afterAll(() => {
    instance?.closeSync();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    // the bench's recipe at 2,000 events, hourly files: several files per source, user versions
    const summary = await generate(datasetOptions(2_000, 'hourly', data));
    userVersions = summary.userVersions;
    await runPipeline({
      inputs: await discoverInputs(data),
      warehouse: localWarehouse(join(dir, 'goldsmith')),
      plan: { timeZone: 'UTC' },
    });
    instance = await DuckDBInstance.create(':memory:');
  });

  it('equals the arrow engine on every gold column but processing_timestamp', async () => {
    const connection = await instance.connect();
    const { files, usersHaveUpdatedAt } = await baselineInputs(data);
    expect(files.events.length).toBeGreaterThan(1);
    expect(usersHaveUpdatedAt).toBe(true);
    expect(userVersions).toBeGreaterThan(0);
    const report = await runBaseline(connection, files, {
      usersHaveUpdatedAt,
      warehouse: join(dir, 'baseline'),
    });
    expect(report.gold.with_transaction).toBeGreaterThan(0);

    const ours = join(dir, 'goldsmith', 'gold', 'user_session_analysis');
    const theirs = join(dir, 'baseline', 'gold', 'user_session_analysis');
    const comparison = await compareGold(connection, ours, theirs);
    expect(comparison.schemaDifferences).toEqual([]);
    expect(comparison.rows.left).toBe(report.gold.sessions);
    expect(comparison).toMatchObject({ match: true, onlyLeft: 0, onlyRight: 0 });

    // and row by row, read back in a fixed order
    const rows = async (folder: string) =>
      (
        await connection.runAndReadAll(
          `SELECT * EXCLUDE (processing_timestamp)
           FROM read_parquet('${folder}/**/*.parquet', hive_partitioning = false)
           ORDER BY session_id, user_id`,
        )
      ).getRowObjectsJS();
    const [a, b] = [await rows(ours), await rows(theirs)];
    expect(b).toEqual(a);
    expect(a.some((r) => r.signup_date === null)).toBe(true); // unknown users are kept
    connection.closeSync();
  });

  it('is told apart from a different gold', async () => {
    const connection = await instance.connect();
    const { files, usersHaveUpdatedAt } = await baselineInputs(data);
    await runBaseline(connection, files, {
      usersHaveUpdatedAt,
      sourceSystem: 'somewhere-else',
      warehouse: join(dir, 'other'),
    });
    const comparison = await compareGold(
      connection,
      join(dir, 'goldsmith', 'gold', 'user_session_analysis'),
      join(dir, 'other', 'gold', 'user_session_analysis'),
    );
    expect(comparison.match).toBe(false);
    expect(comparison.onlyLeft).toBe(comparison.rows.left);
    connection.closeSync();
  });

  it('runs over no files at all into an empty gold', async () => {
    const connection = await instance.connect();
    const report = await runBaseline(
      connection,
      { events: [], transactions: [], users: [] },
      { usersHaveUpdatedAt: false },
    );
    expect(report.gold.sessions).toBe(0);
    expect(report.silver).toEqual({ events: 0, transactions: 0, users: 0 });
    connection.closeSync();
  });
});
