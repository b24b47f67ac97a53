import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamCommand,
  KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { FirehoseTransformationEvent, S3Event } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  createFirehoseTransformHandler,
  createKinesisConsumerHandler,
  createNotifyHandler,
  createTransactionsIngestHandler,
  createUsersExtractHandler,
  dynamoWatermarkStore,
  emfLine,
  replayFromTimestamp,
  s3CsvUsersSource,
  type UsersSource,
} from '../../engines/lambda/index.js';
import { defaultS3Client, s3FileIO } from '../../src/node.js';
import { bytesInput } from '../../src/read/input-file.js';
import { readUsers } from '../../src/read/read-users.js';
import { silentLogger } from '../../src/run/notifier.js';
import { useMoto } from './moto.js';

useMoto();

const quiet = { logger: silentLogger, metrics: () => {} };
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const event = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    event_id: id,
    session_id: 'S1',
    user_id: 'U1',
    event_type: 'click',
    event_timestamp: '2025-09-05T10:00:00',
    event_details: null,
    ...extra,
  });

describe('EMF', () => {
  it('writes the CloudWatch embedded metric format shape', () => {
    const line = JSON.parse(
      emfLine([{ name: 'CorruptRecords', value: 3, unit: 'Count' }], {
        dimensions: { Function: 'f' },
        timestamp: 1,
      }),
    );
    expect(line).toEqual({
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          {
            Namespace: 'goldsmith',
            Dimensions: [['Function']],
            Metrics: [{ Name: 'CorruptRecords', Unit: 'Count' }],
          },
        ],
      },
      Function: 'f',
      CorruptRecords: 3,
    });
  });
});

describe('Firehose data transformation', () => {
  it('answers Ok (re-encoded JSON Lines), Dropped for blanks, ProcessingFailed for contract breaks', async () => {
    const lines: string[] = [];
    const handler = createFirehoseTransformHandler({ logger: silentLogger, metrics: (l) => lines.push(l) });
    const records = [
      event('E1'),
      `${event('E2')}\n`,
      '{"event_id": "E3"',
      event('E4', { event_details: 'text' }),
      '   ',
      event('', {}),
    ].map((data, i) => ({ recordId: `r${i}`, approximateArrivalTimestamp: 0, data: b64(data) }));
    const out = await handler({ records } as unknown as FirehoseTransformationEvent);
    expect(out.records.map((r) => r.result)).toEqual([
      'Ok',
      'Ok',
      'ProcessingFailed',
      'ProcessingFailed',
      'Dropped',
      'ProcessingFailed',
    ]);
    expect(Buffer.from(out.records[0]!.data!, 'base64').toString()).toBe(`${event('E1')}\n`);
    expect(Buffer.from(out.records[1]!.data!, 'base64').toString()).toBe(`${event('E2')}\n`);
    const metrics = JSON.parse(lines[0]!);
    expect([metrics.Records, metrics.CorruptRecords]).toEqual([6, 3]);
  });
});

describe('Kinesis consumer and replay from a timestamp (moto Kinesis, S3)', () => {
  it('lands every record as bronze JSON Lines under its arrival hour; AT_TIMESTAMP replays the stream', async () => {
    const s3 = await defaultS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: 'kin-lake' }));
    const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
    await kinesis.send(new CreateStreamCommand({ StreamName: 'events', ShardCount: 1 }));
    for (let i = 0; i < 50; i++) {
      const d = await kinesis.send(new DescribeStreamCommand({ StreamName: 'events' }));
      if (d.StreamDescription?.StreamStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = new Date(Date.now() - 60_000);
    const data = [event('K1'), event('K2'), 'not json', event('K3')];
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'events',
        Records: data.map((d) => ({ Data: new TextEncoder().encode(d), PartitionKey: 'S1' })),
      }),
    );
    const handler = createKinesisConsumerHandler({
      bronze: 's3://kin-lake/bronze',
      warehouse: 's3://kin-lake/wh',
      s3,
      ...quiet,
    });
    const results: Array<Awaited<ReturnType<typeof handler>>> = [];
    const replayed = await replayFromTimestamp({
      client: kinesis,
      streamName: 'events',
      from: before,
      handle: async (batch) => results.push(await handler(batch)),
    });
    expect(replayed).toBe(4);
    const written = results.flatMap((r) => r.written);
    expect(written).toHaveLength(1);
    const hour = new Date().toISOString().slice(0, 13);
    expect(written[0]).toMatch(
      new RegExp(
        `^s3://kin-lake/bronze/events/ingest_date=${hour.slice(0, 10)}/hour=\\d\\d/shardId-000000000000-\\d+\\.jsonl$`,
      ),
    );
    expect(results[0]!.corrupt).toBe(1);
    expect(text(await s3FileIO({ client: s3 }).read(written[0]!))).toBe(data.map((d) => `${d}\n`).join(''));
  });
});

