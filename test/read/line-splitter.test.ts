import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesInput, LineSplitter, type LineSplitterOptions, splitLines } from '../../src/read/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

interface Line {
  line: number;
  text: string;
  length: number;
}

/** Every line the splitter yields for `data` delivered in chunks of `sizes` (cycling). */
async function collect(
  data: Uint8Array | string,
  sizes: number | number[] = 1 << 20,
  options: LineSplitterOptions = {},
): Promise<Line[]> {
  const out: Line[] = [];
  for await (const batch of splitLines(bytesInput('f', data, { chunkSize: sizes }).chunks(), options)) {
    for (let k = 0; k < batch.count; k++) {
      const text = decoder.decode(batch.bytes.subarray(batch.starts[k]!, batch.ends[k]!));
      out.push({ line: batch.lines[k]!, text, length: batch.lengths[k]! });
    }
  }
  return out;
}

/** The lines a naive whole-string split gives (no quoting): the reference for JSON Lines mode. */
function naiveLines(text: string): Line[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parts = body.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  const out: Line[] = [];
  parts.forEach((part, i) => {
    const line = part.endsWith('\r') ? part.slice(0, -1) : part;
    if (/^[ \t\r]*$/.test(line)) return;
    out.push({ line: i + 1, text: line, length: encoder.encode(line).length });
  });
  return out;
}

/** A naive whole-string RFC 4180 record splitter: the reference for CSV mode. */
function naiveCsvRecords(text: string): Line[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const out: Line[] = [];
  let state: 'start' | 'unquoted' | 'quoted' | 'quote-in-quoted' = 'start';
  let start = 0;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i <= body.length; i++) {
    const c = body[i];
    if (i === body.length || (c === '\n' && state !== 'quoted')) {
      const record = body.slice(start, i).replace(/\r$/, '');
      if (!/^[ \t\r]*$/.test(record))
        out.push({ line: recordLine, text: record, length: encoder.encode(record).length });
      line++;
      recordLine = line;
      start = i + 1;
      state = 'start';
      continue;
    }
    if (state === 'quoted') {
      if (c === '"') state = 'quote-in-quoted';
      else if (c === '\n') line++;
      continue;
    }
    if (state === 'quote-in-quoted') {
      if (c === '"') {
        state = 'quoted';
        continue;
      }
      state = 'unquoted';
    }
    if (c === ',') state = 'start';
    else state = c === '"' && state === 'start' ? 'quoted' : 'unquoted';
  }
  return out;
}

