import { DataType } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { silverEventsArrowSchema } from '../../schemas/silver.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { bytesInput, type ReadOptions, readEvents, type SourceReadResult } from '../../src/read/index.js';
import { TimeZone } from '../../src/time/index.js';

const UTC: ReadOptions = { timeZone: TimeZone.UTC };

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: 'EVT_1',
    session_id: 'SES_1',
    user_id: 'USR_1',
    event_type: 'page_view',
    event_timestamp: '2024-11-15T14:30:00',
    event_details: { page_url: '/page/12', referrer: 'google' },
    ...overrides,
  };
}

function line(overrides: Record<string, unknown> = {}): string {
  return JSON.stringify(event(overrides));
}

async function readText(
  text: string,
  options: ReadOptions = UTC,
  path = 'events.jsonl',
): Promise<SourceReadResult> {
  return readEvents([bytesInput(path, text)], options);
}

/** Reads one line and returns its single quarantine record (asserting there is exactly one). */
async function rejectOne(text: string) {
  const result = await readText(`${text}\n`);
  expect(result.read).toBe(1);
  expect(result.valid).toBe(0);
  expect(result.table.numRows).toBe(0);
  expect(result.quarantined).toHaveLength(1);
  return result.quarantined[0]!;
}

describe('readEvents: valid lines (SPEC §1, §3 silver events)', () => {
  it('builds exactly the silver events schema (names, order, nullability)', async () => {
    const result = await readText(`${line()}\n`);
    const fields = result.table.schema.fields;
    expect(fields.map((f) => f.name)).toEqual(silverEventsArrowSchema.fields.map((f) => f.name));
    expect(fields.map((f) => f.nullable)).toEqual(silverEventsArrowSchema.fields.map((f) => f.nullable));
    expect(DataType.isDictionary(fields[3]!.type)).toBe(true);
    expect(DataType.isTimestamp(fields[4]!.type)).toBe(true);
    expect(result).toMatchObject({ source: 'events', read: 1, valid: 1, quarantined: [] });
  });

  it('reads the seed example and keeps event_details as its exact JSON text', async () => {
    const text =
      '{"event_id": "EVT_00000001", "session_id": "SES_000001", "user_id": "USR_00001", "event_type": "page_view", "event_timestamp": "2024-11-15T14:30:00", "event_details": {"page_url": "/page/12", "referrer": "google"}}';
    const result = await readText(text);
    expect(tableToRows(result.table)).toEqual([
      {
        event_id: 'EVT_00000001',
        session_id: 'SES_000001',
        user_id: 'USR_00001',
        event_type: 'page_view',
        event_timestamp: '2024-11-15T14:30:00.000000Z',
        event_details: '{"page_url": "/page/12", "referrer": "google"}',
      },
    ]);
    expect(result.bytes).toBe(new TextEncoder().encode(text).length);
  });

  it('SPEC §1: reads naive timestamps as local time in America/Lima (UTC−5), explicit offsets as given', async () => {
    const lima: ReadOptions = { timeZone: TimeZone.of('America/Lima') };
    const text = [
      line({ event_id: 'A', event_timestamp: '2025-11-07T19:46:52.832132' }),
      line({ event_id: 'B', event_timestamp: '2025-11-07 23:00:00' }),
      line({ event_id: 'C', event_timestamp: '2025-11-07T19:46:52Z' }),
      line({ event_id: 'D', event_timestamp: '2025-11-07T19:46:52+02:00' }),
    ].join('\n');
    const rows = tableToRows((await readText(text, lima)).table);
    expect(rows.map((r) => r.event_timestamp)).toEqual([
      '2025-11-08T00:46:52.832132Z',
      '2025-11-08T04:00:00.000000Z',
      '2025-11-07T19:46:52.000000Z',
      '2025-11-07T17:46:52.000000Z',
    ]);
  });

  it('SPEC §2: event_details null or absent is an Arrow null; unknown extra fields are ignored', async () => {
    const text = [
      line({ event_id: 'A', event_details: null }),
      JSON.stringify({ ...event({ event_id: 'B' }), extra: [1] }),
    ]
      .join('\n')
      .replace(',"event_details":{"page_url":"/page/12","referrer":"google"},"extra"', ',"extra"');
    const result = await readText(text);
    expect(result.valid).toBe(2);
    expect(tableToRows(result.table).map((r) => r.event_details)).toEqual([null, null]);
  });

  it('duplicate keys: the last one wins, like JSON.parse', async () => {
    const text =
      '{"event_id":"E1","event_id":"E2","session_id":"S","user_id":"U","event_type":"click","event_type":"scroll","event_timestamp":"bad","event_timestamp":"2024-01-01 00:00:00"}';
    const rows = tableToRows((await readText(text)).table);
    expect(rows).toEqual([
      {
        event_id: 'E2',
        session_id: 'S',
        user_id: 'U',
        event_type: 'scroll',
        event_timestamp: '2024-01-01T00:00:00.000000Z',
        event_details: null,
      },
    ]);
  });

  it('decodes strings with escapes (\\uXXXX, \\", \\\\) and keeps non-ASCII text', async () => {
    const text = String.raw`{"event_id":"E\u0031\"q\"","session_id":"S\\1","user_id":"Zoë","event_type":"page_\u0076iew","event_timestamp":"2024-01-01T00:00:0\u0030Z","event_details":{"q":"caf\u00e9"}}`;
    const rows = tableToRows((await readText(text)).table);
    expect(rows).toEqual([
      {
        event_id: 'E1"q"',
        session_id: 'S\\1',
        user_id: 'Zoë',
        event_type: 'page_view',
        event_timestamp: '2024-01-01T00:00:00.000000Z',
        event_details: String.raw`{"q":"caf\u00e9"}`,
      },
    ]);
  });

  it('SPEC §1: strips a BOM, accepts CRLF, skips blank lines and numbers lines physically', async () => {
    const text = `\uFEFF${line({ event_id: 'A' })}\r\n\r\n  \t\r\n{"broken"\r\n${line({ event_id: 'B' })}`;
    const result = await readText(text);
    expect(result.read).toBe(3);
    expect(tableToRows(result.table).map((r) => r.event_id)).toEqual(['A', 'B']);
    expect(result.quarantined.map((q) => [q.line, q.reason, q.raw])).toEqual([
      [4, 'malformed_json', '{"broken"'],
    ]);
  });

  it('SPEC §1: keeps input order across files (files as given, lines in order)', async () => {
    const files = [
      bytesInput('a.jsonl', `${line({ event_id: '1' })}\n${line({ event_id: '2' })}\n`),
      bytesInput('b.jsonl', ''),
      bytesInput('c.jsonl', `${line({ event_id: '3' })}`),
    ];
    const result = await readEvents(files, UTC);
    expect(tableToRows(result.table).map((r) => r.event_id)).toEqual(['1', '2', '3']);
  });

  it('reads an empty input into an empty table with the silver schema', async () => {
    const result = await readEvents([], UTC);
    expect(result).toMatchObject({ read: 0, valid: 0, bytes: 0, quarantined: [] });
    expect(result.table.numRows).toBe(0);
    expect(result.table.schema.fields.map((f) => f.name)).toEqual(
      silverEventsArrowSchema.fields.map((f) => f.name),
    );
  });
});

