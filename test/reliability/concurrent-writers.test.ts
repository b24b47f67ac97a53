import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerateOptionsSchema, generate } from '../../src/generate/index.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { warehouseAt } from '../../src/io/locations.js';
import { defaultS3Client } from '../../src/io/s3-file-io.js';
import { readTable, type Warehouse } from '../../src/lakehouse/warehouse.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { useMoto } from '../aws/moto.js';
import { bundleCli, comparableRows, runCli } from './support/warehouse-check.js';

useMoto();

const GOLD = 'gold.user_session_analysis';
const KEY = ['session_id', 'user_id'] as const;
const WRITERS = 3;

/**
 * Issue 7 point 3: several `goldsmith run` processes commit to the same tables at once. Each
 * table commit is optimistic (an exclusive create of the next metadata version, on S3 a
 * conditional PutObject) and checks the snapshot the run computed from; a run that loses starts
 * over from the new state. No update may be lost and no key may appear twice.
 */
describe('concurrent writers: real processes on one warehouse (issue 7)', () => {
  let dir = '';
  let cli = '';
  let removeCli: () => Promise<void> = async () => {};
  let oneShot: ReturnType<typeof comparableRows>;
  /** Input folders, one per writer: disjoint arrival days of one generated dataset. */
  const batches: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'goldsmith-writers-'));
    ({ cli, remove: removeCli } = await bundleCli());
    const all = join(dir, 'all');
    await generate(
      GenerateOptionsSchema.parse({
        outDir: all,
        batches: 'hourly',
        users: 200,
        sessions: 900,
        events: 4000,
        transactions: 500,
        lateRate: 0.1,
        eventDuplicateRate: 0.05,
        start: '2025-03-01',
        days: 3,
        seed: 77,
      }),
    );
    const inputs = await discoverInputs(all);
    const { result } = await runPipeline({ inputs, plan: { timeZone: 'UTC' } });
    oneShot = comparableRows(result.gold, KEY);
    // Writer k takes every file whose index ≡ k (mod WRITERS): batches interleave in time.
    const { cp } = await import('node:fs/promises');
    const files = [...inputs.users, ...inputs.events, ...inputs.transactions].map((f) => f.path).sort();
    for (let k = 0; k < WRITERS; k++) {
      const target = join(dir, `batch-${k}`);
      batches.push(target);
      for (const [i, file] of files.entries())
        if (i % WRITERS === k) await cp(join(all, file), join(target, file), { recursive: true });
    }
  }, 120_000);

  afterAll(async () => {
    await removeCli();
    await rm(dir, { recursive: true, force: true });
  });

  async function race(warehouse: string) {
    const runs = await Promise.all(
      batches.map((input) => runCli(cli, ['run', '--input', input, '--warehouse', warehouse, '--json'])),
    );
    for (const run of runs) expect(run.code, run.stderr.slice(-2000)).toBe(0);
    return runs;
  }

  async function expectConverged(warehouse: Warehouse) {
    expect(comparableRows(await readTable(warehouse, GOLD), KEY)).toEqual(oneShot);
    const events = await readTable(warehouse, 'silver.events');
    const ids = new Set<unknown>();
    for (let i = 0; i < events.numRows; i++) ids.add(events.getChild('event_id')!.get(i));
    expect(ids.size).toBe(events.numRows);
  }

  it(`${WRITERS} processes on a local warehouse: all succeed, gold equals one run over everything`, async () => {
    const warehouse = join(dir, 'wh-local');
    const runs = await race(warehouse);
    const conflicts = runs.filter((r) => r.stderr.includes('commit conflict')).length;
    // They really raced: every writer started on the empty warehouse, so some had to start over.
    expect(conflicts).toBeGreaterThan(0);
    await expectConverged(localWarehouse(warehouse));
    expect((await localWarehouse(warehouse).table(GOLD)).snapshots().length).toBeGreaterThanOrEqual(WRITERS);
  }, 300_000);

  it(`${WRITERS} processes on an S3 warehouse (moto, conditional PutObject): the same`, async () => {
    const client = await defaultS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'race-landing' }));
    await client.send(new CreateBucketCommand({ Bucket: 'race-lake' }));
    const s3Batches: string[] = [];
    for (const [k, local] of batches.entries()) {
      for (const entry of await readdir(local, { recursive: true, withFileTypes: true })) {
        if (!entry.isFile()) continue;
        const path = join(entry.parentPath, entry.name);
        await client.send(
          new PutObjectCommand({
            Bucket: 'race-landing',
            Key: `b${k}/${relative(local, path)}`,
            Body: readFileSync(path),
          }),
        );
      }
      s3Batches.push(`s3://race-landing/b${k}`);
    }
    const runs = await Promise.all(
      s3Batches.map((input) =>
        runCli(cli, ['run', '--input', input, '--warehouse', 's3://race-lake/wh', '--json']),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(runs.filter((r) => r.stderr.includes('commit conflict')).length).toBeGreaterThan(0);
    await expectConverged(warehouseAt('s3://race-lake/wh'));
  }, 300_000);
});
