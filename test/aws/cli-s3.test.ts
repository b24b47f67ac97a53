import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { icebergWarehouse, readTable } from '../../src/lakehouse/warehouse.js';
import { defaultS3Client, listS3Objects, localFileIO, mappedFileIO, warehouseAt } from '../../src/node.js';
import { sortedRows } from '../conformance/compare.js';
import { goldsmith } from '../support/cli.js';
import { useMoto } from './moto.js';

useMoto();

const dir = mkdtempSync(join(tmpdir(), 'goldsmith-cli-s3-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data');
const GOLD = 'gold.user_session_analysis';

function ok(args: string[]) {
  const run = goldsmith(args);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

/** The `aws s3 sync s3://bucket/prefix dir` of this test: every object, same relative key. */
async function download(prefix: string, to: string) {
  const client = await defaultS3Client();
  const { bucket, key } = {
    bucket: prefix.slice(5).split('/')[0]!,
    key: prefix.slice(5).split('/').slice(1).join('/'),
  };
  for (const object of await listS3Objects(client, prefix)) {
    const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: object.key }));
    const target = join(to, object.key.slice(key.length));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await Body!.transformToByteArray());
  }
}

const goldRows = (table: Parameters<typeof sortedRows>[0]) => sortedRows(table, ['processing_timestamp']);

describe('goldsmith run --input s3://… --warehouse s3://… (moto)', () => {
  const reports: Array<{ sources: Record<string, { read: number }>; merge?: { mode: string } }> = [];

  beforeAll(async () => {
    ok([
      'generate',
      '--out',
      data,
      '--events',
      '3000',
      '--corrupt-rate',
      '0.01',
      '--seed',
      '11',
      '--batches',
      'hourly',
      '--days',
      '2',
    ]);
    const client = await defaultS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'landing' }));
    await client.send(new CreateBucketCommand({ Bucket: 'lake' }));
    const all = files(data);
    // Two arrival batches: the files of the first day's morning, then everything.
    const early = all.filter((f) => !/-(\d{8})-(\d{2})\./.test(f) || /-20250905-0\d\./.test(f));
    const upload = (list: string[]) =>
      Promise.all(
        list.map((f) =>
          client.send(
            new PutObjectCommand({ Bucket: 'landing', Key: `in/${f}`, Body: readFileSync(join(data, f)) }),
          ),
        ),
      );
    await upload(early);
    reports.push(
      JSON.parse(ok(['run', '--input', 's3://landing/in', '--warehouse', 's3://lake/wh', '--json'])),
    );
    await upload(all.filter((f) => !early.includes(f)));
    reports.push(
      JSON.parse(ok(['run', '--input', 's3://landing/in', '--warehouse', 's3://lake/wh', '--json'])),
    );
    ok(['run', '--input', data, '--warehouse', join(dir, 'local'), '--json']);
  }, 180_000);

  it('ran incrementally: the second run merged only the new files', () => {
    expect(reports.map((r) => r.merge?.mode)).toEqual(['initial', 'incremental']);
    expect(reports[1]!.sources.events!.read).toBeGreaterThan(0);
  });

  it('gold on S3 equals the gold of one local run over the same files', async () => {
    const s3Gold = await readTable(warehouseAt('s3://lake/wh'), GOLD);
    const localGold = await readTable(warehouseAt(join(dir, 'local')), GOLD);
    expect(s3Gold.numRows).toBeGreaterThan(100);
    expect(goldRows(s3Gold)).toEqual(goldRows(localGold));
  });

  it('the bucket, synced to a folder, reads back as the same tables', async () => {
    const synced = join(dir, 'synced');
    await download('s3://lake/wh/', synced);
    expect(files(synced).some((f) => f.startsWith('gold/user_session_analysis/metadata/'))).toBe(true);
    const offline = icebergWarehouse(mappedFileIO(localFileIO(), { 's3://lake/wh': synced }), 's3://lake/wh');
    for (const name of [GOLD, 'silver.events', 'silver.transactions', 'silver.users']) {
      const back = await readTable(offline, name);
      const live = await readTable(warehouseAt('s3://lake/wh'), name);
      expect(sortedRows(back), name).toEqual(sortedRows(live));
    }
    expect(files(synced).filter((f) => f.startsWith('_runs/'))).toHaveLength(2);
  });

  it('table commands take s3:// warehouses too', () => {
    const snapshots = JSON.parse(ok(['snapshots', '--warehouse', 's3://lake/wh', '--json'])) as unknown[];
    expect(snapshots).toHaveLength(2);
  });
});
