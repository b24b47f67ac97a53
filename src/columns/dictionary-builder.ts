import type { Data } from 'apache-arrow';
import { Dictionary, Int32, makeData, makeVector, Utf8 } from 'apache-arrow';
import { ensureCapacity, trimmed } from './growable.js';
import { KeyIndex } from './key-index.js';
import { ValidityBuilder } from './validity-builder.js';

/**
 * Builds a dictionary-encoded Utf8 column (Int32 indices) for low-cardinality strings such as
 * `event_type` or `currency`: each distinct value is stored once.
 */
export class DictionaryBuilder {
  private readonly dictionary = new KeyIndex(64);
  private indices = new Int32Array(1024);
  private readonly validity = new ValidityBuilder();
  length = 0;

  /** Appends `source[start, end)`. Returns its dictionary index. */
  appendBytes(source: Uint8Array, start: number, end: number): number {
    const id = this.dictionary.intern(source, start, end);
    this.push(id);
    return id;
  }

  /** Appends a JS string (rare path: values that needed unescaping). */
  appendString(value: string): number {
    const encoded = new TextEncoder().encode(value);
    return this.appendBytes(encoded, 0, encoded.length);
  }

  /** Appends a null. */
  appendNull(): void {
    this.validity.setNull(this.length);
    this.push(0);
  }

  private push(id: number): void {
    this.indices = ensureCapacity(this.indices, this.length + 1, Int32Array);
    this.indices[this.length++] = id;
  }

  /** The finished Arrow data. */
  finish(): Data<Dictionary<Utf8, Int32>> {
    return makeData({
      type: new Dictionary(new Utf8(), new Int32()),
      length: this.length,
      nullCount: this.validity.nullCount,
      nullBitmap: this.validity.finish(this.length),
      data: trimmed(this.indices, this.length),
      dictionary: makeVector(this.dictionary.keysAsUtf8()),
    });
  }
}
