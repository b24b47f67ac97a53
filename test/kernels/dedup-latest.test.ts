import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optional, required, type TableDef } from '../../schemas/logical-types.js';
import { numberView, stringView } from '../../src/columns/column-views.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { dedupLatest, losersBySortedHash } from '../../src/kernels/dedup-latest.js';

// SPEC §3: one row per key, the greatest order value wins, a tie (or no order column) goes to
// the later row, survivors keep input order. These hold both dedup paths (hash sort for one
// string key, grouping for the others) to that rule written out plainly.

const def: TableDef = {
  name: 'dedup_probe',
  columns: [
    required('id', 'string', 'the key'),
    optional('at', 'timestamp', 'the order column, nulls included'),
    required('n', 'int32', 'row number, to tell rows apart'),
    optional('kind', 'string', 'a second key part'),
  ],
};

const rowsOf = fc
  .array(
    fc.record({
      // Few ids, so most of them repeat; 'ab' and 'ba' share a length (and an FNV-1a input size).
      id: fc.constantFrom('a', 'b', 'ab', 'ba', 'EVT_00000001', 'EVT_00000002', 'é'),
      at: fc.option(fc.constantFrom('2025-09-05T10:00:00Z', '2025-09-05T10:00:01Z', '2025-09-06T00:00:00Z')),
      kind: fc.option(fc.constantFrom('x', 'y')),
    }),
    { maxLength: 60 },
  )
  .map((rows) => rows.map((r, n) => ({ ...r, n })));

/** The rule of SPEC §3, row by row: the row numbers that survive, in input order. */
function survivors(
  rows: readonly Record<string, unknown>[],
  key: readonly string[],
  order: Float64Array | undefined,
) {
  const best = new Map<string, number>();
  rows.forEach((row, i) => {
    const k = JSON.stringify(key.map((c) => row[c] ?? null));
    const current = best.get(k);
    if (current === undefined || order === undefined || order[i]! >= order[current]!) best.set(k, i);
  });
  return [...best.values()].sort((a, b) => a - b);
}

describe('dedupLatest, both paths (SPEC §3)', () => {
  it('keeps the latest row of each key, ties to the later row, survivors in input order', () => {
    fc.assert(
      fc.property(
        rowsOf,
        fc.constantFrom<string | null>('at', null),
        fc.boolean(),
        (rows, orderBy, composite) => {
          const table = tableFromRows(def, rows);
          const key = composite ? ['id', 'kind'] : ['id'];
          const order = orderBy === null ? undefined : numberView(table.getChild(orderBy)!);
          const expected = survivors(rows, key, order);
          const { table: kept, duplicates } = dedupLatest(table, key, orderBy);
          expect(tableToRows(kept).map((r) => r.n)).toEqual(expected);
          expect(duplicates).toBe(rows.length - expected.length);
          // In place (a bronze table nothing reads afterwards): the same rows, whole.
          const inPlace = dedupLatest(tableFromRows(def, rows), key, orderBy, { inPlace: true });
          expect(tableToRows(inPlace.table)).toEqual(tableToRows(kept));
          expect(inPlace.duplicates).toBe(duplicates);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('compares the key bytes of rows whose hashes collide', () => {
    const collide = [() => 7, (_b: Uint8Array, start: number, end: number) => end - start];
    fc.assert(
      fc.property(rowsOf, fc.constantFrom(0, 1), (rows, h) => {
        const table = tableFromRows(def, rows);
        const order = numberView(table.getChild('at')!);
        const losers = losersBySortedHash(stringView(table.getChild('id')!), () => order, collide[h]);
        const kept = rows.map((_, i) => i).filter((i) => !losers?.[i]);
        expect(kept).toEqual(survivors(rows, ['id'], order));
      }),
      { numRuns: 200 },
    );
  });

  it('returns the input itself when no key repeats', () => {
    const table = tableFromRows(def, [
      { id: 'a', n: 0 },
      { id: 'b', n: 1 },
    ]);
    expect(dedupLatest(table, ['id'], 'at')).toEqual({ table, duplicates: 0 });
  });
});
