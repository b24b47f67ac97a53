/**
 * Buffer-level access to Arrow `Data` chunks for the data-quality scans: null
 * bitmaps, UTF-8 bytes with their offsets, and fixed-width numbers as typed
 * arrays, without decoding rows into JS values. Types are recognised by
 * `typeId` (a brand), never by `instanceof`, so chunks made by another copy of
 * apache-arrow work too.
 *
 * Slicing rules of arrow-js that the readers rely on: `values` and
 * `valueOffsets` are already sliced to the chunk, while the null bitmap (and a
 * Bool column's value bitmap) is not, so bit `offset + i` belongs to row `i`.
 *
 * @module
 */

import { type Data, Type, type Vector } from 'apache-arrow';

/**
 * Null bitmap of a chunk: `bits === null` means no row is null; otherwise row
 * `i` is valid when bit `offset + i` is set.
 *
 * @example
 * ```ts
 * const { bits, offset } = chunkValidity(data);
 * const valid = bits === null || ((bits[(offset + i) >> 3]! >> ((offset + i) & 7)) & 1) === 1;
 * ```
 */
export interface ChunkValidity {
  readonly bits: Uint8Array | null;
  readonly offset: number;
}

/**
 * Reads the null bitmap of a chunk, or `'all-null'` for Arrow's `Null` type
 * (which has no bitmap at all).
 *
 * @example
 * ```ts
 * const validity = chunkValidity(table.getChild('user_id')!.data[0]!);
 * ```
 */
export function chunkValidity(data: Data): ChunkValidity | 'all-null' {
  if (data.typeId === Type.Null) return 'all-null';
  const bits = data.nullBitmap;
  if (data.nullCount === 0 || bits === undefined || bits.length === 0) return { bits: null, offset: 0 };
  return { bits, offset: data.offset };
}

/**
 * True when row `index` of a chunk is not null.
 *
 * @example
 * ```ts
 * if (!isValidAt(chunkValidity(data) as ChunkValidity, 3)) console.log('row 3 is null');
 * ```
 */
export function isValidAt(validity: ChunkValidity, index: number): boolean {
  const { bits, offset } = validity;
  if (bits === null) return true;
  const bit = offset + index;
  return ((bits[bit >> 3]! >> (bit & 7)) & 1) === 1;
}

/**
 * A chunk's values as byte strings: variable width with `offsets`
 * (Utf8/Binary, value `i` is `bytes[offsets[i]..offsets[i+1]]`) or fixed width
 * (`bytes[i*width..(i+1)*width]`). Used to hash and compare values without
 * decoding them.
 *
 * @example
 * ```ts
 * const source = byteSourceOf(data);
 * const [start, end] = source.offsets ? [source.offsets[i]!, source.offsets[i + 1]!] : [i * source.width, (i + 1) * source.width];
 * ```
 */
export interface ByteSource {
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array | null;
  readonly width: number;
}

/**
 * The bytes of a Utf8/Binary chunk or of a fixed-width chunk (integers,
 * floats, dates, times, timestamps, durations, decimals, fixed-size binary), or
 * `undefined` for types without such a layout (Bool, LargeUtf8, views, nested).
 * Fixed-width values compare by bit pattern, so `0.0`/`-0.0` and NaN payloads
 * are distinct keys.
 *
 * @example
 * ```ts
 * const source = byteSourceOf(table.getChild('event_id')!.data[0]!);
 * ```
 */
export function byteSourceOf(data: Data): ByteSource | undefined {
  const typeId = data.typeId;
  if (typeId === Type.Utf8 || typeId === Type.Binary) {
    const offsets = data.valueOffsets as unknown;
    if (!(offsets instanceof Int32Array)) return undefined;
    const values = data.values as unknown as Uint8Array | undefined;
    return { bytes: values ?? new Uint8Array(0), offsets, width: 0 };
  }
  if (!FIXED_WIDTH_TYPES.has(typeId)) return undefined;
  const values = data.values as unknown as ArrayBufferView & { readonly BYTES_PER_ELEMENT: number };
  if (values === undefined) return undefined;
  const width = values.BYTES_PER_ELEMENT * data.stride;
  return {
    bytes: new Uint8Array(values.buffer, values.byteOffset, data.length * width),
    offsets: null,
    width,
  };
}

