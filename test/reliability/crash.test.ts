import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCES } from '../../schemas/bronze.js';
import { GenerateOptionsSchema, generate } from '../../src/generate/index.js';
import { Sfc32 } from '../../src/generate/prng.js';
import { localFileIO } from '../../src/iceberg/file-io.js';
import { expireSnapshots, removeOrphans } from '../../src/iceberg/maintenance.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { removeQuarantineOrphans } from '../../src/lakehouse/quarantine-orphans.js';
import { readTable, TABLE_NAMES, TABLES } from '../../src/lakehouse/warehouse.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import {
  bundleCli,
  type ChildRun,
  checkWarehouse,
  comparableRows,
  expectPreviousOrNext,
  runCli,
} from './support/warehouse-check.js';

/**
 * Issue 7 §2: `goldsmith run` killed with SIGKILL at seeded random moments while it ingests hourly
 * batches. After every kill each table loads, no snapshot references a missing file, and each
 * table is at its previous snapshot or the next one; a run without a kill then completes, and the
 * final gold and silver equal one run over all the input. `GOLDSMITH_SOAK=1` raises the count.
 */

const SOAK = process.env.GOLDSMITH_SOAK === '1';
const KILLS = SOAK ? 60 : 20;
/** Arrival hours per batch: 73 hourly files over 3 days make 25 batches. */
const HOURS_PER_BATCH = 3;
const SEED = 20261201;

type Phase = 'startup' | 'pipeline' | 'merge+commit' | 'after commit';

/** Where the child was when it died, from the last log lines it printed. */
function phaseOf(run: ChildRun): Phase {
  if (run.logs.some((l) => l.msg === 'run finished')) return 'after commit';
  if (run.logs.some((l) => l.step === 'check-rules')) return 'merge+commit';
  if (run.logs.some((l) => l.msg === 'run started')) return 'pipeline';
  return 'startup';
}

/** The arrival hour of a generated file (`events-20250301-07.jsonl`; users files: hour 00). */
function arrival(path: string): string {
  const match = /-(\d{8})(?:-(\d{2}))?\.\w+$/.exec(path);
  if (!match) throw new Error(`not an hourly file: ${path}`);
  return `${match[1]}${match[2] ?? '00'}`;
}

