/**
 * Counts how often byte-string keys occur (distinct keys, keys seen exactly
 * once, a few duplicated keys) over Arrow buffers, without decoding or copying
 * the keys.
 *
 * A single hash table over ten million keys does not fit in any cache, so
 * every insert would wait on main memory. Instead this is a radix-partitioned
 * hash aggregation: one sequential pass hashes every key, a second scatters
 * `(reference, hash)` pairs into partitions by the hash's top bits, and each
 * partition is then counted in a small open-addressing table that stays in
 * cache. Bytes are only compared when two hashes are equal (duplicates or rare
 * collisions).
 *
 * @module
 */

import type { ByteSource, ChunkValidity } from './arrow-chunks.js';

/**
 * One run of keys: rows `0..length-1` of a {@link ByteSource}, skipping null
 * rows (per `validity`) and, when `weights` is given, counting row `i` as
 * `weights[i]` occurrences (0 skips it) — used for dictionary entries.
 *
 * @example
 * ```ts
 * const batch: KeyBatch = { source: byteSourceOf(data)!, length: data.length, validity: null, weights: null };
 * ```
 */
export interface KeyBatch {
  readonly source: ByteSource;
  readonly length: number;
  readonly validity: ChunkValidity | null;
  readonly weights: Int32Array | null;
}

/**
 * Frequencies found by {@link countKeyFrequencies}. `examples` are
 * `[batch, row]` pairs of keys that occur more than once.
 *
 * @example
 * ```ts
 * const { distinct, singletons } = countKeyFrequencies(batches, 3);
 * ```
 */
export interface KeyFrequencies {
  /** Occurrences counted (non-null rows, weighted). */
  readonly occurrences: number;
  readonly distinct: number;
  /** Keys that occur exactly once. */
  readonly singletons: number;
  readonly examples: readonly (readonly [batch: number, row: number])[];
}

const TARGET_PARTITION_SIZE = 1 << 14;
const MAX_PARTITION_BITS = 12;
/** Distinct keys the in-order first attempt may hold before it gives up (its table then takes ~1.5 MB). */
const IN_ORDER_MAX_KEYS = 1 << 16;

/**
 * Knobs of {@link countKeyFrequencies}, for tests: the number of distinct keys
 * after which the in-order attempt gives up (default 65,536) and the target
 * number of keys per partition (default 16,384).
 *
 * @example
 * ```ts
 * countKeyFrequencies(batches, 3, { inOrderMaxKeys: 0, partitionSize: 4 }); // always partitioned
 * ```
 */
export interface KeyFrequencyTuning {
  readonly inOrderMaxKeys?: number;
  readonly partitionSize?: number;
}

/**
 * Counts key frequencies over batches of byte-string keys. Low-cardinality
 * columns are counted in row order in one cache-sized table; as soon as there
 * are more than 65,536 distinct keys the count restarts as a radix-partitioned
 * aggregation.
 *
 * @example
 * ```ts
 * const source = { bytes: new TextEncoder().encode('aab'), offsets: Int32Array.of(0, 1, 2, 3), width: 0 };
 * countKeyFrequencies([{ source, length: 3, validity: null, weights: null }], 3);
 * // { occurrences: 3, distinct: 2, singletons: 1, examples: [[0, 0]] }
 * ```
 */
export function countKeyFrequencies(
  batches: readonly KeyBatch[],
  maxExamples: number,
  tuning: KeyFrequencyTuning = {},
): KeyFrequencies {
  const bases: number[] = [];
  let total = 0;
  for (const batch of batches) {
    bases.push(total);
    total += batch.length;
  }
  if (total > 0x7ffffffe) throw new RangeError('countKeyFrequencies handles at most 2^31 - 2 rows');
  const locator = new Locator(batches, bases);
  const inOrderMaxKeys = tuning.inOrderMaxKeys ?? IN_ORDER_MAX_KEYS;
  const partitionSize = tuning.partitionSize ?? TARGET_PARTITION_SIZE;
  return (
    countInOrder(batches, bases, locator, maxExamples, Math.min(inOrderMaxKeys, total)) ??
    countPartitioned(batches, bases, total, locator, maxExamples, partitionSize)
  );
}

