/**
 * A validating JSON scanner over bytes: accepts exactly what `JSON.parse` accepts (RFC 8259) and,
 * for a top-level object, reports where chosen keys' values are, without building any JS value.
 *
 * @module
 */

import { utf8SequenceEnd } from './utf8.js';

/** Kind of a scanned value; `absent` for a key the object does not have. */
export const JsonKind = {
  absent: 0,
  string: 1,
  number: 2,
  object: 3,
  array: 4,
  true: 5,
  false: 6,
  null: 7,
} as const;
/** A {@link JsonKind} value. */
export type JsonKind = (typeof JsonKind)[keyof typeof JsonKind];

/** Names of the {@link JsonKind}s, for messages. */
export const JSON_KIND_NAMES = [
  'absent',
  'string',
  'number',
  'object',
  'array',
  'true',
  'false',
  'null',
] as const;

/** Why a scan failed. */
export const JsonError = { none: 0, syntax: 1, utf8: 2 } as const;
/** A {@link JsonError} value. */
export type JsonError = (typeof JsonError)[keyof typeof JsonError];

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const COLON = 0x3a;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Container markers on the nesting stack. */
const IN_OBJECT = 1;
const IN_ARRAY = 2;

/** Kind of a value by its first byte (0: no value starts with this byte). */
const KIND_BY_FIRST_BYTE = new Uint8Array(256);
KIND_BY_FIRST_BYTE[QUOTE] = JsonKind.string;
KIND_BY_FIRST_BYTE[MINUS] = JsonKind.number;
for (let d = 0; d < 10; d++) KIND_BY_FIRST_BYTE[ZERO + d] = JsonKind.number;
KIND_BY_FIRST_BYTE[LBRACE] = JsonKind.object;
KIND_BY_FIRST_BYTE[LBRACKET] = JsonKind.array;
KIND_BY_FIRST_BYTE[0x74] = JsonKind.true;
KIND_BY_FIRST_BYTE[0x66] = JsonKind.false;
KIND_BY_FIRST_BYTE[0x6e] = JsonKind.null;

/** Bytes allowed after a backslash (besides `u`). */
const SIMPLE_ESCAPE = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPE[c.charCodeAt(0)] = 1;

/** 1 for bytes that stand for themselves inside a string: printable ASCII except `"` and `\\`. */
const PLAIN_IN_STRING = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN_IN_STRING[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** 1 for ASCII hex digits. */
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;

const TRUE = Uint8Array.of(0x74, 0x72, 0x75, 0x65);
const FALSE = Uint8Array.of(0x66, 0x61, 0x6c, 0x73, 0x65);
const NULL = Uint8Array.of(0x6e, 0x75, 0x6c, 0x6c);

const encoder = new TextEncoder();
// ignoreBOM: a U+FEFF that is not at the start of the file is data and must survive decoding.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Scans one JSON text (a JSON Lines line) in `bytes[start, end)`:
 * - validity exactly as `JSON.parse` of the UTF-8–decoded text, except that invalid UTF-8 fails
 *   (with {@link JsonError.utf8}) where `TextDecoder` would have substituted U+FFFD;
 * - nesting of any depth with an explicit stack (no recursion);
 * - for a top-level object, the kind and byte range of each requested key's value (the last
 *   occurrence wins, like `JSON.parse`); keys written with escapes (`"event\u005fid"`) match too.
 *
 * Results are fields of the scanner, overwritten by the next {@link JsonScanner.scan}: slot `k`
 * refers to `keys[k]`; `starts[k]`/`ends[k]` span the whole value token (quotes included for
 * strings, braces for objects), so an object's exact JSON text is `bytes[starts[k], ends[k])`.
 *
 * @example
 * ```ts
 * const scanner = new JsonScanner(['event_id', 'event_details']);
 * const line = new TextEncoder().encode('{"event_id":"E1","event_details":{"a":1}}');
 * scanner.scan(line, 0, line.length); // true
 * scanner.kinds[1] === JsonKind.object; // true; text: line.subarray(scanner.starts[1], scanner.ends[1])
 * ```
 */
export class JsonScanner {
  /** The keys asked for, in slot order. */
  readonly keys: readonly string[];
  /** Per slot: the {@link JsonKind} of the key's value (`absent` if missing or not an object). */
  readonly kinds: Uint8Array;
  /** Per slot: start of the value token. */
  readonly starts: Int32Array;
  /** Per slot: end (exclusive) of the value token. */
  readonly ends: Int32Array;
  /** Per slot: 1 when a string value contains backslash escapes (decode it with {@link JsonScanner.stringValue}). */
  readonly escaped: Uint8Array;
  /** {@link JsonKind} of the top-level value (`absent` when the scan failed before it). */
  topKind: JsonKind = JsonKind.absent;
  /** Why the last scan failed ({@link JsonError.none} if it did not). */
  error: JsonError = JsonError.none;
  /** Byte offset, from the start of the text, where the last scan failed. */
  errorOffset = 0;

