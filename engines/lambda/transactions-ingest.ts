import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { EventBridgeEvent, S3Event, ScheduledEvent } from 'aws-lambda';
import { listS3Objects, parseS3Location, s3FileIO } from '../../src/io/s3-file-io.js';
import { bytesInput } from '../../src/read/input-file.js';
import { InputFormatError } from '../../src/read/read-result.js';
import { readTransactions } from '../../src/read/read-transactions.js';
import { TimeZone } from '../../src/time/index.js';
import { arrivalPartition, type LakeConfig, resolveLake } from './lambda-config.js';

/** Options of {@link createTransactionsIngestHandler}. */
export interface TransactionsIngestConfig extends LakeConfig {
  /**
   * Landing prefix the scheduled run sweeps, e.g. `s3://landing/transactions/` (where the SFTP
   * drop lands the hourly CSVs). S3-put invocations name their objects themselves.
   */
  readonly landing?: string;
}

/** The `Object Created` event S3 sends to EventBridge (bucket notifications through EventBridge). */
export type S3ObjectCreatedEvent = EventBridgeEvent<
  'Object Created',
  { bucket: { name: string }; object: { key: string; size?: number } }
>;

/** The events the ingestion accepts. */
export type TransactionsIngestEvent = S3Event | S3ObjectCreatedEvent | ScheduledEvent;

/** One landed file's fate. */
export interface IngestedObject {
  readonly source: string;
  /** The bronze copy, or the quarantine copy of a rejected file. */
  readonly target: string;
  readonly status: 'ingested' | 'rejected' | 'already-ingested';
  readonly read: number;
  readonly corrupt: number;
  readonly reason?: string;
}

/**
 * The hourly transactions ingestion: an EventBridge schedule sweeps the landing prefix, and an S3
 * put — as an S3 notification or as EventBridge's `Object Created` event — ingests one object. Each CSV is validated with the bronze reader: a file whose header lacks a
 * required column is rejected whole into `<warehouse>/quarantine/transactions/rejected/` (no row of
 * it could be read); otherwise its bytes go unchanged to `<bronze>/transactions/ingest_date=…/
 * hour=…/<name>` (hour of the object's arrival, UTC), corrupt rows included — bronze→silver
 * quarantines them with their line numbers. The target name is a function of the object, so a
 * sweep skips files it already copied.
 *
 * Metrics (EMF): `Files`, `RejectedFiles`, `Records`, `CorruptRecords`.
 *
 * @example
 * export const handler = createTransactionsIngestHandler({ ...lakeConfigFromEnv(), landing: process.env.GOLDSMITH_LANDING });
 */
export function createTransactionsIngestHandler(config: TransactionsIngestConfig) {
  const lake = resolveLake(config, 'transactions-ingest');
  return async (event: TransactionsIngestEvent): Promise<{ objects: IngestedObject[] }> => {
    const { s3, bronze, warehouse, metrics, logger, timeZone } = await lake;
    const io = s3FileIO({ client: s3 });
    let objects: Array<{ location: string; arrivedMs: number | undefined; sweep: boolean }>;
    if ('Records' in event) {
      objects = event.Records.map((r) => ({
        location: `s3://${r.s3.bucket.name}/${decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '))}`,
        arrivedMs: Date.parse(r.eventTime),
        sweep: false,
      }));
    } else if (event['detail-type'] === 'Object Created') {
      const detail = (event as S3ObjectCreatedEvent).detail;
      objects = [
        {
          location: `s3://${detail.bucket.name}/${detail.object.key}`,
          arrivedMs: Date.parse(event.time),
          sweep: false,
        },
      ];
    } else {
      if (!config.landing) throw new Error('a scheduled transactions ingestion needs the landing prefix');
      objects = (await listS3Objects(s3, config.landing))
        .filter((o) => o.key.endsWith('.csv'))
        .map((o) => ({ location: o.location, arrivedMs: undefined, sweep: true }));
    }
    const out: IngestedObject[] = [];
    for (const object of objects) {
      const { bucket, key } = parseS3Location(object.location);
      const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await response.Body!.transformToByteArray();
      const arrived = object.arrivedMs ?? response.LastModified?.getTime() ?? Date.now();
      const name = key.split('/').at(-1)!;
      const target = `${bronze}/transactions/${arrivalPartition(arrived)}/${name}`;
      if (object.sweep && (await io.exists(target))) {
        out.push({ source: object.location, target, status: 'already-ingested', read: 0, corrupt: 0 });
        continue;
      }
      try {
        const checked = await readTransactions([bytesInput(name, bytes)], {
          timeZone: TimeZone.of(timeZone),
        });
        await io.write(target, bytes);
        out.push({
          source: object.location,
          target,
          status: 'ingested',
          read: checked.read,
          corrupt: checked.quarantined.length,
        });
      } catch (error) {
        if (!(error instanceof InputFormatError)) throw error;
        const rejected = `${warehouse}/quarantine/transactions/rejected/${arrivalPartition(arrived)}/${name}`;
        await io.write(rejected, bytes);
        logger.error({ file: object.location, rejected, error: error.message }, 'transactions file rejected');
        out.push({
          source: object.location,
          target: rejected,
          status: 'rejected',
          read: 0,
          corrupt: 0,
          reason: error.message,
        });
      }
    }
    const ingested = out.filter((o) => o.status === 'ingested');
    metrics.publish([
      { name: 'Files', value: ingested.length, unit: 'Count' },
      { name: 'RejectedFiles', value: out.filter((o) => o.status === 'rejected').length, unit: 'Count' },
      { name: 'Records', value: ingested.reduce((n, o) => n + o.read, 0), unit: 'Count' },
      { name: 'CorruptRecords', value: ingested.reduce((n, o) => n + o.corrupt, 0), unit: 'Count' },
    ]);
    logger.info({ objects: out }, 'transactions ingested');
    return { objects: out };
  };
}
