/**
 * The column scans behind the rules: completeness, uniqueness and row-level
 * compliance with a `ColumnValues` condition. Each scan walks the chunks of a
 * column once over its raw buffers (typed arrays, UTF-8 bytes, null bitmaps);
 * no row is decoded into a JS value except the few shown as examples.
 *
 * @module
 */

import type { Data, Vector } from 'apache-arrow';
import {
  type ByteSource,
  byteSourceOf,
  type ChunkValidity,
  chunkValidity,
  type DirectNumbers,
  describeValue,
  dictionaryOf,
  isValidAt,
  type NumericLayout,
  numericLayoutOf,
  typeName,
} from './arrow-chunks.js';
import type { InValue, ValueCondition } from './dqdl-rules.js';
import { countKeyFrequencies, type KeyBatch } from './key-frequencies.js';

/**
 * The outcome of a scan: its value, or why the column cannot be scanned (an
 * unsupported Arrow type), which the rule reports as an `Error` outcome.
 *
 * @example
 * ```ts
 * const scan = scanUniqueness(vector);
 * if (!scan.ok) console.error(scan.reason);
 * ```
 */
export type Scan<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: string };

/** How many example values a failure reason shows. */
export const MAX_EXAMPLES = 3;
/** How many failing rows are looked at to find distinct examples. */
const EXAMPLE_CANDIDATES = 64;

/**
 * Row and null counts of a column.
 *
 * @example
 * ```ts
 * const { rows, nulls } = scanCompleteness(table.getChild('user_id')!);
 * ```
 */
export interface CompletenessScan {
  readonly rows: number;
  readonly nulls: number;
}

/**
 * Counts null rows from the chunks' null counts (no row loop). Nulls inside a
 * dictionary's values are not counted, only null indices.
 *
 * @example
 * ```ts
 * scanCompleteness(vectorFromArray(['a', null])); // { rows: 2, nulls: 1 }
 * ```
 */
export function scanCompleteness(vector: Vector): CompletenessScan {
  let rows = 0;
  let nulls = 0;
  for (const data of vector.data) {
    rows += data.length;
    nulls += chunkValidity(data) === 'all-null' ? data.length : data.nullCount;
  }
  return { rows, nulls };
}

/**
 * Value frequencies of a column, nulls excluded (as in Glue/Deequ, where
 * `Uniqueness` = values occurring exactly once / non-null rows).
 *
 * @example
 * ```ts
 * const scan = scanUniqueness(vector);
 * if (scan.ok) console.log(scan.value.uniqueRows / scan.value.nonNullRows);
 * ```
 */
export interface UniquenessScan {
  readonly rows: number;
  readonly nonNullRows: number;
  /** Rows whose value occurs exactly once. */
  readonly uniqueRows: number;
  /** Distinct values occurring more than once. */
  readonly duplicatedValues: number;
  /** Up to {@link MAX_EXAMPLES} duplicated values, rendered for messages. */
  readonly examples: readonly string[];
}

/**
 * Counts how many non-null rows hold a value that occurs exactly once, by
 * hashing the raw bytes of each value (Utf8/Binary bytes, or the bytes of a
 * fixed-width value) in a radix-partitioned hash aggregation
 * ({@link countKeyFrequencies}). Dictionary-encoded chunks count their indices
 * first and hash each dictionary entry once, weighted by its count.
 *
 * @example
 * ```ts
 * const scan = scanUniqueness(tableFromArrays({ id: Int32Array.from([1, 2, 2]) }).getChild('id')!);
 * // scan.value: { rows: 3, nonNullRows: 3, uniqueRows: 1, duplicatedValues: 1, examples: ['2'] }
 * ```
 */
