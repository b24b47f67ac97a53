import type { Data } from 'apache-arrow';
import { makeData, Utf8 } from 'apache-arrow';
import { copyBytes } from './bytes.js';
import { ensureCapacity, trimmed } from './growable.js';
import { ValidityBuilder } from './validity-builder.js';

const encoder = new TextEncoder();

/**
 * Builds an Arrow Utf8 column from byte ranges (no JS strings on the hot path): the readers copy
 * a field's bytes straight from the input buffer.
 */
export class Utf8Builder {
  private offsets = new Int32Array(1024);
  private bytes = new Uint8Array(16 * 1024);
  private readonly validity = new ValidityBuilder();
  /** Rows appended so far. */
  length = 0;

  /** Appends `source[start, end)` (valid UTF-8) as the next value. */
  appendBytes(source: Uint8Array, start: number, end: number): void {
    const at = this.offsets[this.length]!;
    const length = end - start;
    const next = at + length;
    if (next > this.bytes.length) this.bytes = ensureCapacity(this.bytes, next, Uint8Array);
    copyBytes(this.bytes, at, source, start, length);
    this.pushOffset(next);
  }

  /** Appends a JS string (for values that needed unescaping; rare). */
  appendString(value: string): void {
    const encoded = encoder.encode(value);
    this.appendBytes(encoded, 0, encoded.length);
  }

  /** Appends a null. */
  appendNull(): void {
    this.validity.setNull(this.length);
    this.pushOffset(this.offsets[this.length]!);
  }

  private pushOffset(next: number): void {
    if (this.length + 2 > this.offsets.length)
      this.offsets = ensureCapacity(this.offsets, this.length + 2, Int32Array);
    this.offsets[++this.length] = next;
  }

  /** The finished Arrow data. The builder must not be used afterwards. */
  finish(): Data<Utf8> {
    const end = this.offsets[this.length]!;
    return makeData({
      type: new Utf8(),
      length: this.length,
      nullCount: this.validity.nullCount,
      nullBitmap: this.validity.finish(this.length),
      valueOffsets: trimmed(this.offsets, this.length + 1),
      data: trimmed(this.bytes, end),
    });
  }
}
