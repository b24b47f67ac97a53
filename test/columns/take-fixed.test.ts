import { type Data, makeVector } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberView } from '../../src/columns/column-views.js';
import { type NumericKind, numbersToArrow } from '../../src/columns/numeric-builder.js';
import { fixedWidthTaker } from '../../src/columns/take-fixed.js';

// Gathers feed every kernel and every data file (SPEC §4–§6): the word-copying gather must give
// exactly what the float64 gather gave, for each fixed-width type, nulls, slices and -1 rows.

/** Values a column of each kind can hold (exact integers; NaN = null). */
const VALUES: Record<NumericKind, fc.Arbitrary<number>> = {
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  date: fc.integer({ min: -100_000, max: 100_000 }),
  timestamp: fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
  decimal: fc.integer({ min: -99_999_999_99, max: 99_999_999_99 }),
  boolean: fc.integer({ min: 0, max: 1 }),
};

function column(kind: NumericKind, values: readonly number[]): Data {
  const bits = new Uint8Array((values.length + 7) >> 3).fill(0xff);
  let nulls = 0;
  values.forEach((v, i) => {
    if (Number.isNaN(v)) {
      bits[i >> 3]! &= ~(1 << (i & 7));
      nulls++;
    }
  });
  const exact = Float64Array.from(values, (v) => (Number.isNaN(v) ? 0 : v));
  return numbersToArrow(kind, exact, nulls > 0 ? bits : undefined, nulls);
}

describe('fixedWidthTaker', () => {
  for (const kind of Object.keys(VALUES) as NumericKind[]) {
    it(`${kind}: equals a value-by-value gather, slices and nulls included (property)`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(VALUES[kind], fc.constant(Number.NaN)), { minLength: 1, maxLength: 40 }),
          fc.nat(),
          fc.nat(),
          fc.array(fc.nat(), { maxLength: 50 }),
          (values, a, b, picks) => {
            // A slice (offset data, as tables read file by file are) of the whole column.
            const from = a % values.length;
            const length = b % (values.length - from + 1);
            const data = column(kind, values).slice(from, length);
            const indices = Int32Array.from(picks, (p) => (length === 0 ? -1 : (p % (length + 1)) - 1));
            const out = fixedWidthTaker(data)!(indices);
            const expected = [...indices].map((i) => (i < 0 ? Number.NaN : values[from + i]!));
            expect([...numberView(makeVector(out))]).toEqual(expected);
            expect(out.nullCount).toBe(expected.filter(Number.isNaN).length);
            // Same output type as the float64 path, and zeros where rows are null.
            const reference = numbersToArrow(kind, new Float64Array(0), undefined, 0);
            expect(String(out.type)).toBe(String(reference.type));
            if (kind !== 'boolean') {
              const words = new Int32Array((out.values as ArrayBufferView).buffer);
              const stride = words.length / Math.max(1, indices.length);
              expected.forEach((v, i) => {
                if (Number.isNaN(v)) for (let w = 0; w < stride; w++) expect(words[i * stride + w]).toBe(0);
              });
            }
          },
        ),
      );
    });
  }
});
