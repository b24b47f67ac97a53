/**
 * Splits a chunked byte stream into lines (JSON Lines) or CSV records, zero-copy inside a chunk.
 *
 * @module
 */

/** Default {@link LineSplitterOptions.maxLineBytes}: 64 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * How many leading bytes of an over-long line are kept (as its raw text) for the quarantine record;
 * never more than `maxLineBytes`.
 */
export const TOO_LONG_RAW_BYTES = 4096;

/** Lines per batch: bounds the batch arrays when one chunk holds millions of lines. */
const BATCH_LINES = 8192;

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BOM = Uint8Array.of(0xef, 0xbb, 0xbf);

// CSV quoting states (RFC 4180): a quote opens a quoted field only at the start of a field.
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3; // just saw `"` inside a quoted field: `""` (escaped) or the closing quote

/**
 * A batch of lines that all point into one buffer. Line `k` is `bytes[starts[k], ends[k])`
 * without its line break; it started on physical line `lines[k]` (1-based, blank lines included in
 * the numbering). `lengths[k]` is the line's full byte length: when it exceeds `ends[k] - starts[k]`
 * the line was longer than `maxLineBytes` and only its first bytes are in the range.
 *
 * A batch (and its arrays) is reused: it is valid until the iteration that produced it continues.
 */
export interface LineBatch {
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lines: Float64Array;
  readonly lengths: Float64Array;
}

/** Options of {@link LineSplitter} and {@link splitLines}. */
export interface LineSplitterOptions {
  /**
   * Longest line (bytes, without the line break) kept whole; longer lines are reported truncated to
   * their first `min(4096, maxLineBytes)` bytes (see {@link LineBatch}) so memory stays bounded.
   * Default {@link DEFAULT_MAX_LINE_BYTES}.
   */
  readonly maxLineBytes?: number;
  /**
   * Split CSV records instead of lines: a line break inside a quoted field (RFC 4180) does not end
   * the record, and the record's number is the line it starts on. Default `false`.
   */
  readonly csvQuotes?: boolean;
}

class MutableBatch implements LineBatch {
  bytes: Uint8Array = new Uint8Array(0);
  count = 0;
  starts = new Int32Array(256);
  ends = new Int32Array(256);
  lines = new Float64Array(256);
  lengths = new Float64Array(256);

  reset(bytes: Uint8Array): void {
    this.bytes = bytes;
    this.count = 0;
  }

  add(start: number, end: number, line: number, length: number): void {
    const k = this.count++;
    if (k === this.starts.length) this.grow();
    this.starts[k] = start;
    this.ends[k] = end;
    this.lines[k] = line;
    this.lengths[k] = length;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    starts.set(this.starts);
    const ends = new Int32Array(size);
    ends.set(this.ends);
    const lines = new Float64Array(size);
    lines.set(this.lines);
    const lengths = new Float64Array(size);
    lengths.set(this.lengths);
    this.starts = starts;
    this.ends = ends;
    this.lines = lines;
    this.lengths = lengths;
  }
}

