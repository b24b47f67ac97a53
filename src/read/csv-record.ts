/**
 * Splits one CSV record (as delimited by the CSV mode of the line splitter) into fields.
 *
 * @module
 */

const QUOTE = 0x22;
const COMMA = 0x2c;

// ignoreBOM: a U+FEFF that is not at the start of the file is data and must survive decoding.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The fields of one CSV record (RFC 4180), overwritten by each {@link CsvRecord.split}. Field `k`
 * is `buffer(k)[starts[k], ends[k])`: a slice of the record itself, or of a scratch buffer for a
 * quoted field whose doubled quotes (`""`) had to be collapsed.
 *
 * Lenient where RFC 4180 forbids but files still contain it: a quote inside an unquoted field is an
 * ordinary character (`ab"c`); text after a closing quote (`"ab"c`) makes the field its raw text
 * up to the next comma; an unterminated quoted field runs to the end of the record.
 *
 * @example
 * ```ts
 * const record = new CsvRecord();
 * const bytes = new TextEncoder().encode('a,"b,""c""",');
 * record.split(bytes, 0, bytes.length);
 * record.count; // 3
 * record.text(1); // 'b,"c"'
 * ```
 */
export class CsvRecord {
  /** Number of fields. */
  count = 0;
  /** Per field: start of its value. */
  starts = new Int32Array(16);
  /** Per field: end (exclusive) of its value. */
  ends = new Int32Array(16);
  /** True when some byte of the record is ≥ 0x80 (so it needs a UTF-8 check). */
  nonAscii = false;

  private record: Uint8Array = new Uint8Array(0);
  private inScratch = new Uint8Array(16);
  private scratch = new Uint8Array(256);
  private scratchLength = 0;

  /** Splits `bytes[start, end)` (a record without its line break). */
  split(bytes: Uint8Array, start: number, end: number): void {
    this.record = bytes;
    this.count = 0;
    this.scratchLength = 0;
    let high = 0;
    let i = start;
    for (;;) {
      if (i < end && bytes[i] === QUOTE) {
        const contentStart = i + 1;
        let j = contentStart;
        let doubled = false;
        let closing = -1;
        while (j < end) {
          const c = bytes[j]!;
          high |= c;
          if (c === QUOTE) {
            if (j + 1 < end && bytes[j + 1] === QUOTE) {
              doubled = true;
              j += 2;
              continue;
            }
            closing = j;
            break;
          }
          j++;
        }
        if (closing < 0) {
          this.pushQuoted(bytes, contentStart, end, doubled);
          i = end;
        } else if (closing + 1 === end || bytes[closing + 1] === COMMA) {
          this.pushQuoted(bytes, contentStart, closing, doubled);
          i = closing + 1;
        } else {
          let k = closing + 1;
          while (k < end && bytes[k] !== COMMA) high |= bytes[k++]!;
          this.push(i, k, 0);
          i = k;
        }
      } else {
        let k = i;
        while (k < end) {
          const c = bytes[k]!;
          if (c === COMMA) break;
          high |= c;
          k++;
        }
        this.push(i, k, 0);
        i = k;
      }
      if (i >= end) break;
      i++; // the comma; a record ending in a comma has an empty last field
    }
    this.nonAscii = (high & 0x80) !== 0;
  }

  /** The buffer field `k` points into. */
  buffer(k: number): Uint8Array {
    return this.inScratch[k] === 1 ? this.scratch : this.record;
  }

  /** True when field `k` is empty (read as null, like Spark's CSV reader). */
  isEmpty(k: number): boolean {
    return this.starts[k] === this.ends[k];
  }

  /** Field `k` as a string (off the hot path: messages, headers). */
  text(k: number): string {
    return decoder.decode(this.buffer(k).subarray(this.starts[k]!, this.ends[k]!));
  }

  private pushQuoted(bytes: Uint8Array, start: number, end: number, doubled: boolean): void {
    if (!doubled) {
      this.push(start, end, 0);
      return;
    }
    // Collapse `""` into `"` in the scratch buffer (rare: only fields that contain quotes).
    const from = this.scratchLength;
    if (from + (end - start) > this.scratch.length) {
      const grown = new Uint8Array(Math.max(this.scratch.length * 2, from + (end - start)));
      grown.set(this.scratch.subarray(0, from));
      this.scratch = grown;
    }
    const scratch = this.scratch;
    let at = from;
    for (let j = start; j < end; j++) {
      const c = bytes[j]!;
      scratch[at++] = c;
      if (c === QUOTE && bytes[j + 1] === QUOTE && j + 1 < end) j++;
    }
    this.scratchLength = at;
    this.push(from, at, 1);
  }

  private push(start: number, end: number, inScratch: number): void {
    const k = this.count++;
    if (k === this.starts.length) {
      const size = k * 2;
      const starts = new Int32Array(size);
      starts.set(this.starts);
      const ends = new Int32Array(size);
      ends.set(this.ends);
      const flags = new Uint8Array(size);
      flags.set(this.inScratch);
      this.starts = starts;
      this.ends = ends;
      this.inScratch = flags;
    }
    this.starts[k] = start;
    this.ends[k] = end;
    this.inScratch[k] = inScratch;
  }
}
