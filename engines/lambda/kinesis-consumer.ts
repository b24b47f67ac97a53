import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { s3FileIO } from '../../src/io/s3-file-io.js';
import { bytesInput } from '../../src/read/input-file.js';
import { readEvents } from '../../src/read/read-events.js';
import { TimeZone } from '../../src/time/index.js';
import { arrivalPartition, type LakeConfig, resolveLake } from './lambda-config.js';

/** What one invocation wrote. */
export interface KinesisIngestResult {
  /** Bronze objects written, one per (shard, arrival hour) of the batch. */
  readonly written: readonly string[];
  readonly records: number;
  readonly corrupt: number;
}

/**
 * A Kinesis Data Streams consumer (event source mapping) that lands the batch in bronze as JSON
 * Lines, one object per shard and arrival hour: `<bronze>/events/ingest_date=YYYY-MM-DD/hour=HH/
 * <shard>-<first sequence number>.jsonl` (hour of `approximateArrivalTimestamp`, UTC). Bronze is the
 * raw, replayable landing zone: every record is written as it came (newline-terminated), and the
 * record contract is applied — with exact line numbers, into quarantine — by bronze→silver. The
 * batch is also validated here only to publish `Records` / `CorruptRecords` metrics at arrival.
 *
 * The object name is derived from the batch, so a retried batch overwrites its own object instead
 * of duplicating it (and silver dedup by `event_id` absorbs any overlap between batches).
 *
 * @example
 * export const handler = createKinesisConsumerHandler(lakeConfigFromEnv());
 */
export function createKinesisConsumerHandler(config: LakeConfig) {
  const lake = resolveLake(config, 'kinesis-consumer');
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse & KinesisIngestResult> => {
    const { s3, bronze, metrics, logger, timeZone } = await lake;
    const io = s3FileIO({ client: s3 });
    const groups = new Map<string, KinesisStreamRecord[]>();
    for (const record of event.Records) {
      const shard = record.eventID.split(':')[0] ?? 'shard';
      const key = `${arrivalPartition(record.kinesis.approximateArrivalTimestamp * 1000)}/${shard}`;
      const group = groups.get(key);
      if (group) group.push(record);
      else groups.set(key, [record]);
    }
    const written: string[] = [];
    let text = '';
    for (const [key, records] of groups) {
      const body = records
        .map((r) => Buffer.from(r.kinesis.data, 'base64').toString('utf8'))
        .map((t) => (t.endsWith('\n') ? t : `${t}\n`))
        .join('');
      text += body;
      const location = `${bronze}/events/${key}-${records[0]!.kinesis.sequenceNumber}.jsonl`;
      await io.write(location, new TextEncoder().encode(body));
      written.push(location);
    }
    const checked = await readEvents([bytesInput('kinesis', text)], { timeZone: TimeZone.of(timeZone) });
    metrics.publish([
      { name: 'Records', value: checked.read, unit: 'Count' },
      { name: 'CorruptRecords', value: checked.quarantined.length, unit: 'Count' },
    ]);
    logger.info(
      { records: event.Records.length, written, corrupt: checked.quarantined.length },
      'batch landed',
    );
    return {
      batchItemFailures: [],
      written,
      records: event.Records.length,
      corrupt: checked.quarantined.length,
    };
  };
}

/** Options of {@link replayFromTimestamp}. */
export interface ReplayOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  /** Replay records that arrived at or after this instant (`AT_TIMESTAMP`; retention is 7 days). */
  readonly from: Date;
  /** Where each batch goes, e.g. a Kinesis consumer handler. */
  readonly handle: (event: KinesisStreamEvent) => Promise<unknown>;
  /** Records per GetRecords call (default 1000). */
  readonly limit?: number;
}

/**
 * The seed's late-data operation: re-reads every shard from a timestamp (`GetShardIterator` with
 * `AT_TIMESTAMP`) and feeds the records, as Kinesis event batches, to a consumer — e.g. after a
 * bug in the transformation, re-land the last two days. Returns the records replayed. Reaching a
 * shard's tip (no records and `MillisBehindLatest` 0) ends that shard.
 *
 * @example
 * const client = new KinesisClient({ requestHandler: new NodeHttpHandler() });
 * await replayFromTimestamp({ client, streamName: 'events', from: new Date(Date.now() - 2 * 86400e3), handle: handler });
 */
export async function replayFromTimestamp(options: ReplayOptions): Promise<number> {
  const { ListShardsCommand, GetShardIteratorCommand, GetRecordsCommand } = await import(
    '@aws-sdk/client-kinesis'
  );
  const { client, streamName } = options;
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  let total = 0;
  for (const shard of shards) {
    let iterator = (
      await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shard.ShardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: options.from,
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: options.limit ?? 1000 }),
      );
      const records = page.Records ?? [];
      if (records.length > 0) {
        total += records.length;
        await options.handle({
          Records: records.map((r) => ({
            eventSource: 'aws:kinesis',
            eventVersion: '1.0',
            eventID: `${shard.ShardId}:${r.SequenceNumber}`,
            eventName: 'aws:kinesis:record',
            invokeIdentityArn: '',
            awsRegion: '',
            eventSourceARN: streamName,
            kinesis: {
              kinesisSchemaVersion: '1.0',
              partitionKey: r.PartitionKey ?? '',
              sequenceNumber: r.SequenceNumber ?? '',
              data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
              approximateArrivalTimestamp: (r.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
            },
          })),
        });
      }
      if (records.length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return total;
}