/** True when `bytes[start, end)` holds only spaces, tabs and CRs (SPEC §2: such lines are skipped). */
export function isBlank(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

/**
 * Incremental splitter: feed chunks with {@link LineSplitter.push}, then call
 * {@link LineSplitter.finish}; both yield {@link LineBatch}es in input order. Lines inside a chunk
 * are not copied; only a line that spans chunks is assembled in a carry buffer. Strips a UTF-8 BOM
 * at the start of the stream, accepts LF and CRLF, and skips blank lines.
 *
 * @example
 * ```ts
 * const splitter = new LineSplitter();
 * for (const batch of splitter.push(chunk)) {
 *   for (let k = 0; k < batch.count; k++) handle(batch.bytes, batch.starts[k]!, batch.ends[k]!);
 * }
 * for (const batch of splitter.finish()) { ... }
 * ```
 */
export class LineSplitter {
  /** Bytes pushed so far (BOM and line breaks included). */
  bytesRead = 0;

  private readonly maxLineBytes: number;
  private readonly rawLimit: number;
  private readonly csvQuotes: boolean;
  private readonly batch = new MutableBatch();
  private readonly carryBatch = new MutableBatch();

  private bomMatched = 0;
  private bomDone = false;
  /** Line number of the next physical line. */
  private nextLine = 1;
  private quoteState = FIELD_START;
  /** The buffer {@link quoteAt} refers to. */
  private quoteBytes: Uint8Array | null = null;
  /** Index of the next quote in {@link quoteBytes} at or after the last search start, -1 for none. */
  private quoteAt = -1;

  // The record that started in an earlier chunk and has not ended yet.
  private pending = false;
  private pendingLine = 0;
  private carry = new Uint8Array(1024);
  private carryLength = 0;
  private pendingLength = 0;
  private pendingOver = false;
  private pendingBlank = true;
  private pendingLastByte = -1;

  constructor(options: LineSplitterOptions = {}) {
    const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
      throw new RangeError(`maxLineBytes must be a positive integer, got ${maxLineBytes}`);
    }
    this.maxLineBytes = maxLineBytes;
    this.rawLimit = Math.min(TOO_LONG_RAW_BYTES, maxLineBytes);
    this.csvQuotes = options.csvQuotes ?? false;
  }

  /** Splits the next chunk. Each yielded batch is valid until the generator resumes. */
  *push(input: Uint8Array): Generator<LineBatch, void, undefined> {
    // A Node Buffer's subarray() is several times slower than a plain Uint8Array's, and the column
    // builders slice every value: view Buffers as plain Uint8Arrays (no copy).
    const chunk =
      input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
    this.bytesRead += chunk.length;
    let pos = 0;
    if (!this.bomDone) {
      // Match the BOM byte by byte: with tiny chunks it may span several of them.
      while (pos < chunk.length && this.bomMatched < BOM.length) {
        if (chunk[pos] !== BOM[this.bomMatched]) {
          this.endBomCheck();
          break;
        }
        this.bomMatched++;
        pos++;
      }
      if (this.bomMatched === BOM.length) this.bomDone = true;
      if (!this.bomDone) return;
    }

    if (this.pending) {
      const lf = this.findEnd(chunk, pos);
      if (lf < 0) {
        this.appendPending(chunk, pos, chunk.length);
        return;
      }
      this.appendPending(chunk, pos, lf);
      yield* this.emitPending();
      this.nextLine++;
      pos = lf + 1;
    }

    const batch = this.batch;
    batch.reset(chunk);
    while (pos < chunk.length) {
      this.quoteState = FIELD_START;
      const line = this.nextLine;
      const lf = this.findEnd(chunk, pos);
      if (lf < 0) {
        this.startPending(line);
        this.appendPending(chunk, pos, chunk.length);
        break;
      }
      const end = lf > pos && chunk[lf - 1] === CR ? lf - 1 : lf;
      const length = end - pos;
      // Most lines start with a non-blank byte: test that before the full blank scan.
      const first = chunk[pos];
      const blank =
        length === 0 || ((first === SPACE || first === TAB || first === CR) && isBlank(chunk, pos, end));
      if (!blank) batch.add(pos, length > this.maxLineBytes ? pos + this.rawLimit : end, line, length);
      this.nextLine++;
      pos = lf + 1;
      if (batch.count === BATCH_LINES) {
        yield batch;
        batch.reset(chunk);
      }
    }
    if (batch.count > 0) yield batch;
  }

  /** Ends the stream: yields the last line if it had no line break. */
  *finish(): Generator<LineBatch, void, undefined> {
    if (!this.bomDone) this.endBomCheck();
    if (this.pending) yield* this.emitPending();
  }

  /** The stream does not start with a full BOM: the bytes matched so far are data. */
  private endBomCheck(): void {
    this.bomDone = true;
    if (this.bomMatched === 0) return;
    const prefix = BOM.subarray(0, this.bomMatched);
    this.quoteState = FIELD_START;
    this.startPending(this.nextLine);
    this.findEnd(prefix, 0); // no LF in it: only updates the CSV quoting state
    this.appendPending(prefix, 0, prefix.length);
  }

  /**
   * Index of the LF that ends the current record at or after `from`, or -1 when the chunk ends
   * first. In CSV mode, counts the line breaks inside quoted fields and keeps the quoting state
   * across calls, so a record may span any number of chunks.
   */
  private findEnd(bytes: Uint8Array, from: number): number {
    if (!this.csvQuotes) return bytes.indexOf(LF, from);
    if (this.quoteState === FIELD_START || this.quoteState === UNQUOTED) {
      // Fast path, most records: no quote before the next LF, so the LF ends the record.
      if (this.quoteBytes !== bytes || (this.quoteAt >= 0 && this.quoteAt < from)) {
        this.quoteBytes = bytes;
        this.quoteAt = bytes.indexOf(QUOTE, from); // cached: the first quote at or after `from`
      }
      const lf = bytes.indexOf(LF, from);
      if (this.quoteAt < 0 || (lf >= 0 && lf < this.quoteAt)) {
        if (lf >= 0) {
          this.quoteState = FIELD_START;
          return lf;
        }
        if (from < bytes.length) this.quoteState = bytes[bytes.length - 1] === COMMA ? FIELD_START : UNQUOTED;
        return -1;
      }
    }
    return this.findEndQuoted(bytes, from);
  }

  /** {@link findEnd} byte by byte, for records with quotes. */
  private findEndQuoted(bytes: Uint8Array, from: number): number {
    let state = this.quoteState;
    for (let i = from; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (state === QUOTED) {
        if (c === QUOTE) state = QUOTE_IN_QUOTED;
        else if (c === LF) this.nextLine++;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          state = QUOTED;
          continue;
        }
        state = UNQUOTED; // that was the closing quote; `c` follows the field
      }
      if (c === LF) {
        this.quoteState = FIELD_START;
        return i;
      }
      if (c === COMMA) state = FIELD_START;
      else state = c === QUOTE && state === FIELD_START ? QUOTED : UNQUOTED;
    }
    this.quoteState = state;
    return -1;
  }

  private startPending(line: number): void {
    this.pending = true;
    this.pendingLine = line;
    this.carryLength = 0;
    this.pendingLength = 0;
    this.pendingOver = false;
    this.pendingBlank = true;
    this.pendingLastByte = -1;
  }

  /** Adds `bytes[start, end)` to the pending record, keeping only a prefix once it is too long. */
  private appendPending(bytes: Uint8Array, start: number, end: number): void {
    const n = end - start;
    if (n === 0) return;
    this.pendingLength += n;
    this.pendingLastByte = bytes[end - 1]!;
    if (this.pendingOver) {
      if (this.pendingBlank) this.pendingBlank = isBlank(bytes, start, end);
      return;
    }
    // One byte of slack: a CR before the LF is not part of the line.
    if (this.pendingLength > this.maxLineBytes + 1) {
      this.pendingOver = true;
      this.pendingBlank = isBlank(this.carry, 0, this.carryLength) && isBlank(bytes, start, end);
      const keep = Math.max(0, Math.min(n, this.rawLimit - this.carryLength));
      if (this.carry.length > 4 * TOO_LONG_RAW_BYTES) {
        // Give back the memory of the long prefix; keep only what the quarantine record shows.
        this.carry = this.carry.slice(0, Math.max(this.rawLimit, 1));
      }
      this.carryLength = Math.min(this.carryLength, this.rawLimit);
      this.copyIntoCarry(bytes, start, start + keep);
      return;
    }
    this.copyIntoCarry(bytes, start, end);
  }

  private copyIntoCarry(bytes: Uint8Array, start: number, end: number): void {
    const needed = this.carryLength + (end - start);
    if (needed > this.carry.length) {
      let size = this.carry.length * 2;
      while (size < needed) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(bytes.subarray(start, end), this.carryLength);
    this.carryLength = needed;
  }

  /** Yields the pending record (the carry buffer is reused only after the consumer resumes us). */
  private *emitPending(): Generator<LineBatch, void, undefined> {
    this.pending = false;
    let length = this.pendingLength;
    if (length > 0 && this.pendingLastByte === CR) length--;
    let end: number;
    let blank: boolean;
    if (length > this.maxLineBytes) {
      end = Math.min(this.carryLength, this.rawLimit);
      blank = this.pendingOver ? this.pendingBlank : isBlank(this.carry, 0, length);
    } else {
      end = length; // not over the limit, so the whole line is in the carry buffer
      blank = isBlank(this.carry, 0, length);
    }
    if (blank) return;
    const batch = this.carryBatch;
    batch.reset(this.carry);
    batch.add(0, end, this.pendingLine, length);
    yield batch;
  }
}

/**
 * Splits a chunk stream into {@link LineBatch}es (see {@link LineSplitter}). The returned
 * splitter-owned batches are valid until the loop continues; `splitter.bytesRead` counts the bytes.
 *
 * @example
 * ```ts
 * for await (const batch of splitLines(file.chunks(), { csvQuotes: true })) {
 *   for (let k = 0; k < batch.count; k++) console.log(batch.lines[k], batch.ends[k]! - batch.starts[k]!);
 * }
 * ```
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array>,
  options: LineSplitterOptions = {},
  splitter: LineSplitter = new LineSplitter(options),
): AsyncGenerator<LineBatch, void, undefined> {
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.finish();
}
