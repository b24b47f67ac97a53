import {
  Bool,
  type Data,
  DataType,
  DateDay,
  Decimal,
  Int32,
  makeData,
  TimestampMicrosecond,
} from 'apache-arrow';
import { MONEY_PRECISION, MONEY_SCALE } from '../../schemas/logical-types.js';

/**
 * Gathers of fixed-width columns that copy the Arrow values as they are (32-bit words, or bits
 * for booleans), with no trip through float64. They give the same data, and the same output
 * types, as gathering through `numberView` and `numbersToArrow`: null rows hold zeros.
 *
 * @returns a gather for one chunk of int32, date (days), timestamp (µs), DECIMAL(10,2)-scaled
 * decimal or boolean data; undefined for any other type.
 */
export function fixedWidthTaker(data: Data): ((indices: Int32Array) => Data) | undefined {
  const type = data.type as DataType;
  if (DataType.isBool(type)) return (indices) => takeBits(data, indices);
  const layout = wordLayout(type);
  if (!layout) return undefined;
  const { words, make } = layout;
  const values = data.values as ArrayBufferView;
  const source = new Int32Array(values.buffer, values.byteOffset, data.length * words);
  return (indices) => {
    const { out, validity, nullCount } = takeWords(data, source, words, indices);
    return make({
      length: indices.length,
      nullCount,
      nullBitmap: nullCount > 0 ? validity : undefined,
      words: out,
    });
  };
}

interface Gathered {
  readonly length: number;
  readonly nullCount: number;
  readonly nullBitmap: Uint8Array | undefined;
  readonly words: Int32Array;
}

/** 32-bit words per value of the word-copied types, and how their output data is made. */
function wordLayout(type: DataType): { words: 1 | 2 | 4; make: (g: Gathered) => Data } | undefined {
  if (DataType.isInt(type) && type.bitWidth === 32 && type.isSigned)
    return { words: 1, make: ({ words, ...g }) => makeData({ type: new Int32(), ...g, data: words }) };
  if (DataType.isDate(type) && type.unit === 0)
    return { words: 1, make: ({ words, ...g }) => makeData({ type: new DateDay(), ...g, data: words }) };
  // Timestamp unit 2 = microseconds (what goldsmith stores); other units go through float64.
  if (DataType.isTimestamp(type) && type.unit === 2) {
    const make = ({ words, ...g }: Gathered) =>
      makeData({
        type: new TimestampMicrosecond('UTC'),
        ...g,
        data: new BigInt64Array(words.buffer) as never,
      });
    return { words: 2, make };
  }
  if (DataType.isDecimal(type) && type.bitWidth === 128 && type.scale === MONEY_SCALE) {
    const make = ({ words, ...g }: Gathered) =>
      makeData({
        type: new Decimal(MONEY_SCALE, MONEY_PRECISION, 128),
        ...g,
        data: new Uint32Array(words.buffer),
      });
    return { words: 4, make };
  }
  return undefined;
}

/** Bit `offset + row` of a bitmap (validity: 1 = valid; booleans: 1 = true). */
function validAt(bits: Uint8Array, offset: number, row: number): boolean {
  const at = offset + row;
  return ((bits[at >> 3]! >> (at & 7)) & 1) === 1;
}

/** The validity of gathered rows: null where the index is -1 or the source row is null. */
function gatherValidity(data: Data, indices: Int32Array): { validity: Uint8Array; nullCount: number } {
  const n = indices.length;
  const validity = new Uint8Array((n + 7) >> 3).fill(0xff);
  const bits = data.nullCount > 0 ? data.nullBitmap : undefined;
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const from = indices[i]!;
    if (from < 0 || (bits && !validAt(bits, data.offset, from))) {
      validity[i >> 3]! &= ~(1 << (i & 7));
      nullCount++;
    }
  }
  return { validity, nullCount };
}

/** Gathers values of `words` (1, 2 or 4) 32-bit words each; null rows stay zero. */
function takeWords(
  data: Data,
  source: Int32Array,
  words: 1 | 2 | 4,
  indices: Int32Array,
): { out: Int32Array; validity: Uint8Array; nullCount: number } {
  const n = indices.length;
  const out = new Int32Array(n * words);
  const { validity, nullCount } = gatherValidity(data, indices);
  for (let i = 0; i < n; i++) {
    if (!validAt(validity, 0, i)) continue;
    const from = indices[i]!;
    if (words === 1) {
      out[i] = source[from]!;
    } else if (words === 2) {
      out[2 * i] = source[2 * from]!;
      out[2 * i + 1] = source[2 * from + 1]!;
    } else {
      out[4 * i] = source[4 * from]!;
      out[4 * i + 1] = source[4 * from + 1]!;
      out[4 * i + 2] = source[4 * from + 2]!;
      out[4 * i + 3] = source[4 * from + 3]!;
    }
  }
  return { out, validity, nullCount };
}

function takeBits(data: Data, indices: Int32Array): Data {
  const n = indices.length;
  const values = data.values as Uint8Array;
  const out = new Uint8Array((n + 7) >> 3);
  const { validity, nullCount } = gatherValidity(data, indices);
  for (let i = 0; i < n; i++) {
    if (validAt(validity, 0, i) && validAt(values, data.offset, indices[i]!)) out[i >> 3]! |= 1 << (i & 7);
  }
  return makeData({
    type: new Bool(),
    length: n,
    nullCount,
    nullBitmap: nullCount > 0 ? validity : undefined,
    data: out,
  });
}
