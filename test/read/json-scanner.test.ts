import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JSON_KIND_NAMES, JsonError, JsonKind, JsonScanner } from '../../src/read/index.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const KEYS = ['event_id', 'session_id', 'user_id', 'event_type', 'event_timestamp', 'event_details'];

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Scans `text` with a scanner (inside a larger buffer, to test offsets) and returns it. */
function scanText(
  text: string,
  scanner = new JsonScanner(KEYS),
): { ok: boolean; scanner: JsonScanner; bytes: Uint8Array } {
  const inner = encoder.encode(text);
  const bytes = new Uint8Array(inner.length + 4);
  bytes.set(encoder.encode('x\n'), 0);
  bytes.set(inner, 2);
  bytes.set(encoder.encode('\n{'), inner.length + 2);
  const ok = scanner.scan(bytes, 2, 2 + inner.length);
  return { ok, scanner, bytes };
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value === true) return 'true';
  if (value === false) return 'false';
  return typeof value;
}

/** Checks that validity equals JSON.parse's, and that every located key matches JSON.parse's value. */
function agreesWithJsonParse(text: string, reused?: JsonScanner): void {
  const { ok, scanner, bytes } = scanText(text, reused);
  expect(ok, text).toBe(parses(text));
  if (!ok) {
    expect(scanner.error).toBe(JsonError.syntax);
    return;
  }
  const value = JSON.parse(text) as unknown;
  expect(JSON_KIND_NAMES[scanner.topKind]).toBe(kindOf(value));
  const isObject = scanner.topKind === JsonKind.object;
  KEYS.forEach((key, slot) => {
    const present = isObject && Object.hasOwn(value as object, key);
    expect(scanner.kinds[slot] !== JsonKind.absent, `${key} in ${text}`).toBe(present);
    if (!present) return;
    const expected = (value as Record<string, unknown>)[key];
    const slice = decoder.decode(bytes.subarray(scanner.starts[slot]!, scanner.ends[slot]!));
    expect(JSON.parse(slice)).toEqual(expected);
    expect(JSON_KIND_NAMES[scanner.kinds[slot]!]).toBe(kindOf(expected));
    if (typeof expected === 'string') expect(scanner.stringValue(bytes, slot)).toBe(expected);
  });
}

