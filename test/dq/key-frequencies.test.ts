import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../../src/dq/arrow-chunks.js';
import {
  countKeyFrequencies,
  hashBytes,
  type KeyBatch,
  type KeyFrequencyTuning,
} from '../../src/dq/key-frequencies.js';

const encoder = new TextEncoder();

/** A Utf8-like batch; `null` entries become null rows in a validity bitmap starting at bit `offset`. */
const textBatch = (values: readonly (string | null)[], offset = 0, weights?: readonly number[]): KeyBatch => {
  const encoded = values.map((value) => encoder.encode(value ?? ''));
  const offsets = new Int32Array(values.length + 1);
  encoded.forEach((bytes, i) => {
    offsets[i + 1] = offsets[i]! + bytes.length;
  });
  const bytes = new Uint8Array(offsets[values.length]!);
  encoded.forEach((value, i) => {
    bytes.set(value, offsets[i]!);
  });
  const hasNull = values.includes(null);
  const bits = new Uint8Array(Math.ceil((values.length + offset) / 8) + 1);
  values.forEach((value, i) => {
    if (value !== null) bits[(offset + i) >> 3]! |= 1 << ((offset + i) & 7);
  });
  const source: ByteSource = { bytes, offsets, width: 0 };
  return {
    source,
    length: values.length,
    validity: hasNull ? { bits, offset } : null,
    weights: weights ? Int32Array.from(weights) : null,
  };
};

/** The same statistics computed naively with a Map. */
const naive = (
  batches: readonly (readonly (string | null)[])[],
  weights: readonly (readonly number[] | undefined)[],
) => {
  const counts = new Map<string, number>();
  for (const [b, values] of batches.entries()) {
    for (const [i, value] of values.entries()) {
      const weight = weights[b]?.[i] ?? 1;
      if (value !== null && weight > 0) counts.set(value, (counts.get(value) ?? 0) + weight);
    }
  }
  let occurrences = 0;
  let singletons = 0;
  for (const count of counts.values()) {
    occurrences += count;
    if (count === 1) singletons += 1;
  }
  const duplicated = new Set([...counts].filter(([, count]) => count > 1).map(([value]) => value));
  return { occurrences, distinct: counts.size, singletons, duplicated };
};

const TUNINGS: readonly (readonly [string, KeyFrequencyTuning])[] = [
  ['in order', {}],
  ['partitioned', { inOrderMaxKeys: 0, partitionSize: 2 }],
  ['in order, then partitioned', { inOrderMaxKeys: 3, partitionSize: 4 }],
];

describe('countKeyFrequencies', () => {
  it('counts a small example, skipping nulls', () => {
    const result = countKeyFrequencies([textBatch(['a', 'b', null, 'a'], 5)], 3);
    expect(result).toEqual({ occurrences: 3, distinct: 2, singletons: 1, examples: [[0, 0]] });
  });

  it('counts fixed-width keys by their bytes', () => {
    const values = Int32Array.of(7, -1, 7, 0, -1, 7);
    const source: ByteSource = { bytes: new Uint8Array(values.buffer), offsets: null, width: 4 };
    for (const [, tuning] of TUNINGS) {
      const result = countKeyFrequencies([{ source, length: 6, validity: null, weights: null }], 3, tuning);
      expect([result.distinct, result.singletons, result.occurrences]).toEqual([3, 1, 6]);
    }
  });

  for (const [name, tuning] of TUNINGS) {
    it(`agrees with a naive count (${name}, property)`, () => {
      const value = fc.option(
        fc.constantFrom('', 'a', 'b', 'ab', 'ba', 'é', 'abcd', 'abcde', 'x'.repeat(9)),
        {
          nil: null,
          freq: 5,
        },
      );
      const batch = fc.record({
        values: fc.array(fc.oneof(value, fc.option(fc.string({ maxLength: 5 }), { nil: null })), {
          maxLength: 40,
        }),
        offset: fc.integer({ min: 0, max: 9 }),
        weighted: fc.boolean(),
        seed: fc.nat(),
      });
      fc.assert(
        fc.property(fc.array(batch, { maxLength: 4 }), (specs) => {
          const weights = specs.map((spec) =>
            spec.weighted ? spec.values.map((_, i) => (spec.seed + i * 7) % 4) : undefined,
          );
          const batches = specs.map((spec, b) => textBatch(spec.values, spec.offset, weights[b]));
          const result = countKeyFrequencies(batches, 3, tuning);
          const expected = naive(
            specs.map((spec) => spec.values),
            weights,
          );
          expect({
            occurrences: result.occurrences,
            distinct: result.distinct,
            singletons: result.singletons,
          }).toEqual({
            occurrences: expected.occurrences,
            distinct: expected.distinct,
            singletons: expected.singletons,
          });
          expect(result.examples.length).toBe(Math.min(3, expected.duplicated.size));
          for (const [b, row] of result.examples) {
            expect(expected.duplicated.has(specs[b]!.values[row]!)).toBe(true);
          }
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe('hashBytes', () => {
  it('depends only on the bytes of the range', () => {
    const a = encoder.encode('xxhello');
    const b = encoder.encode('hello');
    expect(hashBytes(a, 2, 7)).toBe(hashBytes(b, 0, 5));
    expect(hashBytes(b, 0, 5)).not.toBe(hashBytes(b, 0, 4));
    expect(Number.isInteger(hashBytes(b, 0, 0))).toBe(true);
  });

  it('spreads consecutive integers over the low bits', () => {
    const values = Int32Array.from({ length: 4096 }, (_, i) => i);
    const bytes = new Uint8Array(values.buffer);
    const buckets = new Set<number>();
    for (let i = 0; i < values.length; i++) buckets.add(hashBytes(bytes, i * 4, i * 4 + 4) & 4095);
    // A random function would fill about 63% of the buckets.
    expect(buckets.size).toBeGreaterThan(2400);
  });
});