describe('hourly transactions ingestion (moto S3)', () => {
  it('copies valid files to bronze by arrival hour, rejects a file without the required header, sweeps once', async () => {
    const s3 = await defaultS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: 'tx-landing' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'tx-lake' }));
    const good =
      'transaction_id,session_id,user_id,amount,currency,transaction_timestamp\nT1,S1,U1,10.50,USD,2025-09-05 10:00:00\nT2,S1,U1,bad,USD,2025-09-05 10:00:00\n';
    await s3.send(new PutObjectCommand({ Bucket: 'tx-landing', Key: 'transactions/t-10.csv', Body: good }));
    await s3.send(
      new PutObjectCommand({ Bucket: 'tx-landing', Key: 'transactions/t-11.csv', Body: 'id,amount\n1,2\n' }),
    );
    const metrics: string[] = [];
    const handler = createTransactionsIngestHandler({
      bronze: 's3://tx-lake/bronze',
      warehouse: 's3://tx-lake/wh',
      landing: 's3://tx-landing/transactions/',
      s3,
      logger: silentLogger,
      metrics: (l) => metrics.push(l),
    });
    const put = (key: string): S3Event =>
      ({
        Records: [
          { eventTime: '2025-09-05T10:05:00.000Z', s3: { bucket: { name: 'tx-landing' }, object: { key } } },
        ],
      }) as unknown as S3Event;
    const first = await handler(put('transactions/t-10.csv'));
    expect(first.objects).toEqual([
      {
        source: 's3://tx-landing/transactions/t-10.csv',
        target: 's3://tx-lake/bronze/transactions/ingest_date=2025-09-05/hour=10/t-10.csv',
        status: 'ingested',
        read: 2,
        corrupt: 1,
      },
    ]);
    expect(text(await s3FileIO({ client: s3 }).read(first.objects[0]!.target))).toBe(good);
    const sweep = await handler({ 'detail-type': 'Scheduled Event' } as never);
    expect(sweep.objects.map((o) => o.status)).toEqual(['ingested', 'rejected']);
    expect(sweep.objects[1]!.target).toMatch(
      /^s3:\/\/tx-lake\/wh\/quarantine\/transactions\/rejected\/.*\/t-11\.csv$/,
    );
    const again = await handler({ 'detail-type': 'Scheduled Event' } as never);
    expect(again.objects.map((o) => o.status)).toEqual(['already-ingested', 'rejected']);
    expect(JSON.parse(metrics[0]!)).toMatchObject({ Files: 1, Records: 2, CorruptRecords: 1 });
  });
});

