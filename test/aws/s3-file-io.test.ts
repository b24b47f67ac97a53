import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { defaultS3Client, discoverS3Inputs, s3FileIO } from '../../src/node.js';
import { useMoto } from './moto.js';

useMoto();

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts).toString('utf8');
}

describe('s3FileIO against moto', () => {
  it('writes, reads, lists, checks and removes objects', async () => {
    const client = await defaultS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'iobucket' }));
    const io = s3FileIO({ client });
    await io.write('s3://iobucket/t/metadata/a.json', bytes('A'));
    await io.write('s3://iobucket/t/data/x/b.parquet', bytes('B'));
    await io.write('s3://iobucket/tx/c', bytes('C'));
    expect(text(await io.read('s3://iobucket/t/metadata/a.json'))).toBe('A');
    expect(await io.exists('s3://iobucket/t/metadata/a.json')).toBe(true);
    expect(await io.exists('s3://iobucket/t/metadata/missing.json')).toBe(false);
    expect(await io.list('s3://iobucket/t/')).toEqual([
      's3://iobucket/t/data/x/b.parquet',
      's3://iobucket/t/metadata/a.json',
    ]);
    await io.remove('s3://iobucket/t/data/x/b.parquet');
    expect(await io.list('s3://iobucket/t/')).toEqual(['s3://iobucket/t/metadata/a.json']);
    await expect(io.read('s3://iobucket/t/data/x/b.parquet')).rejects.toThrow();
  });

  it('createExclusive is If-None-Match: the second writer loses, one of many racing wins', async () => {
    const client = await defaultS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'commit' }));
    const io = s3FileIO({ client });
    expect(await io.createExclusive('s3://commit/m/v1.metadata.json', bytes('first'))).toBe(true);
    expect(await io.createExclusive('s3://commit/m/v1.metadata.json', bytes('second'))).toBe(false);
    expect(text(await io.read('s3://commit/m/v1.metadata.json'))).toBe('first');
    const racers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        io.createExclusive('s3://commit/m/v2.metadata.json', bytes(`r${i}`)),
      ),
    );
    expect(racers.filter(Boolean)).toHaveLength(1);
    const winner = racers.indexOf(true);
    expect(text(await io.read('s3://commit/m/v2.metadata.json'))).toBe(`r${winner}`);
  });

  it('writes above the threshold as a multipart upload, byte for byte', async () => {
    const client = await defaultS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'big' }));
    const io = s3FileIO({ client, multipartThreshold: 1 << 20 });
    const big = new Uint8Array(11 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 12)) & 0xff;
    await io.write('s3://big/data/part.parquet', big);
    const back = await io.read('s3://big/data/part.parquet');
    expect(back.length).toBe(big.length);
    expect(Buffer.compare(Buffer.from(back), Buffer.from(big))).toBe(0);
  });
});

describe('discoverS3Inputs', () => {
  it('follows the local layout rules: top-level files, source folders, key order, skipped markers', async () => {
    const client = await defaultS3Client();
    await client.send(new CreateBucketCommand({ Bucket: 'landing' }));
    const put = (key: string, body: string) =>
      client.send(new PutObjectCommand({ Bucket: 'landing', Key: key, Body: body }));
    await put('in/events.jsonl', 'e0\n');
    await put('in/events/2024/b.jsonl', 'e2\n');
    await put('in/events/2024/a.ndjson', 'e1\n');
    await put('in/events/_SUCCESS', '');
    await put('in/events/.hidden/x.jsonl', 'no\n');
    await put('in/events/notes.txt', 'no\n');
    await put('in/transactions/h=01/t.csv', 'a,b\n');
    await put('in/users.csv', 'u\n');
    await put('in/other/users.csv', 'no\n');
    await put('inx/events.jsonl', 'no\n');
    const inputs = await discoverS3Inputs('s3://landing/in/', { client });
    expect(inputs.events.map((f) => [f.path, f.size])).toEqual([
      ['events.jsonl', 3],
      ['events/2024/a.ndjson', 3],
      ['events/2024/b.jsonl', 3],
    ]);
    expect(inputs.transactions.map((f) => f.path)).toEqual(['transactions/h=01/t.csv']);
    expect(inputs.users.map((f) => f.path)).toEqual(['users.csv']);
    expect(await collect(inputs.events[2]!.chunks())).toBe('e2\n');
  });
});
