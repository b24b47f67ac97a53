import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureNode, pickMeasureMethod } from '../../bench/measure.js';
import { RunReport } from '../../schemas/index.js';
import { GenerateOptionsSchema, type GenerateSummary, generate } from '../../src/generate/index.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { estimateRunMemory } from '../../src/run/run-pipeline.js';
import { ROOT } from '../support/paths.js';
import { bundleCli } from './support/warehouse-check.js';

/**
 * Issue 7 §4: one `goldsmith run` over 10M events (`GOLDSMITH_SOAK=1`, as in CI; 200k otherwise)
 * with corrupt lines, retries and late data, measured as its own process. Every input line is
 * accounted for (SPEC §2), gold has one row per session, and the peak RSS stays under the stated
 * bound of 4 GiB and under what the memory guard predicts for that input. The same input with
 * less memory than the guard predicts fails at once with `MemoryBudgetError` and writes nothing.
 */

const SOAK = process.env.GOLDSMITH_SOAK === '1';
const EVENTS = SOAK ? 10_000_000 : 200_000;
/** The bound RELIABILITY.md states for 10M events. */
const PEAK_RSS_BOUND = 4 * 2 ** 30;
const MiB = 2 ** 20;

describe(`issue 7 §4 scale: ${EVENTS.toLocaleString('en-US')} events end to end, bounded memory`, () => {
  let dir = '';
  let cli = '';
  let removeCli = async () => {};
  let summary: GenerateSummary;
  let inputBytes = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'goldsmith-scale-'));
    ({ cli, remove: removeCli } = await bundleCli());
    summary = await generate(
      GenerateOptionsSchema.parse({
        outDir: join(dir, 'input'),
        events: EVENTS,
        users: EVENTS / 100,
        sessions: EVENTS / 4,
        transactions: EVENTS / 10,
        lateRate: 0.05,
        duplicateRate: 0.02,
        eventDuplicateRate: 0.01,
        corruptRate: 0.001,
        seed: 20261201,
      }),
    );
    inputBytes = summary.bytes.events + summary.bytes.transactions + summary.bytes.users;
  }, 600_000);

  afterAll(async () => {
    await removeCli();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accounts for every line, one gold row per session, peak RSS under 4 GiB and the guard’s estimate', async () => {
    const warehouse = join(dir, 'warehouse');
    const run = await measureNode(
      [cli, 'run', '--input', join(dir, 'input'), '--warehouse', warehouse, '--json'],
      { method: pickMeasureMethod(), cwd: ROOT, timeoutMs: 1_500_000, env: { ...process.env, TZ: 'UTC' } },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const report = RunReport.parse(JSON.parse(run.stdout));

    // SPEC §2: read = valid + quarantined, valid = distinct + duplicates, per source.
    for (const source of ['events', 'transactions', 'users'] as const) {
      const counts = report.sources[source];
      expect(counts.read, source).toBe(summary.lines[source]);
      expect(counts.quarantined, source).toBe(summary.corrupt[source]);
      expect(counts.valid + counts.quarantined, source).toBe(counts.read);
      expect(counts.distinct + counts.duplicates, source).toBe(counts.valid);
    }
    expect(report.sources.events.distinct).toBe(summary.events);
    expect(report.sources.events.duplicates).toBe(summary.eventRetries);
    expect(report.sources.transactions.distinct).toBe(summary.transactions);
    expect(summary.corrupt.events).toBeGreaterThan(0);

    // Every quarantined line is in the quarantine files, with a reason.
    for (const source of ['events', 'transactions', 'users'] as const) {
      const folder = join(warehouse, 'quarantine', source);
      const files = await readdir(folder).catch(() => [] as string[]);
      let lines = 0;
      for (const file of files) {
        const text = await readFile(join(folder, file), 'utf8');
        for (const line of text.split('\n')) {
          if (!line) continue;
          expect(typeof (JSON.parse(line) as { reason?: unknown }).reason).toBe('string');
          lines++;
        }
      }
      expect(lines, source).toBe(summary.corrupt[source]);
    }

    // The committed tables hold what the report says: silver's distinct rows, one gold row per session.
    const tables = localWarehouse(warehouse);
    const records = async (name: string) =>
      Number((await tables.table(name)).currentSnapshot()?.summary['total-records']);
    expect(await records('silver.events')).toBe(summary.events);
    expect(await records('silver.transactions')).toBe(summary.transactions);
    expect(await records('gold.user_session_analysis')).toBe(report.gold.sessions);
    expect(report.rules_passed).toBe(true);
    expect(report.gold.sessions).toBeGreaterThan(EVENTS / 5);

    const estimate = estimateRunMemory(inputBytes, 0);
    const peak = run.peakRssBytes ?? Number.NaN;
    console.info(
      `scale: ${summary.lines.events.toLocaleString('en-US')} event lines, ${(inputBytes / 1e6).toFixed(0)} MB of input → ` +
        `${report.gold.sessions.toLocaleString('en-US')} sessions in ${(run.wallMs / 1000).toFixed(1)} s wall, ` +
        `${((run.userSeconds ?? 0) + (run.systemSeconds ?? 0)).toFixed(1)} s CPU, peak RSS ${(peak / MiB).toFixed(0)} MiB ` +
        `(bound ${(PEAK_RSS_BOUND / MiB).toFixed(0)} MiB, guard's estimate ${(estimate / MiB).toFixed(0)} MiB)`,
    );
    expect(peak).toBeLessThan(PEAK_RSS_BOUND);
    expect(peak).toBeLessThan(estimate);
  }, 1_600_000);

  it('the same input with less memory than the guard predicts fails at once, writing nothing', async () => {
    const warehouse = join(dir, 'too-small');
    const limit = Math.floor(estimateRunMemory(inputBytes, 0) / 2);
    const run = await measureNode([cli, 'run', '--input', join(dir, 'input'), '--warehouse', warehouse], {
      method: pickMeasureMethod(),
      cwd: ROOT,
      timeoutMs: 120_000,
      env: { ...process.env, TZ: 'UTC', GOLDSMITH_MEMORY_LIMIT: String(limit) },
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/this run needs about [\d.]+ GiB \(3 new input files/);
    expect(run.stderr).toContain('smaller batches');
    // It failed before reading: far below the input's size, and no table was created.
    expect(run.peakRssBytes ?? 0).toBeLessThan(Math.max(300 * MiB, inputBytes / 4));
    await expect(readdir(warehouse)).rejects.toThrow();
  }, 180_000);
});