describe('users incremental extraction with a DynamoDB watermark (moto DynamoDB, S3)', () => {
  const header = 'user_id,signup_date,device_type,country,updated_at\n';

  async function setUp(bucket: string, table: string) {
    const s3 = await defaultS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const dynamo = new DynamoDBClient({});
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return { s3, watermarks: dynamoWatermarkStore(dynamo, table) };
  }

  it('extracts only rows past the watermark and moves it forward', async () => {
    const { s3, watermarks } = await setUp('users-lake', 'wm1');
    const source = (body: string) =>
      s3.send(new PutObjectCommand({ Bucket: 'users-lake', Key: 'source/users.csv', Body: body }));
    await source(
      `${header}U1,2024-01-01,iOS,PE,2025-09-01 00:00:00\nU2,2024-01-02,Web,US,2025-09-02 00:00:00\n`,
    );
    const handler = createUsersExtractHandler({
      bronze: 's3://users-lake/bronze',
      warehouse: 's3://users-lake/wh',
      s3,
      ...quiet,
      source: s3CsvUsersSource(s3, 's3://users-lake/source/'),
      watermarks,
    });
    const first = await handler();
    expect([first.rows, first.advanced, first.since]).toEqual([2, true, undefined]);
    expect(first.until).toBe(Date.parse('2025-09-02T00:00:00Z') * 1000);
    await source(
      `${header}U1,2024-01-01,iOS,PE,2025-09-01 00:00:00\nU2,2024-01-02,Web,US,2025-09-02 00:00:00\nU1,2024-01-01,Android,PE,2025-09-03 08:00:00\n`,
    );
    const second = await handler();
    expect([second.rows, second.advanced, second.since]).toEqual([1, true, first.until]);
    const written = await readUsers(
      [bytesInput('x.csv', await s3FileIO({ client: s3 }).read(second.file!))],
      { timeZone: (await import('../../src/time/index.js')).TimeZone.UTC },
    );
    expect(written.valid).toBe(1);
    expect(String(written.table.getChild('device_type')!.get(0))).toBe('Android');
    expect((await handler()).rows).toBe(0);
    expect((await watermarks.get('users'))?.micros).toBe(Date.parse('2025-09-03T08:00:00Z') * 1000);
  });

  it('two concurrent runs never move the watermark backwards', async () => {
    const { s3, watermarks } = await setUp('users-race', 'wm2');
    const later = Date.parse('2025-09-10T00:00:00Z') * 1000;
    const earlier = Date.parse('2025-09-09T00:00:00Z') * 1000;
    // Two runs that read the same watermark, then race: the one that saw less finishes last.
    const gate = (micros: number, waitMs: number): UsersSource => ({
      async changedSince(_since, timeZone) {
        await new Promise((r) => setTimeout(r, waitMs));
        const day = new Date(micros / 1000).toISOString().replace('T', ' ').slice(0, 19);
        return (
          await readUsers([bytesInput('u.csv', `${header}U1,2024-01-01,iOS,PE,${day}\n`)], { timeZone })
        ).table;
      },
    });
    const make = (source: UsersSource) =>
      createUsersExtractHandler({
        bronze: 's3://users-race/bronze',
        warehouse: 's3://users-race/wh',
        s3,
        ...quiet,
        source,
        watermarks,
      });
    const [fast, slow] = await Promise.all([make(gate(later, 0))(), make(gate(earlier, 300))()]);
    expect(fast.advanced).toBe(true);
    expect(slow.advanced).toBe(false);
    expect((await watermarks.get('users'))?.micros).toBe(later);
    // Whatever order the advances arrive in, the greatest wins and smaller ones are refused. (Issued
    // one at a time: moto's DynamoDB does not apply conditional writes atomically under truly
    // concurrent requests — real DynamoDB does — so a Promise.all here would test moto.)
    const values = [3, 9, 1, 7, 5].map((d) => later + d * 1_000_000);
    const moved: boolean[] = [];
    for (const [i, v] of values.entries()) moved.push(await watermarks.advance('race', v, `r${i}`));
    expect(moved).toEqual([true, true, false, false, false]);
    expect((await watermarks.get('race'))?.micros).toBe(later + 9_000_000);
    expect(await watermarks.advance('race', later, 'late')).toBe(false);
  });
});

describe('notify (moto SNS, a local Slack webhook)', () => {
  it('publishes the run summary to SNS and posts it to Slack', async () => {
    const sns = new SNSClient({});
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'goldsmith-runs' }));
    const posts: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        posts.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const handler = createNotifyHandler({
        topicArn: TopicArn!,
        sns,
        slackWebhookUrl: url,
        logger: silentLogger,
      });
      const counts = { read: 10, valid: 9, quarantined: 1, distinct: 9, duplicates: 0, bytes: 100 };
      const out = await handler({
        status: 'succeeded',
        report: {
          run_id: 'R1',
          status: 'succeeded',
          mode: 'initial',
          files: 3,
          sources: { events: counts, transactions: counts, users: counts },
          gold: { sessions: 4, with_transaction: 1 },
          corrupt_share: 0.1,
          corrupt_threshold: 0.01,
          alarm: true,
          report: 's3://lake/wh/_runs/R1.json',
        },
      });
      expect(out.sns).toMatch(/.+/);
      expect(out.slack).toBe(200);
      const slack = JSON.parse(posts[0]!) as { text: string };
      expect(slack.text).toContain('goldsmith run R1: succeeded (initial), 3 new file(s)');
      expect(slack.text).toContain('corrupt share 10.00% (threshold 1.00%) — ALARM');
      const failed = await handler({
        status: 'failed',
        error: { Error: 'DataQualityError', Cause: '{"errorMessage":"rules failed"}' },
      });
      expect(failed.subject).toBe('goldsmith: pipeline FAILED (DataQualityError)');
      expect(JSON.parse(posts[1]!).text).toContain('rules failed');
    } finally {
      server.close();
    }
  });
});