describe('issue 7 §2 crash safety: SIGKILL during goldsmith run', () => {
  let dir = '';
  let cli = '';
  let removeCli = async () => {};
  let batches: { source: string; path: string }[][] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'goldsmith-crash-'));
    ({ cli, remove: removeCli } = await bundleCli());
    await generate(
      GenerateOptionsSchema.parse({
        outDir: join(dir, 'generated'),
        batches: 'hourly',
        users: 150,
        sessions: 600,
        events: 3000,
        transactions: 300,
        lateRate: 0.1,
        eventDuplicateRate: 0.03,
        corruptRate: 0.01,
        start: '2025-03-01',
        days: 3,
        seed: 7,
      }),
    );
    const files: { source: string; path: string }[] = [];
    for (const source of SOURCES) {
      for (const name of (await readdir(join(dir, 'generated', source))).sort())
        files.push({ source, path: join(dir, 'generated', source, name) });
    }
    const hours = [...new Set(files.map((f) => arrival(f.path)))].sort();
    batches = Array.from({ length: Math.ceil(hours.length / HOURS_PER_BATCH) }, (_, b) => {
      const mine = new Set(hours.slice(b * HOURS_PER_BATCH, (b + 1) * HOURS_PER_BATCH));
      return files.filter((f) => mine.has(arrival(f.path)));
    });
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await removeCli();
  });

  it(
    `${KILLS} SIGKILLs while ingesting hourly batches: every table readable at its previous or next snapshot, then gold converges to one run over all input`,
    async () => {
      const rng = new Sfc32(SEED);
      const input = join(dir, 'input');
      const warehouse = join(dir, 'warehouse');
      const args = ['run', '--input', input, '--warehouse', warehouse, '--corrupt-threshold', '1'];
      for (const source of SOURCES) await mkdir(join(input, source), { recursive: true });
      let nextBatch = 0;
      const addBatch = async () => {
        for (const f of batches[nextBatch++]!)
          await copyFile(f.path, join(input, f.source, basename(f.path)));
      };

      // Calibration: how long a run takes before and after its `run started` line.
      await addBatch();
      const calibration = await runCli(cli, [...args.slice(0, 4), join(dir, 'calibration')]);
      expect(calibration.code, calibration.stderr).toBe(0);
      const startedAt = (run: ChildRun) => run.logs.find((l) => l.msg === 'run started')?.at ?? run.ms;
      /** ms from `run started` to the end of the engine's last step: after it, merge and commits. */
      const pipelineOf = (run: ChildRun) =>
        (run.logs.find((l) => l.step === 'check-rules')?.at ?? run.ms) - startedAt(run);
      let startupMs = startedAt(calibration);
      let workMs = calibration.ms - startupMs;
      let pipelineMs = pipelineOf(calibration);

      const phases: Record<Phase, number> = { startup: 0, pipeline: 0, 'merge+commit': 0, 'after commit': 0 };
      let kills = 0;
      let attempts = 0;
      let completed = 0;
      let fullRefreshKills = 0;
      let partial = 0; // kills that left some tables committed and gold not
      let inARow = 0; // kills since the last completed run: widens the window so batches progress
      const started = performance.now();
      // Each attempt faces work: a run that completes ingests its batch, and the next attempt gets
      // the next one. Once every batch is in, attempts run --full-refresh (a whole-gold overwrite).
      while (kills < KILLS) {
        const before = await checkWarehouse(warehouse);
        // One kill in five anywhere from spawn (start-up included); of the rest, about half inside
        // the engine's steps (parse … check-rules) and half in merge + commits (or just after).
        const window = workMs * (1 + 0.5 * inARow);
        const pick = rng.next();
        const fromSpawn = pick < 0.2;
        const afterMs = fromSpawn
          ? rng.next() * (startupMs + window)
          : pick < 0.6
            ? rng.next() * pipelineMs
            : pipelineMs + rng.next() * Math.max(0, window - pipelineMs);
        const refresh = nextBatch >= batches.length;
        const run = await runCli(cli, refresh ? [...args, '--full-refresh'] : args, { afterMs, fromSpawn });
        attempts++;
        const after = await checkWarehouse(warehouse);
        expectPreviousOrNext(before, after);
        if (run.signal !== 'SIGKILL') {
          expect(run.code, run.stderr).toBe(0);
          completed++;
          inARow = 0;
          // Track the current run length (it grows with silver) for the next kill delays.
          startupMs = startedAt(run);
          workMs = (workMs + (run.ms - startupMs)) / 2;
          pipelineMs = (pipelineMs + pipelineOf(run)) / 2;
          if (!refresh) await addBatch();
          continue;
        }
        kills++;
        inARow++;
        if (refresh) fullRefreshKills++;
        phases[phaseOf(run)]++;
        const moved = [...after]
          .filter(([name, s]) => before.get(name)?.current !== s.current)
          .map(([n]) => n);
        if (moved.length > 0 && !moved.includes(TABLES.gold.name)) partial++;
      }
      const batchesUnderFire = nextBatch;
      while (nextBatch < batches.length) await addBatch();
      const complete = await runCli(cli, args);
      expect(complete.code, complete.stderr).toBe(0);
      await checkWarehouse(warehouse);
      const killSeconds = (performance.now() - started) / 1000;

      // Convergence: the warehouse equals one in-process run over all the input.
      const inputs = await discoverInputs(input);
      const { result, report } = await runPipeline({ inputs, corruptThreshold: 1 });
      const wh = localWarehouse(warehouse);
      expect(comparableRows(await readTable(wh, TABLES.gold.name), TABLES.gold.key)).toEqual(
        comparableRows(result.gold, TABLES.gold.key),
      );
      for (const source of SOURCES) {
        expect(comparableRows(await readTable(wh, TABLES[source].name), TABLES[source].key), source).toEqual(
          comparableRows(result.silver[source], TABLES[source].key),
        );
      }
      // Nothing lost from quarantine. A run killed after writing its quarantine file but before
      // the gold commit leaves records the next run writes again; remove-orphans drops them.
      const quarantineRecords = async () => {
        let count = 0;
        for (const source of SOURCES) {
          const folder = join(warehouse, 'quarantine', source);
          for (const name of await readdir(folder).catch(() => [] as string[]))
            count += (await readFile(join(folder, name), 'utf8')).trim().split('\n').length;
        }
        return count;
      };
      const quarantined = SOURCES.reduce((n, s) => n + report.sources[s].quarantined, 0);
      const recordsBefore = await quarantineRecords();
      expect(recordsBefore).toBeGreaterThanOrEqual(quarantined);
      const deadRuns = await removeQuarantineOrphans(localFileIO(), warehouse, { olderThanMs: 0 });
      expect(await quarantineRecords()).toBe(quarantined);

      // The killed runs' debris is orphaned, and remove-orphans leaves tables that still read the same.
      let orphans = 0;
      for (const name of TABLE_NAMES) {
        const table = await wh.table(name);
        orphans += (await removeOrphans(table, { olderThanMs: 0 })).orphans.length;
      }
      // Then expire every snapshot but the current: still consistent, still the same gold.
      let expired = 0;
      let expiredFiles = 0;
      for (const name of TABLE_NAMES) {
        const done = await expireSnapshots(await wh.table(name), { olderThanMs: 0, retainLast: 1 });
        expired += done.expired.length;
        expiredFiles += done.deleted.length;
      }
      await checkWarehouse(warehouse);
      expect(comparableRows(await readTable(wh, TABLES.gold.name), TABLES.gold.key)).toEqual(
        comparableRows(result.gold, TABLES.gold.key),
      );

      expect(kills).toBe(KILLS);
      expect(phases.pipeline).toBeGreaterThan(0);
      expect(phases['merge+commit']).toBeGreaterThan(0);
      console.log(
        `crash figures: ${JSON.stringify({
          kills,
          attempts,
          completedBeforeKill: completed,
          batchesUnderFire,
          batches: batches.length,
          fullRefreshKills,
          phases,
          silverCommittedGoldNot: partial,
          seconds: Math.round(killSeconds),
          startupMs: Math.round(startupMs),
          workMs: Math.round(workMs),
          quarantineRecordsBeforeCleanup: recordsBefore,
          quarantinedOneShot: quarantined,
          deadRunQuarantineFiles: deadRuns.orphans.length,
          orphansRemoved: orphans,
          snapshotsExpired: expired,
          filesFreedByExpiry: expiredFiles,
        })}`,
      );
    },
    SOAK ? 1_500_000 : 300_000,
  );
});
