import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  createBronzeToSilverHandler,
  createCommitGoldHandler,
  createGoldPartitionHandler,
  createNotifyHandler,
  createPlanGoldHandler,
  type NotifyInput,
  type RunSummary,
  runStateMachine,
  type StageConfig,
} from '../../engines/lambda/index.js';
import definition from '../../engines/lambda/state-machine-distributed.asl.json' with { type: 'json' };
import { GenerateOptionsSchema, generate } from '../../src/generate/index.js';
import { readTable } from '../../src/lakehouse/warehouse.js';
import { defaultS3Client, discoverInputs, localWarehouse, s3FileIO, warehouseAt } from '../../src/node.js';
import { silentLogger } from '../../src/run/notifier.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { sortedRows } from '../conformance/compare.js';
import { inlineStateMachineTemplate } from './inline-state-machine.js';
import { useMoto } from './moto.js';

useMoto();

const asl = definition as AslDefinition;
const dir = mkdtempSync(join(tmpdir(), 'goldsmith-dmap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data');
const GOLD = 'gold.user_session_analysis';
const TIME_ZONE = 'America/Lima';
const BUCKET = 'dmap-lake';

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** The arrival day of a generated hourly file (`events-20250301-07.jsonl`, `users-20250301.csv`). */
function arrivalDay(file: string): string {
  const match = /-(\d{8})(?:-\d{2})?\.\w+$/.exec(file);
  if (!match) throw new Error(`not an hourly file: ${file}`);
  return match[1]!;
}

const substitution = (name: string) => `\${${name}}`;

/** The deployed wiring of the Distributed Map definition, in process. */
async function resources(notified: NotifyInput[]) {
  const config: StageConfig = {
    bronze: `s3://${BUCKET}/bronze`,
    warehouse: `s3://${BUCKET}/wh`,
    timeZone: TIME_ZONE,
    s3: await defaultS3Client(),
    logger: silentLogger,
    metrics: () => {},
  };
  const notify = createNotifyHandler({ logger: silentLogger });
  return {
    [substitution('BronzeToSilverFunctionArn')]: createBronzeToSilverHandler(config),
    // Small cap on items is not needed: one item per session_date partition here.
    [substitution('PlanGoldFunctionArn')]: createPlanGoldHandler(config),
    [substitution('GoldPartitionFunctionArn')]: createGoldPartitionHandler(config),
    [substitution('CommitGoldFunctionArn')]: createCommitGoldHandler(config),
    [substitution('NotifyFunctionArn')]: async (input: NotifyInput) => {
      notified.push(input);
      return notify(input);
    },
  };
}

/** The Distributed Map's `ItemReader` (S3 GetObject of a JSON array), against moto. */
const itemReader = async (resource: string, parameters: unknown) => {
  expect(resource).toBe('arn:aws:states:::s3:getObject');
  const { Bucket, Key } = parameters as { Bucket: string; Key: string };
  const bytes = await s3FileIO().read(`s3://${Bucket}/${Key}`);
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown[];
};

async function land(list: readonly string[]) {
  const s3 = await defaultS3Client();
  await Promise.all(
    list.map((f) =>
      s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `bronze/${f}`, Body: readFileSync(join(data, f)) }),
      ),
    ),
  );
}

const goldRows = (t: Parameters<typeof sortedRows>[0]) => sortedRows(t, ['processing_timestamp']);