  private readonly keyBytes: Uint8Array[];
  /** Slots of the keys of each byte length. */
  private readonly slotsByLength: number[][];
  /**
   * The one candidate slot per (length, first byte), `-1` for none, `-2` for several: most keys
   * are then verified against a single candidate.
   */
  private readonly candidateSlot: Int16Array;
  private stack = new Uint8Array(64);
  private stringEscaped = false;
  private keySlot = -1;
  private scanStart = 0;
  /**
   * The last lines' shape: per top-level member index, the bytes from the key's opening quote to
   * its value (`"event_id": `), and the key's slot. JSON Lines repeat one shape, so a member whose
   * bytes match is known without scanning and matching its key again.
   */
  private readonly shapePrefixes: (Uint8Array | undefined)[] = [];
  private readonly shapeSlots: number[] = [];
  private memberIndex = 0;

  /** @param keys - the top-level keys whose values {@link JsonScanner.scan} locates. */
  constructor(keys: readonly string[]) {
    this.keys = keys;
    this.keyBytes = keys.map((k) => encoder.encode(k));
    this.slotsByLength = [];
    this.keyBytes.forEach((key, slot) => {
      for (let n = this.slotsByLength.length; n <= key.length; n++) this.slotsByLength.push([]);
      this.slotsByLength[key.length]!.push(slot);
    });
    this.candidateSlot = new Int16Array(this.slotsByLength.length * 256).fill(-1);
    this.keyBytes.forEach((key, slot) => {
      if (key.length === 0) return;
      const at = key.length * 256 + key[0]!;
      this.candidateSlot[at] = this.candidateSlot[at] === -1 ? slot : -2;
    });
    this.kinds = new Uint8Array(keys.length);
    this.starts = new Int32Array(keys.length);
    this.ends = new Int32Array(keys.length);
    this.escaped = new Uint8Array(keys.length);
  }

  /**
   * Validates `bytes[start, end)` as one JSON text and locates the requested keys.
   * @returns whether the text is valid JSON (see {@link JsonScanner.error} when not).
   */
  scan(bytes: Uint8Array, start: number, end: number): boolean {
    const kinds = this.kinds;
    for (let k = 0; k < kinds.length; k++) kinds[k] = JsonKind.absent;
    this.topKind = JsonKind.absent;
    this.error = JsonError.none;
    this.scanStart = start;
    this.memberIndex = 0;
    let stack = this.stack;
    let depth = 0;
    // The requested key whose value is being scanned at depth 1, and where that value started.
    let slot = -1;
    let slotKind = 0;
    let slotStart = 0;
    let i = skipSpace(bytes, start, end);

    for (;;) {
      // A value starts at `i` (whitespace already skipped).
      if (i >= end) return this.fail(i, JsonError.syntax);
      const c = bytes[i]!;
      const kind = KIND_BY_FIRST_BYTE[c]!;
      if (kind === 0) return this.fail(i, JsonError.syntax);
      if (depth === 0) this.topKind = kind as JsonKind;
      else if (depth === 1 && slot >= 0) {
        slotStart = i;
        slotKind = kind;
      }
      if (kind === JsonKind.object || kind === JsonKind.array) {
        const close = kind === JsonKind.object ? RBRACE : RBRACKET;
        i = skipSpace(bytes, i + 1, end);
        if (i < end && bytes[i] === close) {
          i++; // empty container: a complete value
        } else {
          if (depth === stack.length) {
            const grown = new Uint8Array(stack.length * 2);
            grown.set(stack);
            this.stack = stack = grown;
          }
          stack[depth++] = kind === JsonKind.object ? IN_OBJECT : IN_ARRAY;
          if (kind === JsonKind.object) {
            i = this.member(bytes, i, end, depth === 1);
            if (i < 0) return false;
            if (depth === 1) slot = this.keySlot;
          }
          continue;
        }
      } else if (kind === JsonKind.string) {
        i = this.string(bytes, i, end);
        if (i < 0) return false;
      } else if (kind === JsonKind.number) {
        i = this.number(bytes, i, end);
        if (i < 0) return false;
      } else {
        const word = kind === JsonKind.true ? TRUE : kind === JsonKind.false ? FALSE : NULL;
        if (end - i < word.length) return this.fail(this.mismatch(bytes, i, end, word), JsonError.syntax);
        for (let k = 1; k < word.length; k++) {
          if (bytes[i + k] !== word[k]) return this.fail(i + k, JsonError.syntax);
        }
        i += word.length;
      }

      // A value just ended at depth `depth`: record it, then close containers until more input is due.
      for (;;) {
        if (depth === 1 && slot >= 0) {
          this.kinds[slot] = slotKind;
          this.starts[slot] = slotStart;
          this.ends[slot] = i;
          this.escaped[slot] = slotKind === JsonKind.string && this.stringEscaped ? 1 : 0;
          slot = -1;
        }
        i = skipSpace(bytes, i, end);
        if (depth === 0) return i === end ? true : this.fail(i, JsonError.syntax);
        if (i >= end) return this.fail(i, JsonError.syntax);
        const d = bytes[i]!;
        const container = stack[depth - 1]!;
        if (d === COMMA) {
          i = skipSpace(bytes, i + 1, end);
          if (container === IN_OBJECT) {
            i = this.member(bytes, i, end, depth === 1);
            if (i < 0) return false;
            if (depth === 1) slot = this.keySlot;
          }
          break;
        }
        if ((d === RBRACE && container === IN_OBJECT) || (d === RBRACKET && container === IN_ARRAY)) {
          depth--;
          i++;
          continue;
        }
        return this.fail(i, JsonError.syntax);
      }
    }
  }

