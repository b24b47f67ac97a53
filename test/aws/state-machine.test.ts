import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CreateDatabaseCommand, CreateTableCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AslDefinition,
  createBronzeToSilverHandler,
  createNotifyHandler,
  createSilverToGoldHandler,
  type NotifyInput,
  type RunSummary,
  runStateMachine,
  type SilverToGoldInput,
  type StageConfig,
} from '../../engines/lambda/index.js';
import definition from '../../engines/lambda/state-machine.asl.json' with { type: 'json' };
import { CommitConflictError } from '../../src/iceberg/errors.js';
import { readTable } from '../../src/lakehouse/warehouse.js';
import { defaultS3Client, discoverInputs, localWarehouse, s3FileIO, warehouseAt } from '../../src/node.js';
import { silentLogger } from '../../src/run/notifier.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { sortedRows } from '../conformance/compare.js';
import { goldsmith } from '../support/cli.js';
import { useMoto } from './moto.js';

useMoto();

const asl = definition as AslDefinition;
const dir = mkdtempSync(join(tmpdir(), 'goldsmith-sfn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data');
const GOLD = 'gold.user_session_analysis';

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** The Resource strings of the definition: SAM substitutes each `${Name}` with a function ARN. */
const substitution = (name: string) => `\${${name}}`;
const RESOURCES = {
  bronze: substitution('BronzeToSilverFunctionArn'),
  gold: substitution('SilverToGoldFunctionArn'),
  notify: substitution('NotifyFunctionArn'),
} as const;

/** The deployed wiring, in process: the three handlers the definition names, notify captured. */
function flow(bucket: string, overrides: Partial<StageConfig> = {}) {
  const notified: NotifyInput[] = [];
  const config = async (): Promise<StageConfig> => ({
    bronze: `s3://${bucket}/bronze`,
    warehouse: `s3://${bucket}/wh`,
    s3: await defaultS3Client(),
    logger: silentLogger,
    metrics: () => {},
    ...overrides,
  });
  const notify = createNotifyHandler({ logger: silentLogger });
  return {
    notified,
    async resources() {
      const c = await config();
      return {
        [RESOURCES.bronze]: createBronzeToSilverHandler(c),
        [RESOURCES.gold]: createSilverToGoldHandler(c),
        [RESOURCES.notify]: async (input: NotifyInput) => {
          notified.push(input);
          return notify(input);
        },
      };
    },
  };
}

async function land(bucket: string, list: readonly string[]) {
  const s3 = await defaultS3Client();
  await Promise.all(
    list.map((f) =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: `bronze/${f}`, Body: readFileSync(join(data, f)) }),
      ),
    ),
  );
}

const goldRows = (t: Parameters<typeof sortedRows>[0]) => sortedRows(t, ['processing_timestamp']);