/** Calls `visit(ref, hash, weight)` for every non-null key with a non-zero weight, in row order. */
function forEachKey(
  batches: readonly KeyBatch[],
  bases: readonly number[],
  visit: (ref: number, hash: number, weight: number) => boolean,
): boolean {
  for (let b = 0; b < batches.length; b++) {
    const batch = batches[b]!;
    const { bytes, offsets, width } = batch.source;
    const bits = batch.validity?.bits ?? null;
    const bitOffset = batch.validity?.offset ?? 0;
    const rowWeights = batch.weights;
    const base = bases[b]!;
    for (let i = 0; i < batch.length; i++) {
      if (bits !== null) {
        const bit = bitOffset + i;
        if (((bits[bit >> 3]! >> (bit & 7)) & 1) === 0) continue;
      }
      const weight = rowWeights === null ? 1 : rowWeights[i]!;
      if (weight === 0) continue;
      const start = offsets !== null ? offsets[i]! : i * width;
      const end = offsets !== null ? offsets[i + 1]! : start + width;
      if (!visit(base + i, hashBytes(bytes, start, end), weight)) return false;
    }
  }
  return true;
}

function countInOrder(
  batches: readonly KeyBatch[],
  bases: readonly number[],
  locator: Locator,
  maxExamples: number,
  maxKeys: number,
): KeyFrequencies | undefined {
  const table = new CountingTable(maxKeys * 2, locator, maxExamples);
  table.reset(maxKeys * 2);
  let occurrences = 0;
  const complete = forEachKey(batches, bases, (ref, hash, weight) => {
    occurrences += weight;
    table.insert(ref, hash, weight);
    return table.distinct <= maxKeys;
  });
  if (!complete) return undefined;
  return { occurrences, distinct: table.distinct, singletons: table.singletons, examples: table.examples };
}

function countPartitioned(
  batches: readonly KeyBatch[],
  bases: readonly number[],
  total: number,
  locator: Locator,
  maxExamples: number,
  partitionSize: number,
): KeyFrequencies {
  // Pass 1: hash every key, in row order.
  const weighted = batches.some((batch) => batch.weights !== null);
  const refs = new Int32Array(total);
  const hashes = new Int32Array(total);
  const weights = weighted ? new Int32Array(total) : null;
  let keys = 0;
  let occurrences = 0;
  forEachKey(batches, bases, (ref, hash, weight) => {
    refs[keys] = ref;
    hashes[keys] = hash;
    if (weights !== null) weights[keys] = weight;
    keys += 1;
    occurrences += weight;
    return true;
  });

  // Pass 2: scatter into partitions by the top bits of the hash.
  let partitionBits = 0;
  while (partitionBits < MAX_PARTITION_BITS && keys >> partitionBits > partitionSize) partitionBits++;
  const partitions = 1 << partitionBits;
  const shift = 32 - partitionBits;
  const starts = new Int32Array(partitions + 1);
  if (partitions > 1) {
    for (let k = 0; k < keys; k++) starts[(hashes[k]! >>> shift) + 1]! += 1;
  } else {
    starts[1] = keys;
  }
  let largest = 0;
  for (let p = 0; p < partitions; p++) {
    largest = Math.max(largest, starts[p + 1]!);
    starts[p + 1]! += starts[p]!;
  }
  let orderRefs = refs;
  let orderHashes = hashes;
  let orderWeights = weights;
  if (partitions > 1) {
    orderRefs = new Int32Array(keys);
    orderHashes = new Int32Array(keys);
    orderWeights = weights === null ? null : new Int32Array(keys);
    const cursor = starts.slice(0, partitions);
    for (let k = 0; k < keys; k++) {
      const hash = hashes[k]!;
      const target = cursor[hash >>> shift]!++;
      orderRefs[target] = refs[k]!;
      orderHashes[target] = hash;
      if (orderWeights !== null) orderWeights[target] = weights![k]!;
    }
  }

  // Pass 3: count each partition in a table small enough to stay in cache.
  const table = new CountingTable(largest * 2, locator, maxExamples);
  for (let p = 0; p < partitions; p++) {
    const from = starts[p]!;
    const to = starts[p + 1]!;
    if (from === to) continue;
    table.reset((to - from) * 2);
    for (let k = from; k < to; k++) {
      table.insert(orderRefs[k]!, orderHashes[k]!, orderWeights === null ? 1 : orderWeights[k]!);
    }
  }
  return { occurrences, distinct: table.distinct, singletons: table.singletons, examples: table.examples };
}