export function scanUniqueness(vector: Vector): Scan<UniquenessScan> {
  const batches: KeyBatch[] = [];
  const batchData: Data[] = [];
  const dictionaryCounts = new Map<Vector, Int32Array>();
  let rows = 0;

  for (const data of vector.data) {
    rows += data.length;
    const validity = chunkValidity(data);
    if (validity === 'all-null') continue;
    const encoded = dictionaryOf(data);
    if (encoded !== undefined) {
      let counts = dictionaryCounts.get(encoded.dictionary);
      if (counts === undefined) {
        counts = new Int32Array(encoded.dictionary.length);
        dictionaryCounts.set(encoded.dictionary, counts);
      }
      countIndices(encoded.indices, data.length, validity, counts);
      continue;
    }
    const source = byteSourceOf(data);
    if (source === undefined) return unsupported(vector, 'IsUnique/Uniqueness');
    batches.push({ source, length: data.length, validity, weights: null });
    batchData.push(data);
  }

  for (const [dictionary, counts] of dictionaryCounts) {
    let index = 0;
    for (const data of dictionary.data) {
      const source = byteSourceOf(data);
      if (source === undefined) return unsupported(vector, 'IsUnique/Uniqueness');
      const validity = chunkValidity(data);
      if (validity !== 'all-null') {
        const weights = counts.subarray(index, index + data.length);
        batches.push({ source, length: data.length, validity, weights });
        batchData.push(data);
      }
      index += data.length;
    }
  }

  const frequencies = countKeyFrequencies(batches, MAX_EXAMPLES);
  return {
    ok: true,
    value: {
      rows,
      nonNullRows: frequencies.occurrences,
      uniqueRows: frequencies.singletons,
      duplicatedValues: frequencies.distinct - frequencies.singletons,
      examples: frequencies.examples.map(([batch, row]) => describeValue(batchData[batch]!, row)),
    },
  };
}

/** Adds each valid row's dictionary index to `counts`. */
function countIndices(
  indices: DirectNumbers,
  length: number,
  validity: ChunkValidity,
  counts: Int32Array,
): void {
  const { bits, offset } = validity;
  for (let i = 0; i < length; i++) {
    if (bits !== null) {
      const bit = offset + i;
      if (((bits[bit >> 3]! >> (bit & 7)) & 1) === 0) continue;
    }
    counts[indices[i]!]! += 1;
  }
}

/**
 * Row-level compliance of a column with a `ColumnValues` condition.
 *
 * @example
 * ```ts
 * const scan = scanCompliance(vector, { kind: 'compare', op: '>=', value: 0 });
 * if (scan.ok) console.log(scan.value.passingRows / scan.value.rows);
 * ```
 */
export interface ComplianceScan {
  readonly rows: number;
  readonly passingRows: number;
  /** Up to {@link MAX_EXAMPLES} distinct failing values (`NULL` for nulls). */
  readonly examples: readonly string[];
}

/**
 * Counts the rows of a column that satisfy a `ColumnValues` condition.
 *
 * Null rows follow Glue: they fail `in`, comparisons and `between`, and pass
 * the negated forms (`!=`, `not in`, `not between`); a `NULL` inside an
 * `in`/`not in` list makes nulls pass/fail instead.
 *
 * Numeric conditions read the stored number: Date32 in days, Date64 and
 * timestamps in their unit since the epoch, decimals with their scale applied
 * (exactly, by scaling the bounds rather than the values). Strings compare
 * byte for byte with the UTF-8 encoding of the listed values; dictionary
 * columns test each dictionary entry once. A comparison on a text column, or an
 * unsupported type, gives `ok: false`.
 *
 * @example
 * ```ts
 * scanCompliance(vectorFromArray(['a', 'x', null]), { kind: 'in', values: ['a'], negated: false });
 * // { ok: true, value: { rows: 3, passingRows: 1, examples: ['"x"', 'NULL'] } }
 * ```
 */