describe('LineSplitter (SPEC §1 line endings, §2 blank lines)', () => {
  it('splits LF and CRLF lines and keeps 1-based physical line numbers', async () => {
    expect(await collect('a\r\nbb\nccc')).toEqual([
      { line: 1, text: 'a', length: 1 },
      { line: 2, text: 'bb', length: 2 },
      { line: 3, text: 'ccc', length: 3 },
    ]);
  });

  it('SPEC §2: skips blank lines (empty, spaces, tabs, \\r) without counting them, numbering continues', async () => {
    const lines = await collect('x\n\n   \n\t \r\n\r\ny\n \t\n');
    expect(lines.map((l) => [l.line, l.text])).toEqual([
      [1, 'x'],
      [6, 'y'],
    ]);
  });

  it('SPEC §1: strips a UTF-8 BOM at the start of the stream only, even when it spans chunks', async () => {
    const data = '\uFEFFfirst\n\uFEFFsecond\n';
    for (const size of [1, 2, 3, 4, 100]) {
      const lines = await collect(data, size);
      expect(lines.map((l) => l.text)).toEqual(['first', '\uFEFFsecond']);
    }
  });

  it('keeps a partial BOM prefix as data (a file starting with 0xEF 0xBB but no 0xBF)', async () => {
    const data = Uint8Array.of(0xef, 0xbb, 0x41, 0x0a, 0x42);
    for (const size of [1, 2, 5]) {
      const out: number[][] = [];
      for await (const batch of splitLines(bytesInput('f', data, { chunkSize: size }).chunks())) {
        for (let k = 0; k < batch.count; k++)
          out.push([...batch.bytes.subarray(batch.starts[k]!, batch.ends[k]!)]);
      }
      expect(out).toEqual([[0xef, 0xbb, 0x41], [0x42]]);
    }
  });

  it('returns lines inside a chunk zero-copy (the batch points into the chunk itself)', () => {
    const chunk = encoder.encode('one\ntwo\nthr');
    const splitter = new LineSplitter();
    const batches = [...splitter.push(chunk)];
    expect(batches).toHaveLength(1);
    expect(batches[0]!.bytes).toBe(chunk);
    expect(batches[0]!.count).toBe(2);
    const rest = [...splitter.finish()];
    expect(decoder.decode(rest[0]!.bytes.subarray(rest[0]!.starts[0]!, rest[0]!.ends[0]!))).toBe('thr');
    expect(splitter.bytesRead).toBe(chunk.length);
  });

  it('carries a line across any number of chunks', async () => {
    const long = 'x'.repeat(1000);
    expect(await collect(`a\n${long}\nb`, 7)).toEqual([
      { line: 1, text: 'a', length: 1 },
      { line: 2, text: long, length: 1000 },
      { line: 3, text: 'b', length: 1 },
    ]);
  });

  it('reports a line over maxLineBytes truncated to its first bytes, with its full length', async () => {
    const data = `ok\n${'y'.repeat(50)}\r\nfine\n`;
    for (const size of [1, 3, 8, 1000]) {
      const lines = await collect(data, size, { maxLineBytes: 10 });
      expect(lines).toEqual([
        { line: 1, text: 'ok', length: 2 },
        { line: 2, text: 'y'.repeat(10), length: 50 },
        { line: 3, text: 'fine', length: 4 },
      ]);
    }
  });

  it('accepts a line of exactly maxLineBytes (a trailing CR is not part of the line)', async () => {
    for (const size of [1, 4, 100]) {
      expect(await collect('abcd\r\nabcde\n', size, { maxLineBytes: 4 })).toEqual([
        { line: 1, text: 'abcd', length: 4 },
        { line: 2, text: 'abcd', length: 5 },
      ]);
    }
  });

  it('still skips an over-long blank line', async () => {
    for (const size of [2, 100]) {
      expect(await collect(`${' '.repeat(40)}\nz`, size, { maxLineBytes: 8 })).toEqual([
        { line: 2, text: 'z', length: 1 },
      ]);
    }
  });

  it('property: JSON Lines splitting equals a naive split, whatever the chunk sizes', async () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', '{', ' ', '\t', '\r', '\n', '\r\n', '\uFEFF', '"', ','), {
        maxLength: 60,
      })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        async (bom, body, sizes) => {
          const data = (bom ? '\uFEFF' : '') + body;
          expect(await collect(data, sizes)).toEqual(naiveLines(data));
        },
      ),
    );
  });
});

describe('LineSplitter CSV mode (SPEC §1: RFC 4180 quoted fields may hold newlines)', () => {
  it('does not end a record at a line break inside quotes; the record has its first line number', async () => {
    const data = 'h1,h2\r\n1,"multi\r\nline, with ""quotes"""\r\n2,plain\r\n';
    expect(await collect(data, 1 << 20, { csvQuotes: true })).toEqual([
      { line: 1, text: 'h1,h2', length: 5 },
      { line: 2, text: '1,"multi\r\nline, with ""quotes"""', length: 32 },
      { line: 4, text: '2,plain', length: 7 },
    ]);
  });

  it('treats a quote that does not start a field as data (no runaway record)', async () => {
    expect(await collect('a,b"c\nd,e\n', 1 << 20, { csvQuotes: true })).toEqual([
      { line: 1, text: 'a,b"c', length: 5 },
      { line: 2, text: 'd,e', length: 3 },
    ]);
  });

  it('property: CSV records equal a naive whole-string RFC 4180 split, whatever the chunk sizes', async () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', ',', '"', '""', ' ', '\r', '\n', '\r\n', '\uFEFF'), {
        maxLength: 80,
        size: 'max',
      })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        async (bom, body, sizes) => {
          const data = (bom ? '\uFEFF' : '') + body;
          expect(await collect(data, sizes, { csvQuotes: true })).toEqual(naiveCsvRecords(data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: CSV records do not depend on chunk sizes (over-long records included)', async () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', ',', '"', '""', ' ', '\r', '\n', '\r\n', '\uFEFF'), {
        maxLength: 60,
        size: 'max',
      })
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        text,
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
        async (bom, body, sizes) => {
          const data = (bom ? '\uFEFF' : '') + body;
          const whole = await collect(data, 1 << 20, { csvQuotes: true, maxLineBytes: 12 });
          expect(await collect(data, sizes, { csvQuotes: true, maxLineBytes: 12 })).toEqual(whole);
        },
      ),
    );
  });

  it('rejects a non-positive maxLineBytes', () => {
    expect(() => new LineSplitter({ maxLineBytes: 0 })).toThrow(RangeError);
  });
});
