/**
 * Cuts a bronze file's byte stream into blocks of about `blockBytes` at line boundaries (CSV:
 * record boundaries), so each block can be parsed by the reference readers on its own. The cut
 * rules mirror the reference `LineSplitter` exactly, because a cut in the wrong place would change
 * what the reader sees.
 *
 * @module
 */

import type { InputFile } from '../../src/read/index.js';
import { isBlank } from '../../src/read/index.js';
import type { BlockFile } from './protocol.js';

const LF = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BOM = [0xef, 0xbb, 0xbf] as const;
/** Bytes appended between cut attempts, so a huge input chunk does not make a huge block. */
const SLICE = 64 * 1024;
/** Largest buffer allocated up front for a block; longer blocks grow it. */
const MAX_INITIAL = 64 * 1024 * 1024;

// The reference splitter's CSV states (RFC 4180: a quote opens a quoted field only at its start).
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;

/** Options of {@link cutBlocks}. */
export interface CutOptions {
  /** Split CSV records (quoted fields may hold line breaks) and repeat the header in every block. */
  readonly csv: boolean;
  /** Smallest block, bytes; a block ends at the first record boundary at or after this size. */
  readonly blockBytes: number;
}

/** Totals of one file, filled in as {@link cutBlocks} runs. */
export interface CutStats {
  /** Bytes read from the file (BOM and line breaks included), as the reference reports them. */
  bytes: number;
}

/**
 * Yields the file's blocks in order. Every block but the first carries a prefix (see
 * {@link BlockFile.prefix}); bodies own their buffers, ready to be transferred.
 *
 * @example
 * ```ts
 * const stats = { bytes: 0 };
 * for await (const block of cutBlocks(file, { csv: true, blockBytes: 4 << 20 }, stats)) send(block);
 * ```
 */
export async function* cutBlocks(
  file: InputFile,
  options: CutOptions,
  stats: CutStats,
): AsyncGenerator<BlockFile, void, undefined> {
  const cutter = new BlockCutter(file.path, options);
  for await (const chunk of file.chunks()) {
    stats.bytes += chunk.length;
    for (let at = 0; at < chunk.length; at += cutter.slice) {
      yield* cutter.push(chunk.subarray(at, Math.min(chunk.length, at + cutter.slice)));
    }
  }
  yield* cutter.finish();
}

/** The incremental state behind {@link cutBlocks}. */
export class BlockCutter {
  /** Most bytes to {@link BlockCutter.push} at once (small for small blocks: every cut copies the rest). */
  readonly slice: number;
  private buf: Uint8Array;
  private len = 0;
  private readonly target: number;
  private readonly csv: boolean;
  private first = true;
  /** What blocks after the first start with. */
  private prefix: Uint8Array | null = null;

  /** JSON Lines: where the next search for a line break starts. */
  private searchFrom = 0;

  // CSV, before the header is found: a byte-level replica of the reference splitter.
  private headerEnd = -1;
  private headerPos = -1;
  private headerRecord = 0;
  private headerState = FIELD_START;

  // CSV, after the header: jumps from quote to quote.
  private pos = 0;
  private inQuotes = false;

  constructor(
    private readonly path: string,
    options: CutOptions,
  ) {
    if (!Number.isInteger(options.blockBytes) || options.blockBytes < 1) {
      throw new RangeError(`blockBytes must be a positive integer, got ${options.blockBytes}`);
    }
    this.target = options.blockBytes;
    this.csv = options.csv;
    this.slice = Math.min(SLICE, Math.max(1024, this.target));
    // Empty at first (a folder may hold thousands of tiny files); append() grows it.
    this.buf = new Uint8Array(0);
  }

  /** Adds bytes; returns the blocks that are complete. */
  push(bytes: Uint8Array): BlockFile[] {
    this.append(bytes);
    const out: BlockFile[] = [];
    for (let cut = this.findCut(false); cut > 0; cut = this.findCut(false)) out.push(this.emit(cut));
    return out;
  }

  /** Ends the file: returns the last block, if any bytes are left. */
  finish(): BlockFile[] {
    if (this.csv && this.first && this.headerEnd < 0) this.findHeader(true);
    return this.len > 0 ? [this.emit(this.len, true)] : [];
  }

