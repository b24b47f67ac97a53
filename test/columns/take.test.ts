import { Int32, makeData, makeVector, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { numberView, stringView } from '../../src/columns/column-views.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { takeGroups, takeStrings, takeTable } from '../../src/columns/take.js';
import { bucketByGroup } from '../../src/kernels/key-columns.js';
import { goldRows, goldTableOf } from '../iceberg/support.js';

/** What a gather must give: the value at each index, null for -1 or a null source row. */
function expected(values: readonly (string | null)[], indices: readonly number[]) {
  return indices.map((i) => (i < 0 ? null : (values[i] ?? null)));
}

describe('takeStrings copies runs of adjacent rows as one range', () => {
  const values = ['a', 'bb', null, 'dddd', '', 'ffffff', 'g'.repeat(40), 'h', null, 'jj'];
  const vector = vectorFromArray(values, new Utf8());

  it('runs, gaps, repeats, nulls and -1 all land where they belong', () => {
    const indices = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 9, 8, 7, 7, -1, 3, 4, 5, 0]);
    const out = makeVector(takeStrings(stringView(vector), indices));
    expect(out.toArray()).toEqual(expected(values, [...indices]));
    expect(out.nullCount).toBe(3);
  });

  it('equals a value-by-value gather for any indices (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: values.length - 1 }), { maxLength: 60 }), (list) => {
        const out = makeVector(takeStrings(stringView(vector), Int32Array.from(list)));
        expect([...out]).toEqual(expected(values, list));
      }),
    );
  });

  it('a run never spans rows whose bytes are not adjacent (a dictionary-resolved view)', () => {
    const dictionaryView = {
      length: 3,
      bytes: new TextEncoder().encode('xyzab'),
      // rows 0 and 1 are adjacent in index but not in bytes: "ab", then "xyz", then "ab"
      starts: Int32Array.from([3, 0, 3]),
      ends: Int32Array.from([5, 3, 5]),
      nulls: undefined,
    };
    const out = makeVector(takeStrings(dictionaryView, Int32Array.from([0, 1, 2])));
    expect([...out]).toEqual(['ab', 'xyz', 'ab']);
  });
});

describe('numberView', () => {
  it('copies only `length` values of a chunk whose value buffer is longer (IPC pads to 8 bytes)', () => {
    // The last chunk holds three Int32 values in a four-value buffer.
    const first = makeData({ type: new Int32(), length: 2, data: Int32Array.from([1, 2]) });
    const padded = makeData({ type: new Int32(), length: 3, data: Int32Array.from([3, 4, 5, 99]) });
    expect([...numberView(makeVector([first, padded]))]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('takeGroups', () => {
  it('gives each group the rows takeTable gives it, in buffers of its own (every column type)', () => {
    const table = goldTableOf(goldRows(50, { days: 4 })).slice(3, 47); // a slice: offset data in
    const groups = Int32Array.from({ length: table.numRows }, (_, i) => (i * 7) % 5);
    const { offsets, order } = bucketByGroup(groups, 5);
    const parts = takeGroups(table, order, offsets);
    expect(parts).toHaveLength(5);
    for (const [g, part] of parts.entries()) {
      const indices = order.subarray(offsets[g]!, offsets[g + 1]!);
      expect(tableToRows(part)).toEqual(tableToRows(takeTable(table, indices)));
      for (const child of part.batches[0]!.data.children) expect(child.offset).toBe(0);
    }
  });
});