export function scanCompliance(vector: Vector, condition: ValueCondition): Scan<ComplianceScan> {
  const plan = planCondition(condition);
  const examples = new ExampleCollector();
  let rows = 0;
  let passing = 0;

  for (const data of vector.data) {
    rows += data.length;
    const validity = chunkValidity(data);
    if (validity === 'all-null') {
      if (plan.nullPasses) passing += data.length;
      else for (let i = 0; i < data.length && examples.open; i++) examples.offer(data, i);
      continue;
    }
    let chunkPassing: number | undefined;
    const encoded = dictionaryOf(data);
    if (encoded !== undefined) {
      if (plan.strings === null) return needsNumbers(vector, condition);
      const flags = plan.dictionaryFlags(encoded.dictionary);
      if (flags === undefined) return unsupported(vector, 'ColumnValues');
      chunkPassing = scanDictionary(data, encoded.indices, validity, flags, plan, examples);
    } else {
      const layout = numericLayoutOf(data);
      if (layout !== undefined) {
        chunkPassing = scanNumbers(data, layout, validity, plan, examples);
      } else {
        const source = byteSourceOf(data);
        if (source === undefined || source.offsets === null) return unsupported(vector, 'ColumnValues');
        if (plan.strings === null) return needsNumbers(vector, condition);
        chunkPassing = scanStrings(data, source, validity, plan.strings, plan, examples);
      }
    }
    passing += chunkPassing;
  }
  return { ok: true, value: { rows, passingRows: passing, examples: examples.values } };
}

/** Keeps the first few distinct failing values, looking at a bounded number of rows. */
class ExampleCollector {
  readonly values: string[] = [];
  open = true;
  private offered = 0;

  offer(data: Data, index: number): void {
    const text = describeValue(data, index);
    if (!this.values.includes(text)) this.values.push(text);
    this.offered += 1;
    if (this.values.length >= MAX_EXAMPLES || this.offered >= EXAMPLE_CANDIDATES) this.open = false;
  }
}

/**
 * A condition compiled for the scans: an interval test (`lo`/`hi` with
 * inclusive flags) or a small set of numbers, a byte-level string matcher, and
 * what happens to null rows and to the result (`negated`).
 */
interface ConditionPlan {
  readonly nullPasses: boolean;
  readonly negated: boolean;
  readonly interval: Interval | null;
  readonly numbers: Float64Array | null;
  /** Matcher for text columns; `null` when the condition only makes sense for numbers. */
  readonly strings: StringMatcher | null;
  dictionaryFlags(dictionary: Vector): Uint8Array | undefined;
}

interface Interval {
  readonly low: number;
  readonly lowInclusive: boolean;
  readonly high: number;
  readonly highInclusive: boolean;
}

function planCondition(condition: ValueCondition): ConditionPlan {
  if (condition.kind === 'in') {
    const listed = condition.values.filter((value): value is Exclude<InValue, null> => value !== null);
    const hasNull = listed.length !== condition.values.length;
    const texts = listed.map((value) => (typeof value === 'string' ? value : String(value)));
    const numbers = listed
      .map((value) => (typeof value === 'number' ? value : parseNumericText(value)))
      .filter((value) => !Number.isNaN(value));
    const strings = new StringMatcher(texts);
    const cache = new Map<Vector, Uint8Array | undefined>();
    return {
      nullPasses: hasNull !== condition.negated,
      negated: condition.negated,
      interval: null,
      numbers: Float64Array.from(numbers),
      strings,
      dictionaryFlags(dictionary) {
        if (!cache.has(dictionary)) cache.set(dictionary, strings.flagsFor(dictionary));
        return cache.get(dictionary);
      },
    };
  }
  let interval: Interval;
  let negated: boolean;
  if (condition.kind === 'between') {
    interval = { low: condition.low, lowInclusive: false, high: condition.high, highInclusive: false };
    negated = condition.negated;
  } else {
    const value = condition.value;
    negated = condition.op === '!=';
    switch (condition.op) {
      case '>':
        interval = { low: value, lowInclusive: false, high: Infinity, highInclusive: true };
        break;
      case '>=':
        interval = { low: value, lowInclusive: true, high: Infinity, highInclusive: true };
        break;
      case '<':
        interval = { low: -Infinity, lowInclusive: true, high: value, highInclusive: false };
        break;
      case '<=':
        interval = { low: -Infinity, lowInclusive: true, high: value, highInclusive: true };
        break;
      case '=':
      case '!=':
        interval = { low: value, lowInclusive: true, high: value, highInclusive: true };
        break;
    }
  }
  return {
    nullPasses: negated,
    negated,
    interval,
    numbers: null,
    strings: null,
    dictionaryFlags: () => undefined,
  };
}