  private append(bytes: Uint8Array): void {
    const needed = this.len + bytes.length;
    if (needed > this.buf.length) {
      const grown = new Uint8Array(Math.max(needed, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    this.buf.set(bytes, this.len);
    this.len = needed;
  }

  /** End of the first record boundary at or after the target size, or -1 when not in sight yet. */
  private findCut(eof: boolean): number {
    if (this.len < this.target) return -1;
    if (!this.csv) {
      const view = this.buf.subarray(0, this.len);
      const lf = view.indexOf(LF, Math.max(this.searchFrom, this.target - 1));
      this.searchFrom = lf < 0 ? this.len : lf;
      return lf < 0 ? -1 : lf + 1;
    }
    if (this.first && this.headerEnd < 0 && !this.findHeader(eof)) return -1;
    return this.scanCsv();
  }

  /**
   * Finds the end of the file's header (its first non-blank record) with the reference splitter's
   * state machine, byte by byte (headers are short).
   */
  private findHeader(eof: boolean): boolean {
    const buf = this.buf;
    if (this.headerPos < 0) {
      if (this.len < BOM.length && !eof) return false;
      const bom = this.len >= 3 && buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2];
      this.headerPos = bom ? 3 : 0;
      this.headerRecord = this.headerPos;
    }
    let state = this.headerState;
    for (let i = this.headerPos; i < this.len; i++) {
      const c = buf[i]!;
      if (state === QUOTED) {
        if (c === QUOTE) state = QUOTE_IN_QUOTED;
        continue;
      }
      if (state === QUOTE_IN_QUOTED) {
        if (c === QUOTE) {
          state = QUOTED;
          continue;
        }
        state = UNQUOTED;
      }
      if (c === LF) {
        if (!isBlank(buf, this.headerRecord, i)) {
          this.headerEnd = i + 1;
          this.pos = i + 1;
          this.inQuotes = false;
          return true;
        }
        this.headerRecord = i + 1;
        state = FIELD_START;
        continue;
      }
      if (c === COMMA) state = FIELD_START;
      else state = c === QUOTE && state === FIELD_START ? QUOTED : UNQUOTED;
    }
    this.headerPos = this.len;
    this.headerState = state;
    return false;
  }

  /**
   * Advances the CSV scan to the first record boundary at or after the target: outside quotes every
   * line break ends a record, so only quotes are visited one by one. A quote opens a quoted field
   * only at a field's start (after a comma or a record boundary), as in the reference splitter.
   */
  private scanCsv(): number {
    const view = this.buf.subarray(0, this.len);
    const from = this.target - 1;
    for (;;) {
      if (this.inQuotes) {
        const close = view.indexOf(QUOTE, this.pos);
        if (close < 0 || close + 1 >= this.len) {
          // Whether this quote closes the field or escapes the next one is not known yet.
          this.pos = close < 0 ? this.len : close;
          return -1;
        }
        if (view[close + 1] === QUOTE) {
          this.pos = close + 2;
          continue;
        }
        this.inQuotes = false;
        this.pos = close + 1;
        continue;
      }
      const quote = view.indexOf(QUOTE, this.pos);
      const lf = view.indexOf(LF, Math.max(this.pos, from));
      if (lf >= 0 && (quote < 0 || lf < quote)) {
        this.pos = lf + 1;
        return lf + 1;
      }
      if (quote < 0) {
        this.pos = this.len;
        return -1;
      }
      const before = quote === 0 ? LF : view[quote - 1]!;
      this.inQuotes = before === COMMA || before === LF;
      this.pos = quote + 1;
    }
  }

  private emit(cut: number, last = false): BlockFile {
    // The body goes with its buffer (transferred, no copy) unless it would waste most of it: a
    // pending batch of small files must not pin mostly empty buffers.
    const body = cut * 2 >= this.buf.length ? this.buf.subarray(0, cut) : this.buf.slice(0, cut);
    const rest = this.len - cut;
    if (this.first) {
      this.prefix = this.csv
        ? this.headerEnd > 0
          ? this.buf.slice(0, this.headerEnd)
          : null
        : Uint8Array.of(LF);
    }
    const block: BlockFile = { path: this.path, prefix: this.first ? null : this.prefix, body };
    // The body's buffer is transferred away: continue in a new one, full size (the file is large).
    const next = new Uint8Array(last ? 0 : Math.max(Math.min(this.target, MAX_INITIAL), rest) + this.slice);
    next.set(this.buf.subarray(cut, this.len));
    this.buf = next;
    this.len = rest;
    this.pos = Math.max(0, this.pos - cut);
    this.searchFrom = 0;
    this.first = false;
    return block;
  }
}
