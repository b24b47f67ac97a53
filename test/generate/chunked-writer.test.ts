import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, ChunkedWriter } from '../../src/generate/index.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'goldsmith-writer-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ChunkedWriter', () => {
  it('writes text and bytes in order across many chunks, asking to drain once per chunk', async () => {
    const path = join(dir, 'a.txt');
    const out = await ChunkedWriter.create(path);
    const expected: string[] = [];
    let drains = 0;
    for (let i = 0; i < 60_000; i++) {
      const line = `line ${i} ${'x'.repeat(i % 97)} ñ€😀\n`;
      expected.push(line);
      let full: boolean;
      if (i % 3 === 0) {
        const bytes = Buffer.from(`>${line}<`);
        full = out.writeBytes(bytes, 1, bytes.length - 1);
      } else {
        full = out.write(line);
      }
      if (full) {
        drains++;
        await out.drain();
      }
    }
    await out.close();
    const text = await readFile(path, 'utf8');
    expect(text).toBe(expected.join(''));
    const size = Buffer.byteLength(text);
    expect(out.bytes).toBe(size);
    expect(drains).toBe(Math.floor(size / CHUNK_BYTES));
  });

  it('handles a single write larger than a chunk', async () => {
    const path = join(dir, 'b.txt');
    const out = await ChunkedWriter.create(path);
    const big = 'y'.repeat(CHUNK_BYTES * 2 + 17);
    out.write('head\n');
    expect(out.write(big)).toBe(true);
    await out.drain();
    out.writeBytes(Buffer.from(big), 0, big.length);
    out.write('tail\n');
    await out.close();
    expect(await readFile(path, 'utf8')).toBe(`head\n${big}${big}tail\n`);
  });

  it('abort closes the file without writing the buffer', async () => {
    const path = join(dir, 'c.txt');
    const out = await ChunkedWriter.create(path);
    out.write('never written\n');
    await out.abort();
    expect(await readFile(path, 'utf8')).toBe('');
  });
});