const FIXED_WIDTH_TYPES: ReadonlySet<number> = new Set([
  Type.Int,
  Type.Float,
  Type.Date,
  Type.Time,
  Type.Timestamp,
  Type.Duration,
  Type.Decimal,
  Type.FixedSizeBinary,
  Type.Interval,
]);

/**
 * Any typed array whose elements read as plain JS numbers.
 *
 * @example
 * ```ts
 * const values: DirectNumbers = new Int32Array([1, 2, 3]);
 * ```
 */
export type DirectNumbers =
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/**
 * How to read a numeric chunk as JS numbers without BigInt:
 * - `direct`: `values[i]` (8/16/32-bit integers, Float32/64, Date32 days,
 *   32-bit times);
 * - `int64`/`uint64`: two 32-bit words per value, `hi * 2^32 + lo` (Int64,
 *   Timestamp, Date64, Duration, 64-bit times), exact below 2^53;
 * - `decimal`: `stride` little-endian 32-bit words per value in two's
 *   complement; the number read is the *unscaled* integer, so bounds must be
 *   multiplied by `10^scale` first;
 * - `bool`: a bitmap read as 0/1.
 *
 * @example
 * ```ts
 * const layout = numericLayoutOf(table.getChild('price')!.data[0]!);
 * if (layout?.kind === 'decimal') console.log(layout.scale);
 * ```
 */
export type NumericLayout =
  | { readonly kind: 'direct'; readonly values: DirectNumbers }
  | { readonly kind: 'int64'; readonly words: Int32Array }
  | { readonly kind: 'uint64'; readonly words: Uint32Array }
  | { readonly kind: 'decimal'; readonly words: Uint32Array; readonly stride: number; readonly scale: number }
  | { readonly kind: 'bool'; readonly bits: Uint8Array; readonly offset: number };

/**
 * The {@link NumericLayout} of a chunk, or `undefined` for non-numeric types
 * (strings, dictionaries, Float16, intervals, nested types).
 *
 * @example
 * ```ts
 * const layout = numericLayoutOf(data);
 * if (layout === undefined) throw new Error(`not numeric: ${String(data.type)}`);
 * ```
 */
export function numericLayoutOf(data: Data): NumericLayout | undefined {
  const values = data.values as unknown;
  switch (data.typeId) {
    case Type.Bool:
      return values instanceof Uint8Array ? { kind: 'bool', bits: values, offset: data.offset } : undefined;
    case Type.Decimal: {
      if (!(values instanceof Uint32Array)) return undefined;
      const type = data.type as unknown as { readonly scale: number };
      return { kind: 'decimal', words: values, stride: data.stride, scale: type.scale };
    }
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Duration: {
      if (values instanceof BigInt64Array) {
        return { kind: 'int64', words: new Int32Array(values.buffer, values.byteOffset, data.length * 2) };
      }
      if (values instanceof BigUint64Array) {
        return { kind: 'uint64', words: new Uint32Array(values.buffer, values.byteOffset, data.length * 2) };
      }
      // Float16 is stored as raw Uint16 halves, which would read as wrong numbers.
      if (data.typeId === Type.Float && (data.type as unknown as { precision: number }).precision === 0) {
        return undefined;
      }
      return isDirectNumbers(values) ? { kind: 'direct', values } : undefined;
    }
    default:
      return undefined;
  }
}

function isDirectNumbers(values: unknown): values is DirectNumbers {
  return (
    values instanceof Int8Array ||
    values instanceof Int16Array ||
    values instanceof Int32Array ||
    values instanceof Uint8Array ||
    values instanceof Uint16Array ||
    values instanceof Uint32Array ||
    values instanceof Float32Array ||
    values instanceof Float64Array
  );
}