describe('the Step Functions definition, run in process over the handlers (moto S3)', () => {
  let all: string[] = [];
  let early: string[] = [];

  beforeAll(async () => {
    const gen = goldsmith([
      'generate',
      '--out',
      data,
      '--events',
      '2000',
      '--corrupt-rate',
      '0.005',
      '--seed',
      '5',
      '--batches',
      'hourly',
      '--days',
      '2',
    ]);
    expect(gen.status, gen.stderr).toBe(0);
    all = files(data);
    early = all.filter((f) => !/-\d{8}-\d{2}\./.test(f) || /-20250905-0\d\./.test(f));
    const s3 = await defaultS3Client();
    for (const bucket of ['sfn-lake', 'sfn-fail', 'sfn-retry'])
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  }, 120_000);

  it('Parallel(3 × bronze→silver) → silver→gold → notify, twice: gold converges to one local run', async () => {
    const glue = new GlueClient({});
    await glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: 'lake_gold' } }));
    await glue.send(
      new CreateTableCommand({
        DatabaseName: 'lake_gold',
        TableInput: {
          Name: 'user_session_analysis',
          TableType: 'EXTERNAL_TABLE',
          Parameters: { table_type: 'ICEBERG' },
        },
      }),
    );
    const pointer = async () =>
      (await glue.send(new GetTableCommand({ DatabaseName: 'lake_gold', Name: 'user_session_analysis' })))
        .Table?.Parameters;
    const wiring = flow('sfn-lake', {
      glue: { client: glue, database: 'lake_gold', table: 'user_session_analysis' },
    });
    await land('sfn-lake', early);
    const first = await runStateMachine(asl, {}, { resources: await wiring.resources(), timeScale: 0.001 });
    expect(first.status, JSON.stringify(first)).toBe('SUCCEEDED');
    const entered = first.history.filter((h) => h.event === 'entered').map((h) => h.state);
    expect(entered).toEqual(
      expect.arrayContaining([
        'BronzeToSilver',
        'BronzeToSilver/BronzeToSilverEvents',
        'BronzeToSilver/BronzeToSilverTransactions',
        'BronzeToSilver/BronzeToSilverUsers',
        'SilverToGold',
        'Notify',
      ]),
    );
    expect(entered).not.toContain('NotifyFailure');
    expect((await pointer())?.metadata_location).toBe(
      's3://sfn-lake/wh/gold/user_session_analysis/metadata/v2.metadata.json',
    );
    await land(
      'sfn-lake',
      all.filter((f) => !early.includes(f)),
    );
    const second = await runStateMachine(asl, {}, { resources: await wiring.resources(), timeScale: 0.001 });
    expect(second.status, JSON.stringify(second).slice(0, 3000)).toBe('SUCCEEDED');
    const reports = wiring.notified.map((n) =>
      n.status === 'succeeded' ? (n.report as RunSummary) : undefined,
    );
    expect(reports.map((r) => r?.mode)).toEqual(['initial', 'incremental']);
    expect(reports[1]!.files).toBe(all.length - early.length);
    const after = await pointer();
    expect(after?.previous_metadata_location).toBe(
      's3://sfn-lake/wh/gold/user_session_analysis/metadata/v2.metadata.json',
    );
    expect(after?.metadata_location).toBe(reports[1]!.catalog);
    expect(await s3FileIO().exists(after!.metadata_location!)).toBe(true);

    const local = join(dir, 'local');
    await runPipeline({ inputs: await discoverInputs(data), warehouse: localWarehouse(local) });
    const expected = await readTable(localWarehouse(local), GOLD);
    const actual = await readTable(warehouseAt('s3://sfn-lake/wh'), GOLD);
    expect(actual.numRows).toBeGreaterThan(100);
    expect(goldRows(actual)).toEqual(goldRows(expected));

    // A third execution with nothing new changes nothing.
    const third = await runStateMachine(asl, {}, { resources: await wiring.resources(), timeScale: 0.001 });
    expect(third.status).toBe('SUCCEEDED');
    expect((wiring.notified[2] as { report: RunSummary }).report.files).toBe(0);
    expect(goldRows(await readTable(warehouseAt('s3://sfn-lake/wh'), GOLD))).toEqual(goldRows(expected));
  });

  it('a failing data-quality rule takes the Catch: failure notified, execution FAILED, nothing written', async () => {
    const wiring = flow('sfn-fail', { rules: 'Rules = [ RowCount > 100000000 ]' });
    await land('sfn-fail', early);
    const run = await runStateMachine(asl, {}, { resources: await wiring.resources(), timeScale: 0.001 });
    expect(run.status).toBe('FAILED');
    if (run.status !== 'FAILED') return;
    expect(run.error).toBe('PipelineFailed');
    expect(run.history.filter((h) => h.event === 'caught').map((h) => [h.state, h.error])).toEqual([
      ['BronzeToSilver', 'DataQualityError'],
    ]);
    expect(wiring.notified).toHaveLength(1);
    const failure = wiring.notified[0]!;
    expect(failure.status === 'failed' && failure.error.Error).toBe('DataQualityError');
    await expect(warehouseAt('s3://sfn-fail/wh').table(GOLD)).rejects.toThrow(/does not exist/);
  });

  it('silver→gold is retried on a commit conflict with backoff', async () => {
    const wiring = flow('sfn-retry');
    await land('sfn-retry', early);
    const resources = await wiring.resources();
    let calls = 0;
    const real = resources[RESOURCES.gold] as (input: SilverToGoldInput) => Promise<RunSummary>;
    const flaky = async (input: SilverToGoldInput) => {
      calls++;
      if (calls === 1) throw new CommitConflictError('another writer committed gold first');
      return real(input);
    };
    const run = await runStateMachine(
      asl,
      {},
      { resources: { ...resources, [RESOURCES.gold]: flaky }, timeScale: 0.001 },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(calls).toBe(2);
    expect(run.history.filter((h) => h.event === 'retry').map((h) => [h.state, h.error])).toEqual([
      ['SilverToGold', 'CommitConflictError'],
    ]);
  });
});