/**
 * Open-addressing table of `(ref + 1, hash)` word pairs with a count per slot;
 * `reset` clears just the part sized for the next partition, while `distinct`,
 * `singletons` and `examples` accumulate across resets.
 */
class CountingTable {
  private readonly slots: Int32Array;
  private readonly counts: Int32Array;
  private mask = 0;
  distinct = 0;
  singletons = 0;
  readonly examples: [number, number][] = [];

  constructor(
    capacity: number,
    private readonly locator: Locator,
    private readonly maxExamples: number,
  ) {
    let size = 16;
    while (size < capacity) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.counts = new Int32Array(size);
  }

  reset(capacity: number): void {
    let size = 16;
    while (size < capacity) size *= 2;
    this.slots.fill(0, 0, size * 2);
    this.counts.fill(0, 0, size);
    this.mask = size - 1;
  }

  insert(ref: number, hash: number, weight: number): void {
    const { slots, counts, mask } = this;
    let slot = hash & mask;
    for (;;) {
      const at = slot << 1;
      const stored = slots[at]!;
      if (stored === 0) {
        slots[at] = ref + 1;
        slots[at + 1] = hash;
        counts[slot] = weight;
        this.distinct += 1;
        if (weight === 1) this.singletons += 1;
        else this.example(ref);
        return;
      }
      if (slots[at + 1] === hash && this.locator.equal(stored - 1, ref)) {
        const previous = counts[slot]!;
        counts[slot] = previous + weight;
        if (previous === 1) {
          this.singletons -= 1;
          this.example(stored - 1);
        }
        return;
      }
      slot = (slot + 1) & mask;
    }
  }

  private example(ref: number): void {
    if (this.examples.length < this.maxExamples) this.examples.push(this.locator.pair(ref));
  }
}

/** Finds the batch of a global row reference and compares the bytes of two references. */
class Locator {
  private cachedBatch = 0;
  private cachedBase = 0;
  private cachedEnd = 0;

  constructor(
    private readonly batches: readonly KeyBatch[],
    private readonly bases: readonly number[],
  ) {
    this.cachedEnd = batches.length > 0 ? batches[0]!.length : 0;
  }

  pair(ref: number): [number, number] {
    this.locate(ref);
    return [this.cachedBatch, ref - this.cachedBase];
  }

  equal(left: number, right: number): boolean {
    this.locate(left);
    const a = this.batches[this.cachedBatch]!.source;
    const aIndex = left - this.cachedBase;
    this.locate(right);
    const b = this.batches[this.cachedBatch]!.source;
    const bIndex = right - this.cachedBase;
    const aStart = a.offsets !== null ? a.offsets[aIndex]! : aIndex * a.width;
    const aEnd = a.offsets !== null ? a.offsets[aIndex + 1]! : aStart + a.width;
    const bStart = b.offsets !== null ? b.offsets[bIndex]! : bIndex * b.width;
    const bEnd = b.offsets !== null ? b.offsets[bIndex + 1]! : bStart + b.width;
    const length = aEnd - aStart;
    if (bEnd - bStart !== length) return false;
    const aBytes = a.bytes;
    const bBytes = b.bytes;
    for (let k = 0; k < length; k++) {
      if (aBytes[aStart + k] !== bBytes[bStart + k]) return false;
    }
    return true;
  }

  private locate(ref: number): void {
    if (ref >= this.cachedBase && ref < this.cachedEnd) return;
    const { bases } = this;
    let low = 0;
    let high = bases.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (bases[middle]! <= ref) low = middle;
      else high = middle - 1;
    }
    this.cachedBatch = low;
    this.cachedBase = bases[low]!;
    this.cachedEnd = this.cachedBase + this.batches[low]!.length;
  }
}

/**
 * MurmurHash3 (x86, 32-bit) of `bytes[start..end)`, as a signed 32-bit
 * integer.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode('hello');
 * hashBytes(bytes, 0, bytes.length) === hashBytes(new TextEncoder().encode('xhello'), 1, 6); // true
 * ```
 */
export function hashBytes(bytes: Uint8Array, start: number, end: number, seed = 0x9747b28c): number {
  let h = seed | 0;
  let i = start;
  const blockEnd = end - ((end - start) & 3);
  for (; i < blockEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = end - i;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[i + 2]! << 16;
    if (tail >= 2) k ^= bytes[i + 1]! << 8;
    k ^= bytes[i]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