/**
 * For a dictionary-encoded chunk: its index array and its dictionary vector;
 * `undefined` for other chunks or 64-bit indices.
 *
 * @example
 * ```ts
 * const encoded = dictionaryOf(data);
 * if (encoded) console.log(encoded.indices.length, encoded.dictionary.length);
 * ```
 */
export function dictionaryOf(
  data: Data,
): { readonly indices: DirectNumbers; readonly dictionary: Vector } | undefined {
  if (data.typeId !== Type.Dictionary) return undefined;
  const indices = data.values as unknown;
  const dictionary = data.dictionary;
  if (dictionary === undefined || !isDirectNumbers(indices)) return undefined;
  return { indices, dictionary };
}

/**
 * A short, human-readable rendering of one value for failure reasons: strings
 * JSON-quoted, `NULL` for nulls, numbers as stored (dates as days, timestamps
 * in their unit), decimals with their scale applied.
 *
 * @example
 * ```ts
 * describeValue(data, 0); // '"page_view"'
 * ```
 */
export function describeValue(data: Data, index: number): string {
  const validity = chunkValidity(data);
  if (validity === 'all-null' || !isValidAt(validity, index)) return 'NULL';
  const encoded = dictionaryOf(data);
  if (encoded !== undefined) return describeVectorValue(encoded.dictionary, encoded.indices[index]!);
  const typeId = data.typeId;
  if (typeId === Type.Utf8) {
    const source = byteSourceOf(data);
    if (source?.offsets) {
      const text = TEXT_DECODER.decode(
        source.bytes.subarray(source.offsets[index]!, source.offsets[index + 1]!),
      );
      return JSON.stringify(text);
    }
  }
  if (typeId === Type.Binary || typeId === Type.FixedSizeBinary) {
    const source = byteSourceOf(data);
    if (source) {
      const start = source.offsets ? source.offsets[index]! : index * source.width;
      const end = source.offsets ? source.offsets[index + 1]! : start + source.width;
      return `0x${Array.from(source.bytes.subarray(start, end), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
    }
  }
  const layout = numericLayoutOf(data);
  if (layout !== undefined) {
    switch (layout.kind) {
      case 'direct':
        return String(layout.values[index]);
      case 'int64':
      case 'uint64':
        return String((data.values as unknown as BigInt64Array | BigUint64Array)[index]);
      case 'bool': {
        const bit = layout.offset + index;
        return ((layout.bits[bit >> 3]! >> (bit & 7)) & 1) === 1 ? 'true' : 'false';
      }
      case 'decimal':
        return formatDecimal(layout.words, index * layout.stride, layout.stride, layout.scale);
    }
  }
  return '<value>';
}

function describeVectorValue(vector: Vector, index: number): string {
  let remaining = index;
  for (const data of vector.data) {
    if (remaining < data.length) return describeValue(data, remaining);
    remaining -= data.length;
  }
  return 'NULL';
}

/**
 * Converts a little-endian two's complement integer of `stride` 32-bit words
 * into an exact decimal string with `scale` fractional digits.
 *
 * @example
 * ```ts
 * formatDecimal(new Uint32Array([12345, 0, 0, 0]), 0, 4, 2); // '123.45'
 * ```
 */
export function formatDecimal(words: Uint32Array, start: number, stride: number, scale: number): string {
  let value = 0n;
  for (let k = stride - 1; k >= 0; k--) value = (value << 32n) | BigInt(words[start + k]!);
  const bits = BigInt(stride * 32);
  if (value >> (bits - 1n) === 1n) value -= 1n << bits;
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  if (scale <= 0) return `${negative ? '-' : ''}${digits}${'0'.repeat(-scale)}`;
  const padded = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/**
 * Short name of a vector's Arrow type for messages (`Utf8`, `Int32`,
 * `Dictionary<Int32, Utf8>`, ...).
 *
 * @example
 * ```ts
 * typeName(table.getChild('event_type')!); // 'Dictionary<Int32, Utf8>'
 * ```
 */
export function typeName(vector: Vector): string {
  return String(vector.type);
}

const TEXT_DECODER = new TextDecoder();