describe('the Distributed Map variant: plan-gold → Map(gold-partition) → commit-gold (moto S3)', () => {
  let all: string[] = [];

  beforeAll(async () => {
    await generate(
      GenerateOptionsSchema.parse({
        outDir: data,
        batches: 'hourly',
        users: 200,
        sessions: 900,
        events: 5000,
        transactions: 500,
        lateRate: 0.15,
        eventDuplicateRate: 0.05,
        duplicateRate: 0.05,
        corruptRate: 0.005,
        start: '2025-03-01',
        days: 4,
        seed: 33,
      }),
    );
    all = files(data);
    const s3 = await defaultS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  }, 120_000);

  it('two arrival batches end with the gold of one run over all input, one gold snapshot per run', async () => {
    const days = [...new Set(all.map(arrivalDay))].sort();
    expect(days.length).toBeGreaterThanOrEqual(4);
    const early = all.filter((f) => arrivalDay(f) <= days[1]!);
    const notified: NotifyInput[] = [];
    const wiring = await resources(notified);
    const execute = () => runStateMachine(asl, {}, { resources: wiring, itemReader, timeScale: 0.001 });
    const itemsOf = (history: Awaited<ReturnType<typeof execute>>['history']) =>
      history.filter((h) => h.event === 'succeeded' && /^GoldPartitions\[\d+\]\/GoldPartition$/.test(h.state))
        .length;

    await land(early);
    const first = await execute();
    expect(first.status, JSON.stringify(first).slice(0, 3000)).toBe('SUCCEEDED');
    expect(itemsOf(first.history)).toBeGreaterThan(1);
    const entered = first.history.filter((h) => h.event === 'entered').map((h) => h.state);
    expect(entered).toEqual(
      expect.arrayContaining(['BronzeToSilver', 'PlanGold', 'GoldPartitions', 'CommitGold', 'Notify']),
    );
    expect(entered).not.toContain('NotifyFailure');

    await land(all.filter((f) => !early.includes(f)));
    const second = await execute();
    expect(second.status, JSON.stringify(second).slice(0, 3000)).toBe('SUCCEEDED');
    expect(itemsOf(second.history)).toBeGreaterThan(1);

    const reports = notified.map((n) => (n.status === 'succeeded' ? (n.report as RunSummary) : undefined));
    expect(reports.map((r) => r?.mode)).toEqual(['initial', 'incremental']);
    expect(reports[1]!.files).toBe(all.length - early.length);
    // The late data replaced gold rows: position deletes from the items, in the one commit.
    expect(reports[1]!.gold.merged?.updated).toBeGreaterThan(0);

    const gold = await warehouseAt(`s3://${BUCKET}/wh`).table(GOLD);
    const snapshots = gold.snapshots();
    expect(snapshots).toHaveLength(2);
    expect(snapshots.map((s) => s.summary['goldsmith.run-id'])).toEqual(reports.map((r) => r!.run_id));
    expect(Number(snapshots[1]!.summary['added-position-deletes'] ?? 0)).toBeGreaterThan(0);

    const local = join(dir, 'local');
    await runPipeline({
      inputs: await discoverInputs(data),
      warehouse: localWarehouse(local),
      plan: { timeZone: TIME_ZONE },
    });
    const expected = await readTable(localWarehouse(local), GOLD);
    const actual = await readTable(warehouseAt(`s3://${BUCKET}/wh`), GOLD);
    expect(actual.numRows).toBeGreaterThan(100);
    expect(goldRows(actual)).toEqual(goldRows(expected));

    // Nothing new: no item, no gold snapshot, the report still written.
    const third = await execute();
    expect(third.status, JSON.stringify(third).slice(0, 3000)).toBe('SUCCEEDED');
    expect(itemsOf(third.history)).toBe(0);
    expect((notified[2] as { report: RunSummary }).report.files).toBe(0);
    await gold.refresh();
    expect(gold.snapshots()).toHaveLength(2);
    expect(goldRows(await readTable(warehouseAt(`s3://${BUCKET}/wh`), GOLD))).toEqual(goldRows(expected));
  }, 240_000);

  it("the definition passes cfn-lint's States Language check, inlined (cfn-lint does not open DefinitionUri)", () => {
    const names = [
      ...new Set(
        JSON.stringify(definition)
          .match(/\$\{(\w+)\}/g)!
          .map((m) => m.slice(2, -1)),
      ),
    ].sort();
    expect(names).toEqual([
      'BronzeToSilverFunctionArn',
      'CommitGoldFunctionArn',
      'GoldPartitionFunctionArn',
      'NotifyFunctionArn',
      'PlanGoldFunctionArn',
    ]);
    const template = inlineStateMachineTemplate(names, definition);
    const file = join(dir, 'distributed.json');
    writeFileSync(file, JSON.stringify(template));
    const run = spawnSync('cfn-lint', [file], { encoding: 'utf8' });
    expect(`${run.stdout}${run.stderr}`).toBe('');
    expect(run.status).toBe(0);
    const map = definition.States.GoldPartitions;
    expect(map.ItemProcessor.ProcessorConfig.Mode).toBe('DISTRIBUTED');
    expect(map.ItemReader.Resource).toBe('arn:aws:states:::s3:getObject');
  });
});