function parseNumericText(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** Matches UTF-8 byte ranges against a small list of strings, bucketed by byte length. */
class StringMatcher {
  private readonly byLength: (Uint8Array[] | undefined)[] = [];

  constructor(values: readonly string[]) {
    const encoder = new TextEncoder();
    for (const value of values) {
      const bytes = encoder.encode(value);
      const bucket = this.byLength[bytes.length] ?? [];
      bucket.push(bytes);
      this.byLength[bytes.length] = bucket;
    }
  }

  get maxLength(): number {
    return this.byLength.length - 1;
  }

  bucket(length: number): readonly Uint8Array[] | undefined {
    return this.byLength[length];
  }

  /** Per dictionary entry: 1 when listed, 0 when not, 2 when the entry is null. */
  flagsFor(dictionary: Vector): Uint8Array | undefined {
    const flags = new Uint8Array(dictionary.length);
    let index = 0;
    for (const data of dictionary.data) {
      const source = byteSourceOf(data);
      if (source === undefined || source.offsets === null) return undefined;
      const validity = chunkValidity(data);
      for (let i = 0; i < data.length; i++, index++) {
        if (validity === 'all-null' || !isValidAt(validity, i)) {
          flags[index] = 2;
          continue;
        }
        const start = source.offsets[i]!;
        flags[index] = this.matches(source.bytes, start, source.offsets[i + 1]! - start) ? 1 : 0;
      }
    }
    return flags;
  }

  matches(bytes: Uint8Array, start: number, length: number): boolean {
    const bucket = this.byLength[length];
    if (bucket === undefined) return false;
    for (let c = 0; c < bucket.length; c++) {
      const candidate = bucket[c]!;
      let k = 0;
      while (k < length && bytes[start + k] === candidate[k]) k++;
      if (k === length) return true;
    }
    return false;
  }
}

function scanStrings(
  data: Data,
  source: ByteSource,
  validity: ChunkValidity,
  matcher: StringMatcher,
  plan: ConditionPlan,
  examples: ExampleCollector,
): number {
  const { bytes } = source;
  const offsets = source.offsets!;
  const { bits, offset } = validity;
  const { negated, nullPasses } = plan;
  const maxLength = matcher.maxLength;
  let passing = 0;
  for (let i = 0; i < data.length; i++) {
    if (bits !== null) {
      const bit = offset + i;
      if (((bits[bit >> 3]! >> (bit & 7)) & 1) === 0) {
        if (nullPasses) passing++;
        else if (examples.open) examples.offer(data, i);
        continue;
      }
    }
    const start = offsets[i]!;
    const length = offsets[i + 1]! - start;
    let found = false;
    if (length <= maxLength) {
      const bucket = matcher.bucket(length);
      if (bucket !== undefined) {
        for (let c = 0; c < bucket.length && !found; c++) {
          const candidate = bucket[c]!;
          let k = 0;
          while (k < length && bytes[start + k] === candidate[k]) k++;
          found = k === length;
        }
      }
    }
    if (found !== negated) passing++;
    else if (examples.open) examples.offer(data, i);
  }
  return passing;
}

function scanDictionary(
  data: Data,
  indices: DirectNumbers,
  validity: ChunkValidity,
  flags: Uint8Array,
  plan: ConditionPlan,
  examples: ExampleCollector,
): number {
  const { bits, offset } = validity;
  const { negated, nullPasses } = plan;
  let passing = 0;
  for (let i = 0; i < data.length; i++) {
    let flag = 2;
    if (bits === null || ((bits[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1) {
      flag = flags[indices[i]!]!;
    }
    const pass = flag === 2 ? nullPasses : (flag === 1) !== negated;
    if (pass) passing++;
    else if (examples.open) examples.offer(data, i);
  }
  return passing;
}

function scanNumbers(
  data: Data,
  layout: NumericLayout,
  validity: ChunkValidity,
  plan: ConditionPlan,
  examples: ExampleCollector,
): number {
  const scale = layout.kind === 'decimal' ? layout.scale : 0;
  const interval = plan.interval;
  const low = interval ? scaleBound(interval.low, scale) : 0;
  const high = interval ? scaleBound(interval.high, scale) : 0;
  const lowInclusive = interval?.lowInclusive ?? false;
  const highInclusive = interval?.highInclusive ?? false;
  const set = plan.numbers ? plan.numbers.map((value) => scaleBound(value, scale)) : null;
  const setSize = set?.length ?? 0;
  const { bits, offset } = validity;
  const { negated, nullPasses } = plan;
  const length = data.length;
  const kind = layout.kind;
  const direct = kind === 'direct' ? layout.values : null;
  const signedWords = kind === 'int64' ? layout.words : null;
  const words = kind === 'uint64' || kind === 'decimal' ? layout.words : null;
  const stride = kind === 'decimal' ? layout.stride : 0;
  const boolBits = kind === 'bool' ? layout.bits : null;
  const boolOffset = kind === 'bool' ? layout.offset : 0;
  let passing = 0;

  for (let i = 0; i < length; i++) {
    if (bits !== null) {
      const bit = offset + i;
      if (((bits[bit >> 3]! >> (bit & 7)) & 1) === 0) {
        if (nullPasses) passing++;
        else if (examples.open) examples.offer(data, i);
        continue;
      }
    }
    let value: number;
    if (direct !== null) {
      value = direct[i]!;
    } else if (signedWords !== null) {
      value = signedWords[2 * i + 1]! * 4294967296 + (signedWords[2 * i]! >>> 0);
    } else if (words !== null && stride === 0) {
      value = words[2 * i + 1]! * 4294967296 + words[2 * i]!;
    } else if (words !== null) {
      value = decimalToNumber(words, i * stride, stride);
    } else {
      const bit = boolOffset + i;
      value = (boolBits![bit >> 3]! >> (bit & 7)) & 1;
    }
    let inside: boolean;
    if (set !== null) {
      inside = false;
      for (let k = 0; k < setSize; k++) {
        if (set[k] === value) {
          inside = true;
          break;
        }
      }
    } else {
      inside =
        (value > low || (lowInclusive && value === low)) &&
        (value < high || (highInclusive && value === high));
    }
    if (inside !== negated) passing++;
    else if (examples.open) examples.offer(data, i);
  }
  return passing;
}

/**
 * The unscaled integer of a two's complement decimal as a double (exact while
 * below 2^53 in magnitude): lower words unsigned, the top word signed.
 */
function decimalToNumber(words: Uint32Array, start: number, stride: number): number {
  let value = words[start + stride - 1]! | 0;
  for (let k = stride - 2; k >= 0; k--) value = value * 4294967296 + words[start + k]!;
  return value;
}

/**
 * Multiplies a bound by `10^scale` through its decimal text, so that `0.1`
 * scaled by 2 is exactly `10` (not `10.000000000000002`).
 */
function scaleBound(value: number, scale: number): number {
  if (scale === 0 || !Number.isFinite(value)) return value;
  const text = String(value);
  return text.includes('e') ? value * 10 ** scale : Number(`${text}e${scale}`);
}

function unsupported<T>(vector: Vector, rule: string): Scan<T> {
  return { ok: false, reason: `${rule} does not support columns of type ${typeName(vector)}` };
}

function needsNumbers<T>(vector: Vector, condition: ValueCondition): Scan<T> {
  const what = condition.kind === 'between' ? 'between' : 'a numeric comparison';
  return {
    ok: false,
    reason: `${what} needs a numeric column, but the column is ${typeName(vector)}; use in [...] for text`,
  };
}