describe('JsonScanner (SPEC §2: an event line that is not valid JSON is malformed_json)', () => {
  it('accepts and rejects exactly what JSON.parse does on hand-picked edge cases', () => {
    const cases = [
      '{}',
      '[]',
      ' {"a" : [1, -0, 0.5, 1e5, 1E+5, -1.5e-3, true, false, null, "x"]} ',
      '"\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t"',
      '"\\uD83D\\uDE00"',
      '"\\ud800"',
      '-',
      '01',
      '1.',
      '.5',
      '+1',
      '1e',
      '1e+',
      '0x10',
      'NaN',
      'Infinity',
      'tru',
      'nul',
      'truex',
      '{"a":1,}',
      '[1,]',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '{"a":1}}',
      '[1 2]',
      '"\\x"',
      '"\\u12G4"',
      '"\\u12"',
      '"tab\there"',
      '"ctl\u0001"',
      '"del\u007f and \u2028 and é and 😀"',
      '',
      '   ',
      '\uFEFF{}',
      '{"a":"unterminated',
      '{"a":[{"b":[{}]}]}',
      '{"a":{"b":1}',
      '[}',
      '{]',
      '1 2',
      'null',
      '"str"',
      '\u00a0{}',
    ];
    for (const text of cases) agreesWithJsonParse(text);
  });

  it('locates top-level keys only, with the last duplicate winning like JSON.parse', () => {
    const text =
      '{"event_id":"A","x":{"event_id":"nested"},"event_id":"B","event_details":{"k":[1,{"event_id":2}]}}';
    agreesWithJsonParse(text);
    const { scanner, bytes } = scanText(text);
    expect(scanner.stringValue(bytes, 0)).toBe('B');
    expect(decoder.decode(bytes.subarray(scanner.starts[5]!, scanner.ends[5]!))).toBe(
      '{"k":[1,{"event_id":2}]}',
    );
  });

  it('matches keys written with escapes and decodes escaped values', () => {
    const text = '{"event\\u005fid":"E\\u0031\\t","user_id":"caf\\u00e9"}';
    const { ok, scanner, bytes } = scanText(text);
    expect(ok).toBe(true);
    expect(scanner.kinds[0]).toBe(JsonKind.string);
    expect(scanner.escaped[0]).toBe(1);
    expect(scanner.stringValue(bytes, 0)).toBe('E1\t');
    expect(scanner.stringValue(bytes, 2)).toBe('café');
  });

  it('tells apart keys of the same length and first byte, and the empty key', () => {
    const scanner = new JsonScanner(['ab', 'ac', '']);
    const { ok, bytes } = scanText('{"ac":1,"ab":"x","":null,"ad":2,"a":3}', scanner);
    expect(ok).toBe(true);
    expect([...scanner.kinds]).toEqual([JsonKind.string, JsonKind.number, JsonKind.null]);
    expect(scanner.stringValue(bytes, 0)).toBe('x');
  });

  it('handles deep nesting without recursion (200 000 levels), like JSON.parse', () => {
    const depth = 200_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const { ok } = scanText(deep);
    expect(ok).toBe(parses(deep));
    expect(ok).toBe(true);
    const unbalanced = `{"event_details":${'{"a":'.repeat(depth)}1${'}'.repeat(depth - 1)}}`;
    expect(scanText(unbalanced).ok).toBe(false);
  });

  it('reports invalid UTF-8 inside strings as a UTF-8 error (the reader quarantines it as invalid_utf8)', () => {
    const scanner = new JsonScanner(KEYS);
    for (const bad of [[0xff], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
      const bytes = Uint8Array.from([0x22, ...bad, 0x22]);
      expect(scanner.scan(bytes, 0, bytes.length)).toBe(false);
      expect(scanner.error).toBe(JsonError.utf8);
    }
    const outside = Uint8Array.of(0x5b, 0xff, 0x5d);
    expect(scanner.scan(outside, 0, outside.length)).toBe(false);
    expect(scanner.error).toBe(JsonError.syntax);
  });

  it('names the offending byte in its error message', () => {
    const { scanner, bytes } = scanText('{"a":1,}');
    expect(scanner.errorMessage(bytes, 2 + 8)).toBe("unexpected '}' at byte 7");
    const truncated = scanText('{"a":');
    expect(truncated.scanner.errorMessage(truncated.bytes, 2 + 5)).toBe('unexpected end of line');
  });

  it('property: valid JSON (any value, any whitespace) is accepted and its keys located', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        agreesWithJsonParse(text);
      }),
      { numRuns: 500 },
    );
  });

  it('property: objects with the wanted keys, random values and spacing agree with JSON.parse', () => {
    const space = fc.constantFrom('', ' ', '\t', '\r', '  \n ');
    const member = fc.tuple(fc.constantFrom(...KEYS, 'other', 'event_id'), fc.jsonValue(), space, space);
    fc.assert(
      fc.property(fc.array(member, { maxLength: 8 }), space, (members, s) => {
        const body = members
          .map(([k, v, a, b]) => `${a}${JSON.stringify(k)}${b}:${a}${JSON.stringify(v)}${b}`)
          .join(',');
        agreesWithJsonParse(`${s}{${body}}${s}`);
      }),
      { numRuns: 500 },
    );
  });

  it('property: random mutations and truncations are rejected exactly when JSON.parse rejects them', () => {
    const mutation = fc.tuple(
      fc.constantFrom('insert', 'delete', 'replace', 'truncate'),
      fc.nat(),
      fc.constantFrom(...'{}[]",:\\ 0123456789.-+eEtrufalsn\t\u0001xé'.split('')),
    );
    fc.assert(
      fc.property(fc.json(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (text, mutations) => {
        let t = text;
        for (const [op, at, ch] of mutations) {
          const i = t.length === 0 ? 0 : at % (t.length + 1);
          if (op === 'insert') t = t.slice(0, i) + ch + t.slice(i);
          else if (op === 'delete') t = t.slice(0, i) + t.slice(i + 1);
          else if (op === 'replace') t = t.slice(0, i) + ch + t.slice(i + 1);
          else t = t.slice(0, i);
        }
        agreesWithJsonParse(t);
      }),
      { numRuns: 3000 },
    );
  });

  it('property: one scanner over lines of one shape, mutated, agrees with JSON.parse on each', () => {
    // The scanner remembers the last lines' member prefixes (`"event_id": `) to skip matching
    // their keys again: a line that differs anywhere, even inside a prefix, must still scan right.
    const space = fc.constantFrom('', ' ', '\t', '  ');
    const value = fc.oneof(fc.jsonValue(), fc.constant('"E1"'), fc.constant('{"a": [1, {"b": null}]}'));
    const key = fc.constantFrom(...KEYS, 'other', 'event\\u005fid', 'event_i', 'event_idd');
    const line = fc
      .array(fc.tuple(key, value, space, space), { maxLength: 8 })
      .map(
        (members) =>
          `{${members.map(([k, v, a, b]) => `"${k}"${a}:${b}${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')}}`,
      );
    const mutation = fc.tuple(
      fc.constantFrom('insert', 'delete', 'replace', 'truncate'),
      fc.nat(),
      fc.constantFrom(...'{}[]",:\\ 0eu\t\u0001é'.split('')),
    );
    fc.assert(
      fc.property(
        line,
        fc.array(fc.tuple(fc.boolean(), fc.array(mutation, { maxLength: 2 })), {
          minLength: 1,
          maxLength: 12,
        }),
        (base, variants) => {
          const scanner = new JsonScanner(KEYS);
          for (const [again, mutations] of variants) {
            let t = base;
            for (const [op, at, ch] of again ? [] : mutations) {
              const i = t.length === 0 ? 0 : at % (t.length + 1);
              if (op === 'insert') t = t.slice(0, i) + ch + t.slice(i);
              else if (op === 'delete') t = t.slice(0, i) + t.slice(i + 1);
              else if (op === 'replace') t = t.slice(0, i) + ch + t.slice(i + 1);
              else t = t.slice(0, i);
            }
            agreesWithJsonParse(t, scanner);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('property: arbitrary strings over the JSON alphabet agree with JSON.parse', () => {
    const text = fc
      .array(
        fc.constantFrom(
          ...'{}[]",:\\ 0123456789.-+eEu'.split(''),
          'true',
          'false',
          'null',
          '"a"',
          '"\\u0041"',
        ),
        {
          maxLength: 24,
          size: 'max',
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        agreesWithJsonParse(t);
      }),
      { numRuns: 3000 },
    );
  });
});