  /**
   * A string value of the last scan, decoded (escapes resolved). Off the hot path: only for values
   * with escapes (`escaped[slot] === 1`) and for messages.
   */
  stringValue(bytes: Uint8Array, slot: number): string {
    const text = decoder.decode(bytes.subarray(this.starts[slot]!, this.ends[slot]!));
    return this.escaped[slot] ? (JSON.parse(text) as string) : text.slice(1, -1);
  }

  /** A human-readable reason for the last failed scan, e.g. `unexpected '}' at byte 17`. */
  errorMessage(bytes: Uint8Array, end: number): string {
    const at = this.scanStart + this.errorOffset;
    if (this.error === JsonError.utf8) return `invalid UTF-8 at byte ${this.errorOffset}`;
    if (at >= end) return 'unexpected end of line';
    const c = bytes[at]!;
    const shown =
      c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
    return `unexpected ${shown} at byte ${this.errorOffset}`;
  }

  private fail(at: number, error: JsonError): false {
    this.error = error;
    this.errorOffset = at - this.scanStart;
    return false;
  }

  /** {@link fail} for the helpers that return an index. */
  private failAt(at: number, error: JsonError): -1 {
    this.fail(at, error);
    return -1;
  }

  /** Offset of the first byte of `bytes[at, end)` that differs from `word` (for the error position). */
  private mismatch(bytes: Uint8Array, at: number, end: number, word: Uint8Array): number {
    let k = 0;
    while (at + k < end && bytes[at + k] === word[k]) k++;
    return at + k;
  }

  /**
   * Scans `"key" :` at `i` and the whitespace after it; sets {@link keySlot} when `topLevel`.
   * @returns the index of the member's value, or -1 on failure.
   */
  private member(bytes: Uint8Array, i: number, end: number, topLevel: boolean): number {
    if (i >= end || bytes[i] !== QUOTE) return this.failAt(i, JsonError.syntax);
    const memberStart = i;
    const index = topLevel ? this.memberIndex++ : -1;
    if (topLevel) {
      // The same bytes as this member of the last line that had it: the same valid key and colon.
      const prefix = this.shapePrefixes[index];
      if (prefix !== undefined && startsWith(bytes, i, end, prefix)) {
        this.keySlot = this.shapeSlots[index]!;
        return skipSpace(bytes, i + prefix.length, end);
      }
    }
    const keyStart = i + 1;
    i = this.string(bytes, i, end);
    if (i < 0) return -1;
    const escaped = this.stringEscaped;
    if (topLevel) this.keySlot = this.matchKey(bytes, keyStart, i - 1);
    i = skipSpace(bytes, i, end);
    if (i >= end || bytes[i] !== COLON) return this.failAt(i, JsonError.syntax);
    const value = skipSpace(bytes, i + 1, end);
    if (topLevel && !escaped && index < MAX_SHAPE_MEMBERS) {
      this.shapePrefixes[index] = bytes.slice(memberStart, value);
      this.shapeSlots[index] = this.keySlot;
    }
    return value;
  }

