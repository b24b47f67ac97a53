import type { Table } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendArrival, dropArrival, mergeByArrival, takeRows } from '../../engines/workers/arrival-merge.js';
import { optional, required, type TableDef } from '../../schemas/logical-types.js';
import { tableFromRows } from '../../src/columns/rows-table.js';

// The workers engine hands relations back in arrival order (SPEC §7: every engine yields the
// same tables, rows in the reference's order). These hold its two gathers to plain row picking,
// for every column type, whether the rows come row by row or in runs.

const def: TableDef = {
  name: 'merge_probe',
  columns: [
    required('id', 'string', 'text'),
    optional('note', 'string', 'nullable text'),
    optional('kind', 'string', 'dictionary-encoded', { dictionary: true }),
    optional('at', 'timestamp', 'a timestamp'),
    optional('n', 'int32', 'an int'),
    optional('amount', 'decimal', 'money'),
    optional('flag', 'boolean', 'a flag'),
    required('tags', 'string-list', 'a list'),
  ],
};

const row = fc.record({
  id: fc.string({ maxLength: 60 }),
  note: fc.option(fc.string({ unit: 'grapheme', maxLength: 8 })),
  kind: fc.option(fc.constantFrom('page_view', 'click', 'añadir')),
  at: fc.option(fc.integer({ min: 0, max: 4e9 }).map((s) => new Date(s * 1000).toISOString())),
  n: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  amount: fc.option(fc.integer({ min: -99_999_999, max: 99_999_999 }).map((c) => (c / 100).toFixed(2))),
  flag: fc.option(fc.boolean()),
  tags: fc.array(fc.constantFrom('a', 'bb'), { maxLength: 3 }),
});

/** Every value of every column, lists as arrays: what a reader of the table sees. */
function values(table: Table): unknown[][] {
  return table.schema.fields.map((f) =>
    [...table.getChild(f.name)!].map((v) =>
      v !== null && typeof v === 'object' && Symbol.iterator in v ? [...(v as Iterable<unknown>)] : v,
    ),
  );
}

/** Rows `picked` of `rows` as one table with their positions as `__arrival`. */
function piece(rows: readonly Record<string, unknown>[], picked: readonly number[]): Table {
  return appendArrival(
    tableFromRows(
      def,
      picked.map((i) => rows[i]!),
    ),
    Int32Array.from(picked),
  );
}

describe('arrival-order gathers of the workers engine', () => {
  it('mergeByArrival restores input order from interleaved rows or from runs of blocks', () => {
    const split = fc.record({
      pieces: fc.integer({ min: 1, max: 3 }),
      // Run length 1 interleaves row by row (hash partitions); longer ones are arrival blocks.
      run: fc.constantFrom(1, 2, 5, 40),
      seed: fc.integer(),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 120 }), split, (rows, { pieces, run, seed }) => {
        const owner: number[][] = Array.from({ length: pieces }, () => []);
        let random = seed;
        for (let from = 0; from < rows.length; from += run) {
          random = (random * 1103515245 + 12345) & 0x7fffffff;
          for (let i = from; i < Math.min(rows.length, from + run); i++) owner[random % pieces]!.push(i);
        }
        const merged = mergeByArrival(owner.map((picked) => piece(rows, picked)));
        expect(values(dropArrival(merged))).toEqual(values(tableFromRows(def, rows)));
        expect([...merged.getChild('__arrival')!]).toEqual(rows.map((_, i) => i));
      }),
      { numRuns: 80 },
    );
  });

  it('takeRows picks ascending rows, in runs (dedup keeps) or scattered (hash splits)', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 120 }), fc.array(fc.boolean()), (rows, keep) => {
        // Runs of kept and dropped rows: each flag keeps or drops the next 1–3 rows.
        const picked: number[] = [];
        for (let i = 0, k = 0; i < rows.length; k++) {
          const span = 1 + (k % 3);
          if (keep[k % Math.max(1, keep.length)] ?? true)
            for (let j = i; j < i + span && j < rows.length; j++) picked.push(j);
          i += span;
        }
        const all = tableFromRows(def, rows);
        const taken = takeRows(all, Int32Array.from(picked));
        expect(values(taken)).toEqual(
          values(
            tableFromRows(
              def,
              picked.map((i) => rows[i]!),
            ),
          ),
        );
      }),
      { numRuns: 80 },
    );
  });
});
