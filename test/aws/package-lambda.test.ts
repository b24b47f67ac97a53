import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { packageLambdas } from '../../engines/lambda/package.js';
import { ipcToParquet } from '../../src/io/parquet-encode.js';
import type { EncodeReply } from '../../src/io/parquet-encoder.js';
import { readTable } from '../../src/lakehouse/warehouse.js';
import { defaultS3Client, warehouseAt } from '../../src/node.js';
import { useMoto } from './moto.js';

useMoto();

const out = mkdtempSync(join(tmpdir(), 'goldsmith-lambda-pkg-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run package:lambda', () => {
  it('bundles self-contained handlers that load and run (parquet-wasm beside the bundle)', async () => {
    const sizes = await packageLambdas({ only: ['firehose-transform', 'silver-to-gold'], out });
    expect(sizes.map((s) => s.name)).toEqual(['firehose-transform', 'silver-to-gold']);
    for (const s of sizes) expect(s.zipBytes ?? s.bundleBytes).toBeLessThan(10e6);

    const firehose = (await import(pathToFileURL(join(out, 'firehose-transform/index.mjs')).href)) as {
      handler: (e: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;
    };
    const data = Buffer.from(
      '{"event_id":"E1","session_id":"S1","user_id":"U1","event_type":"click","event_timestamp":"2025-09-05T10:00:00"}',
    ).toString('base64');
    const answer = await firehose.handler({
      records: [{ recordId: 'r', approximateArrivalTimestamp: 0, data }],
    } as FirehoseTransformationEvent);
    expect(answer.records[0]!.result).toBe('Ok');

    const s3 = await defaultS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: 'pkg-lake' }));
    const line = (id: string) =>
      `{"event_id":"${id}","session_id":"S1","user_id":"U1","event_type":"click","event_timestamp":"2025-09-05T10:00:0${id.at(-1)}"}\n`;
    const body = line('E1') + line('E2');
    await s3.send(new PutObjectCommand({ Bucket: 'pkg-lake', Key: 'bronze/events/a.jsonl', Body: body }));
    process.env.GOLDSMITH_BRONZE = 's3://pkg-lake/bronze';
    process.env.GOLDSMITH_WAREHOUSE = 's3://pkg-lake/wh';
    try {
      const gold = (await import(pathToFileURL(join(out, 'silver-to-gold/index.mjs')).href)) as {
        handler: (e: unknown) => Promise<{ status: string; gold: { sessions: number } }>;
      };
      const counts = { read: 2, valid: 2, quarantined: 0, distinct: 2, duplicates: 0, bytes: body.length };
      const summary = await gold.handler({
        branches: [
          { source: 'events', files: [['events/a.jsonl', body.length]], counts, rules_passed: true },
        ],
      });
      expect([summary.status, summary.gold.sessions]).toEqual(['succeeded', 1]);
    } finally {
      delete process.env.GOLDSMITH_BRONZE;
      delete process.env.GOLDSMITH_WAREHOUSE;
    }
    expect((await readTable(warehouseAt('s3://pkg-lake/wh'), 'gold.user_session_analysis')).numRows).toBe(1);

    // The second encoding lane ships beside the bundles that write Parquet, and encodes in a
    // worker what this thread would.
    expect(existsSync(join(out, 'firehose-transform/parquet-worker.mjs'))).toBe(false);
    const worker = new Worker(join(out, 'silver-to-gold/parquet-worker.mjs'));
    try {
      const ipc = tableToIPC(
        tableFromArrays({ id: Int32Array.from([3, 1, 2]), kind: ['a', 'b', 'a'] }),
        'stream',
      );
      const expected = ipcToParquet(ipc, ['kind']);
      const replies: EncodeReply[] = [];
      const answered = new Promise<void>((resolve, reject) => {
        worker.on('error', reject);
        worker.on('message', (reply: EncodeReply) => {
          replies.push(reply);
          if (replies.length === 2) resolve();
        });
      });
      worker.postMessage({ id: 7, ipc, dictionary: ['kind'] });
      await answered;
      expect(replies[0]).toEqual({ ready: true });
      expect(replies[1]).toMatchObject({ id: 7 });
      expect(Buffer.from((replies[1] as { bytes: Uint8Array }).bytes).equals(Buffer.from(expected))).toBe(
        true,
      );
    } finally {
      await worker.terminate();
    }
  }, 120_000);
});