  /** Slot of the key `bytes[start, end)` (string content, quotes excluded), or -1. */
  private matchKey(bytes: Uint8Array, start: number, end: number): number {
    if (this.stringEscaped) {
      const key = JSON.parse(decoder.decode(bytes.subarray(start - 1, end + 1))) as string;
      return this.keys.indexOf(key);
    }
    const length = end - start;
    if (length >= this.slotsByLength.length) return -1;
    if (length > 0) {
      const slot = this.candidateSlot[length * 256 + bytes[start]!]!;
      if (slot === -1) return -1;
      if (slot >= 0) {
        const key = this.keyBytes[slot]!;
        let j = 1;
        while (j < length && bytes[start + j] === key[j]) j++;
        return j === length ? slot : -1;
      }
    }
    const candidates = this.slotsByLength[length]!;
    for (let c = 0; c < candidates.length; c++) {
      const slot = candidates[c]!;
      const key = this.keyBytes[slot]!;
      let j = 0;
      while (j < length && bytes[start + j] === key[j]) j++;
      if (j === length) return slot;
    }
    return -1;
  }

  /** Scans a string at `i` (`bytes[i]` is `"`); sets {@link stringEscaped}. Returns the index after it or -1. */
  private string(bytes: Uint8Array, i: number, end: number): number {
    let escaped = false;
    i++;
    for (;;) {
      while (i < end && PLAIN_IN_STRING[bytes[i]!] === 1) i++;
      if (i >= end) return this.failAt(i, JsonError.syntax);
      const c = bytes[i]!;
      if (c === QUOTE) {
        this.stringEscaped = escaped;
        return i + 1;
      }
      if (c === BACKSLASH) {
        escaped = true;
        const e = bytes[i + 1]!;
        if (i + 1 < end && SIMPLE_ESCAPE[e] === 1) {
          i += 2;
        } else if (i + 1 < end && e === 0x75) {
          for (let k = 2; k < 6; k++) {
            if (i + k >= end || HEX[bytes[i + k]!] !== 1) return this.failAt(i + k, JsonError.syntax);
          }
          i += 6;
        } else {
          return this.failAt(i + 1, JsonError.syntax);
        }
      } else if (c < 0x20) {
        return this.failAt(i, JsonError.syntax); // raw control characters must be escaped
      } else if (c < 0x80) {
        i++;
      } else {
        const next = utf8SequenceEnd(bytes, i, end);
        if (next < 0) return this.failAt(i, JsonError.utf8);
        i = next;
      }
    }
  }

  /** Scans `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?` at `i`. Returns the index after it or -1. */
  private number(bytes: Uint8Array, i: number, end: number): number {
    if (bytes[i] === MINUS) i++;
    if (i >= end) return this.failAt(i, JsonError.syntax);
    const first = bytes[i]!;
    if (first === ZERO) {
      i++;
    } else if (isDigit(first)) {
      i++;
      while (i < end && isDigit(bytes[i]!)) i++;
    } else {
      return this.failAt(i, JsonError.syntax);
    }
    if (i < end && bytes[i] === DOT) {
      i++;
      if (i >= end || !isDigit(bytes[i]!)) return this.failAt(i, JsonError.syntax);
      while (i < end && isDigit(bytes[i]!)) i++;
    }
    if (i < end && (bytes[i] === LOWER_E || bytes[i] === UPPER_E)) {
      i++;
      if (i < end && (bytes[i] === PLUS || bytes[i] === MINUS)) i++;
      if (i >= end || !isDigit(bytes[i]!)) return this.failAt(i, JsonError.syntax);
      while (i < end && isDigit(bytes[i]!)) i++;
    }
    return i;
  }
}

function isDigit(c: number): boolean {
  return c - ZERO >= 0 && c - ZERO <= 9;
}

/** Top-level members per line whose shape is remembered (see `JsonScanner.shapePrefixes`). */
const MAX_SHAPE_MEMBERS = 32;

/** True when `bytes[i, end)` starts with `prefix`. */
function startsWith(bytes: Uint8Array, i: number, end: number, prefix: Uint8Array): boolean {
  const n = prefix.length;
  if (i + n > end) return false;
  for (let k = 0; k < n; k++) if (bytes[i + k] !== prefix[k]) return false;
  return true;
}

/** Index of the first byte at or after `i` that is not JSON whitespace (space, tab, LF, CR). */
function skipSpace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i]!;
    if (c !== SPACE && c !== TAB && c !== LF && c !== CR) break;
    i++;
  }
  return i;
}
