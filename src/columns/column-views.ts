import { type Data, DataType, type Vector } from 'apache-arrow';

/**
 * Zero-copy (where possible) views of Arrow columns for the kernels' hot loops: strings as byte
 * ranges, numbers as one Float64Array. Works on any chunking and on dictionary-encoded strings.
 */
export interface StringView {
  readonly length: number;
  /** The bytes all ranges point into. */
  readonly bytes: Uint8Array;
  /** Row i's value is `bytes[starts[i], ends[i])`. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** 1 where the row is null; undefined when no row is. */
  readonly nulls: Uint8Array | undefined;
}

const TWO_POW_32 = 4294967296;

/** Row-null flags of a vector (1 = null), or undefined when it has none. */
export function nullFlags(vector: Vector): Uint8Array | undefined {
  if (vector.nullCount === 0) return undefined;
  const flags = new Uint8Array(vector.length);
  let row = 0;
  for (const data of vector.data) {
    if (data.nullCount > 0) {
      const bits = data.nullBitmap!;
      for (let i = 0; i < data.length; i++) {
        const at = data.offset + i;
        flags[row + i] = ((bits[at >> 3]! >> (at & 7)) & 1) ^ 1;
      }
    }
    row += data.length;
  }
  return flags;
}

function plainUtf8View(data: Data): { bytes: Uint8Array; offsets: Int32Array } {
  return { bytes: data.values as Uint8Array, offsets: data.valueOffsets as Int32Array };
}

/** A {@link StringView} of a Utf8 or dictionary-encoded Utf8 column. */
export function stringView(vector: Vector): StringView {
  const nulls = nullFlags(vector);
  const only = vector.data.length === 1 ? vector.data[0]! : undefined;
  if (only && DataType.isUtf8(only.type)) {
    const { bytes, offsets } = plainUtf8View(only);
    return {
      length: only.length,
      bytes,
      starts: offsets.subarray(0, only.length),
      ends: offsets.subarray(1, only.length + 1),
      nulls,
    };
  }
  // General case: concatenate the chunks' bytes (dictionaries resolved) into one buffer.
  const length = vector.length;
  const starts = new Int32Array(length);
  const ends = new Int32Array(length);
  const parts: Uint8Array[] = [];
  let base = 0;
  let row = 0;
  for (const data of vector.data) {
    if (DataType.isDictionary(data.type)) {
      const dict = plainUtf8View(data.dictionary!.data[0]!);
      const indices = data.values as Int32Array;
      for (let i = 0; i < data.length; i++) {
        const k = indices[i]!;
        starts[row + i] = base + dict.offsets[k]!;
        ends[row + i] = base + dict.offsets[k + 1]!;
      }
      parts.push(dict.bytes);
      base += dict.bytes.length;
    } else if (DataType.isUtf8(data.type)) {
      const { bytes, offsets } = plainUtf8View(data);
      const first = offsets[0]!;
      for (let i = 0; i < data.length; i++) {
        starts[row + i] = base + offsets[i]! - first;
        ends[row + i] = base + offsets[i + 1]! - first;
      }
      const used = bytes.subarray(first, offsets[data.length]!);
      parts.push(used);
      base += used.length;
    } else {
      throw new TypeError(`expected a string column, got ${data.type}`);
    }
    row += data.length;
  }
  const bytes = new Uint8Array(base);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { length, bytes, starts, ends, nulls };
}

/**
 * A column's values as exact numbers: Int32/Date32 as is, timestamps as epoch microseconds,
 * Decimal128 as the unscaled integer (hundredths for DECIMAL(10,2)), booleans as 0/1. Nulls read
 * as NaN.
 */
export function numberView(vector: Vector): Float64Array {
  const out = new Float64Array(vector.length);
  let row = 0;
  for (const data of vector.data) {
    const type = data.type;
    // Value buffers may be longer than the data (IPC pads them to 8 bytes): copy `length` values.
    if (DataType.isInt(type) && type.bitWidth <= 32) {
      out.set((data.values as Int32Array).subarray(0, data.length), row);
    } else if (DataType.isDate(type) && type.unit === 0) {
      out.set((data.values as Int32Array).subarray(0, data.length), row);
    } else if (DataType.isTimestamp(type) || (DataType.isInt(type) && type.bitWidth === 64)) {
      const values = data.values as BigInt64Array;
      const words = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
      // Timestamp unit: 0 = s, 1 = ms, 2 = us, 3 = ns; goldsmith stores us.
      const toMicros = DataType.isTimestamp(type) ? [1e6, 1e3, 1, 1e-3][type.unit]! : 1;
      for (let i = 0; i < data.length; i++) {
        const v = words[2 * i + 1]! * TWO_POW_32 + (words[2 * i]! >>> 0);
        out[row + i] = toMicros === 1 ? v : Math.floor(v * toMicros);
      }
    } else if (DataType.isDecimal(type)) {
      const words = data.values as Uint32Array;
      for (let i = 0; i < data.length; i++) {
        out[row + i] = (words[4 * i + 1]! | 0) * TWO_POW_32 + words[4 * i]!;
      }
    } else if (DataType.isBool(type)) {
      const bits = data.values as Uint8Array;
      for (let i = 0; i < data.length; i++) {
        const at = data.offset + i;
        out[row + i] = (bits[at >> 3]! >> (at & 7)) & 1;
      }
    } else if (DataType.isFloat(type)) {
      out.set((data.values as Float64Array).subarray(0, data.length), row);
    } else {
      throw new TypeError(`expected a numeric column, got ${type}`);
    }
    if (data.nullCount > 0) {
      const bits = data.nullBitmap!;
      for (let i = 0; i < data.length; i++) {
        const at = data.offset + i;
        if (((bits[at >> 3]! >> (at & 7)) & 1) === 0) out[row + i] = Number.NaN;
      }
    }
    row += data.length;
  }
  return out;
}