describe('readEvents: quarantine reasons (SPEC §2)', () => {
  it('SPEC §2 "the line is not valid JSON" → malformed_json, naming file and line', async () => {
    const q = await rejectOne('{"event_id": "E1",');
    expect(q).toEqual({
      source: 'events',
      file: 'events.jsonl',
      line: 1,
      reason: 'malformed_json',
      message: 'events.jsonl:1: not valid JSON: unexpected end of line',
      raw: '{"event_id": "E1",',
    });
  });

  it('SPEC §2 invalid UTF-8 in a line → invalid_utf8, raw shown with U+FFFD', async () => {
    const bytes = new TextEncoder().encode(line({ user_id: 'U?' }));
    bytes[bytes.indexOf(0x3f)] = 0xff;
    const result = await readEvents([bytesInput('e.jsonl', bytes)], UTC);
    expect(result.quarantined.map((q) => [q.reason, q.raw.includes('\uFFFD')])).toEqual([
      ['invalid_utf8', true],
    ]);
  });

  it('SPEC §2 "it is not a JSON object" → not_an_object', async () => {
    for (const text of ['[1,2]', '"text"', '42', 'null']) {
      const q = await rejectOne(text);
      expect(q.reason).toBe('not_an_object');
      expect(q.message).toMatch(/^events\.jsonl:1: expected a JSON object, got /);
    }
  });

  for (const field of ['event_id', 'session_id', 'user_id', 'event_type']) {
    it(`SPEC §2 "${field} is missing, null or empty" → missing_field:${field}`, async () => {
      const absent = event();
      delete absent[field];
      for (const text of [JSON.stringify(absent), line({ [field]: null }), line({ [field]: '' })]) {
        const q = await rejectOne(text);
        expect(q.reason).toBe(`missing_field:${field}`);
        expect(q.field).toBe(field);
        expect(q.message).toMatch(new RegExp(`^events\\.jsonl:1: ${field} is (missing|null|empty)$`));
      }
    });

    it(`SPEC §2 "${field} is not a string" → invalid_type:${field}`, async () => {
      for (const value of [42, true, ['x'], { a: 1 }]) {
        const q = await rejectOne(line({ [field]: value }));
        expect(q.reason).toBe(`invalid_type:${field}`);
        expect(q.message).toContain(`${field} must be a string, got`);
      }
    });
  }

  it('SPEC §2 "event_timestamp is missing" → missing_field:event_timestamp (absent or null)', async () => {
    const absent = event();
    delete absent.event_timestamp;
    for (const text of [JSON.stringify(absent), line({ event_timestamp: null })]) {
      expect((await rejectOne(text)).reason).toBe('missing_field:event_timestamp');
    }
  });

  it('SPEC §2 "event_timestamp is invalid" → invalid_type for a non-string', async () => {
    const q = await rejectOne(line({ event_timestamp: 1731681000 }));
    expect(q).toMatchObject({ reason: 'invalid_type:event_timestamp', field: 'event_timestamp' });
  });

  it('SPEC §1/§2 impossible or malformed timestamps → invalid_timestamp:event_timestamp', async () => {
    const bad = [
      '2024-13-45T10:00:00',
      '2023-02-29T00:00:00',
      '2024-01-01T25:00:00',
      '2024-01-01',
      '',
      'yesterday',
      '2024-01-01T00:00:00.1234567',
    ];
    for (const value of bad) {
      const q = await rejectOne(line({ event_timestamp: value }));
      expect(q.reason).toBe('invalid_timestamp:event_timestamp');
      expect(q.field).toBe('event_timestamp');
    }
    const q = await rejectOne(line({ event_timestamp: '2024-13-45T10:00:00' }));
    expect(q.message).toMatch(
      /^events\.jsonl:1: event_timestamp "2024-13-45T10:00:00" is not a valid timestamp/,
    );
  });

  it('SPEC §2 "event_details is present and neither an object nor null" → invalid_type:event_details', async () => {
    for (const value of ['{"a":1}', 7, [1], true]) {
      const q = await rejectOne(line({ event_details: value }));
      expect(q.reason).toBe('invalid_type:event_details');
      expect(q.message).toContain('event_details must be an object or null');
    }
  });

  it('SPEC §2 precedence: fields are checked in order event_id, session_id, user_id, event_type, event_timestamp, event_details', async () => {
    const all = {
      event_id: 1,
      session_id: null,
      user_id: '',
      event_type: 3,
      event_timestamp: 'x',
      event_details: 5,
    };
    const order = ['event_id', 'session_id', 'user_id', 'event_type', 'event_timestamp', 'event_details'];
    const reasons: string[] = [];
    for (let i = 0; i < order.length; i++) {
      const overrides = Object.fromEntries(order.slice(i).map((k) => [k, all[k as keyof typeof all]]));
      reasons.push((await rejectOne(line(overrides))).reason);
    }
    expect(reasons).toEqual([
      'invalid_type:event_id',
      'missing_field:session_id',
      'missing_field:user_id',
      'invalid_type:event_type',
      'invalid_timestamp:event_timestamp',
      'invalid_type:event_details',
    ]);
  });

  it('line_too_long: a line over maxLineBytes is quarantined with its first bytes and a note', async () => {
    const long = line({ event_details: { blob: 'z'.repeat(500) } });
    const result = await readEvents(
      [bytesInput('big.jsonl', `${line()}\n${long}\n${line()}`, { chunkSize: 64 })],
      {
        timeZone: TimeZone.UTC,
        maxLineBytes: 300,
      },
    );
    expect(result.read).toBe(3);
    expect(result.valid).toBe(2);
    const q = result.quarantined[0]!;
    expect(q.reason).toBe('line_too_long');
    expect(q.line).toBe(2);
    expect(q.raw).toBe(long.slice(0, 300));
    expect(q.message).toBe(
      `big.jsonl:2: line is ${long.length} bytes, longer than maxLineBytes (300); raw text truncated to its first 300 bytes`,
    );
  });

  it('a rejected line leaves no partial row behind (columns stay aligned)', async () => {
    const text = [
      line({ event_id: 'A' }),
      line({ event_id: 'X', event_details: 'bad' }),
      line({ event_id: 'B' }),
    ].join('\n');
    const result = await readText(text);
    const rows = tableToRows(result.table);
    expect(rows.map((r) => [r.event_id, r.event_details])).toEqual([
      ['A', '{"page_url":"/page/12","referrer":"google"}'],
      ['B', '{"page_url":"/page/12","referrer":"google"}'],
    ]);
  });

  it('rejects bad options early with a clear error', async () => {
    await expect(readEvents([], {} as ReadOptions)).rejects.toThrow(/timeZone is required/);
    await expect(readEvents([], { timeZone: TimeZone.UTC, maxLineBytes: -1 })).rejects.toThrow(RangeError);
  });
});

