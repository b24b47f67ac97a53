import { type Data, makeData, Utf8 } from 'apache-arrow';
import { bytesEqual, copyBytes } from './bytes.js';
import { ensureCapacity, trimmed } from './growable.js';

/** FNV-1a over a byte range: cheap, good enough spread for ids like `EVT_00000001`. */
export function hashBytes(bytes: Uint8Array, start: number, end: number, seed = 0x811c9dc5): number {
  let h = seed;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * Interns byte-string keys into dense group ids 0, 1, 2, … in first-seen order: the hash table
 * behind dedup and grouping. Keys are copied into one growing buffer, so ids stay valid across
 * input chunks and no JS string is ever made.
 *
 * Composite keys are built with {@link KeyIndex.begin}/{@link KeyIndex.part}/{@link KeyIndex.end};
 * each part is length-prefixed so `("ab","c")` and `("a","bc")` differ.
 */
export class KeyIndex {
  private slots: Int32Array;
  private mask: number;
  private hashes = new Uint32Array(1024);
  private keyOffsets = new Int32Array(1025);
  private keyBytes = new Uint8Array(64 * 1024);
  private scratch = new Uint8Array(256);
  private scratchLength = 0;
  /** Number of distinct keys. */
  size = 0;

  constructor(expectedKeys = 1024) {
    let capacity = 1024;
    while (capacity < expectedKeys * 2) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The group id of `bytes[start, end)`, assigning the next id when the key is new. */
  intern(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return this.insert(slot, hash, bytes, start, length);
      const id = entry - 1;
      if (this.hashes[id] === hash && this.equals(id, bytes, start, length)) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** The group id of `bytes[start, end)`, or -1 when the key was never interned. */
  find(bytes: Uint8Array, start: number, end: number): number {
    const hash = hashBytes(bytes, start, end);
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.hashes[id] === hash && this.equals(id, bytes, start, length)) return id;
      slot = (slot + 1) & this.mask;
    }
  }

  /** Starts a composite key. */
  begin(): this {
    this.scratchLength = 0;
    return this;
  }

  /** Appends a byte-string part to the composite key. */
  part(bytes: Uint8Array, start: number, end: number): this {
    const length = end - start;
    this.reserveScratch(length + 4);
    this.writeLength(length);
    copyBytes(this.scratch, this.scratchLength, bytes, start, length);
    this.scratchLength += length;
    return this;
  }

  /** Appends a numeric part (exact: its float64 bits) to the composite key. */
  partNumber(value: number): this {
    this.reserveScratch(9);
    this.scratch[this.scratchLength++] = 0xff;
    new DataView(this.scratch.buffer).setFloat64(this.scratchLength, value, true);
    this.scratchLength += 8;
    return this;
  }

  /** Interns the composite key built since {@link KeyIndex.begin}. */
  end(): number {
    return this.intern(this.scratch, 0, this.scratchLength);
  }

  /** The interned keys in id order as Arrow Utf8 data (a dictionary). Single-part keys only. */
  keysAsUtf8(): Data<Utf8> {
    const end = this.keyOffsets[this.size]!;
    return makeData({
      type: new Utf8(),
      length: this.size,
      nullCount: 0,
      valueOffsets: trimmed(this.keyOffsets, this.size + 1),
      data: trimmed(this.keyBytes, end),
    });
  }

  /** Looks up the composite key built since {@link KeyIndex.begin} without inserting it (-1 if absent). */
  findEnd(): number {
    return this.find(this.scratch, 0, this.scratchLength);
  }

  private writeLength(length: number): void {
    const s = this.scratch;
    let at = this.scratchLength;
    s[at++] = length & 0xff;
    s[at++] = (length >>> 8) & 0xff;
    s[at++] = (length >>> 16) & 0xff;
    s[at++] = (length >>> 24) & 0xff;
    this.scratchLength = at;
  }

  private reserveScratch(extra: number): void {
    this.scratch = ensureCapacity(this.scratch, this.scratchLength + extra, Uint8Array);
  }

  private equals(id: number, bytes: Uint8Array, start: number, length: number): boolean {
    const from = this.keyOffsets[id]!;
    if (this.keyOffsets[id + 1]! - from !== length) return false;
    return bytesEqual(this.keyBytes, from, bytes, start, length);
  }

  private insert(slot: number, hash: number, bytes: Uint8Array, start: number, length: number): number {
    const id = this.size++;
    this.hashes = ensureCapacity(this.hashes, id + 1, Uint32Array);
    this.keyOffsets = ensureCapacity(this.keyOffsets, id + 2, Int32Array);
    const from = this.keyOffsets[id]!;
    this.keyBytes = ensureCapacity(this.keyBytes, from + length, Uint8Array);
    copyBytes(this.keyBytes, from, bytes, start, length);
    this.keyOffsets[id + 1] = from + length;
    this.hashes[id] = hash;
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const capacity = this.slots.length * 2;
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}
