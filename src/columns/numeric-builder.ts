import type { Data } from 'apache-arrow';
import { Bool, DateDay, Decimal, Int32, makeData, TimestampMicrosecond } from 'apache-arrow';
import { MONEY_PRECISION, MONEY_SCALE } from '../../schemas/logical-types.js';
import { ensureCapacity } from './growable.js';
import { ValidityBuilder } from './validity-builder.js';

/** Physical layouts a {@link NumericBuilder} can emit. */
export type NumericKind = 'int32' | 'date' | 'timestamp' | 'decimal' | 'boolean';

const TWO_POW_32 = 4294967296;

/**
 * Collects numbers (int32, days, epoch microseconds, decimal hundredths, 0/1 booleans) in a
 * Float64Array and emits the Arrow layout at the end. Every value is an exact integer well
 * inside 2^53, so no precision is lost on the way.
 */
export class NumericBuilder {
  private values = new Float64Array(1024);
  private readonly validity = new ValidityBuilder();
  length = 0;

  constructor(readonly kind: NumericKind) {}

  /** Appends a value. */
  append(value: number): void {
    this.values = ensureCapacity(this.values, this.length + 1, Float64Array);
    this.values[this.length++] = value;
  }

  /** Appends a null. */
  appendNull(): void {
    this.validity.setNull(this.length);
    this.append(0);
  }

  /** The finished Arrow data. */
  finish(): Data {
    return numbersToArrow(
      this.kind,
      this.values.subarray(0, this.length),
      this.validity.finish(this.length),
      this.validity.nullCount,
    );
  }
}

/** Converts exact integer numbers into the Arrow layout of `kind`. */
export function numbersToArrow(
  kind: NumericKind,
  values: Float64Array,
  nullBitmap: Uint8Array | undefined,
  nullCount: number,
): Data {
  const length = values.length;
  const common = { length, nullCount, nullBitmap };
  switch (kind) {
    case 'int32':
      return makeData({ type: new Int32(), ...common, data: Int32Array.from(values) });
    case 'date':
      return makeData({ type: new DateDay(), ...common, data: Int32Array.from(values) });
    case 'timestamp':
      return makeData({
        type: new TimestampMicrosecond('UTC'),
        ...common,
        data: int64Words(values) as never,
      });
    case 'decimal':
      return makeData({
        type: new Decimal(MONEY_SCALE, MONEY_PRECISION, 128),
        ...common,
        data: decimal128Words(values),
      });
    case 'boolean': {
      const bits = new Uint8Array((length + 7) >> 3);
      for (let i = 0; i < length; i++) if (values[i] !== 0) bits[i >> 3]! |= 1 << (i & 7);
      return makeData({ type: new Bool(), ...common, data: bits });
    }
  }
}

/** Little-endian int64 words of exact integers, as a BigInt64Array over the same bytes. */
export function int64Words(values: Float64Array): BigInt64Array {
  const words = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const hi = Math.floor(v / TWO_POW_32);
    words[2 * i] = (v - hi * TWO_POW_32) | 0;
    words[2 * i + 1] = hi | 0;
  }
  return new BigInt64Array(words.buffer);
}

/** 128-bit two's complement words (4 × uint32, little-endian) of exact integers. */
export function decimal128Words(values: Float64Array): Uint32Array {
  const words = new Uint32Array(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const hi = Math.floor(v / TWO_POW_32);
    words[4 * i] = (v - hi * TWO_POW_32) >>> 0;
    words[4 * i + 1] = hi >>> 0;
    const sign = v < 0 ? 0xffffffff : 0;
    words[4 * i + 2] = sign;
    words[4 * i + 3] = sign;
  }
  return words;
}