describe('readEvents: invariants (SPEC §2 read = valid + quarantined)', () => {
  const anyLine = fc.oneof(
    fc.constant(line()),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc
      .record({
        event_id: fc.oneof(fc.constant('E'), fc.constant(''), fc.constant(null), fc.integer()),
        session_id: fc.constantFrom('S', '', null),
        user_id: fc.constantFrom('U', 7),
        event_type: fc.constantFrom('click', 'page_view'),
        event_timestamp: fc.constantFrom('2024-01-01T00:00:00', '2024-02-30T00:00:00', null, 5),
        event_details: fc.constantFrom({ a: 1 }, null, 'x', [1]),
      })
      .map((o) => JSON.stringify(o)),
    fc.constantFrom('', '   ', '{', '{"event_id":"E"', '[]', '\r'),
    fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n')),
  );

  it('property: every non-blank line ends in exactly one place, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyLine, { maxLength: 25, size: 'max' }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        async (lines, eol, sizes) => {
          const text = lines.join(eol);
          const nonBlank = lines.filter((l) => !/^[ \t\r]*$/.test(l)).length;
          const whole = await readText(text);
          expect(whole.read).toBe(nonBlank);
          expect(whole.read).toBe(whole.valid + whole.quarantined.length);
          expect(whole.table.numRows).toBe(whole.valid);
          const chunked = await readEvents([bytesInput('events.jsonl', text, { chunkSize: sizes })], UTC);
          expect(chunked.quarantined).toEqual(whole.quarantined);
          expect(tableToRows(chunked.table)).toEqual(tableToRows(whole.table));
        },
      ),
      { numRuns: 150 },
    );
  });
});
