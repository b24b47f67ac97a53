import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optional, required, type TableDef } from '../../schemas/logical-types.js';
import { compactInPlace } from '../../src/columns/compact.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { tableToRows } from '../../src/columns/table-rows.js';

// Dedup drops SPEC §3's losers from a bronze table by moving the survivors down in its own
// buffers: the result must be exactly the kept rows, in order, for every column layout.

const def: TableDef = {
  name: 'compact_probe',
  columns: [
    required('id', 'string', 'plain strings'),
    optional('note', 'string', 'strings with nulls and empty values'),
    optional('kind', 'string', 'dictionary-encoded', { dictionary: true }),
    optional('at', 'timestamp', 'int64 words'),
    optional('day', 'date', 'int32 days'),
    optional('amount', 'decimal', 'decimal(10,2), four words'),
    optional('flag', 'boolean', 'bits'),
    required('n', 'int32', 'row number'),
  ],
};

const rowsOf = fc
  .array(
    fc.record({
      id: fc.string({ maxLength: 40 }),
      note: fc.option(fc.constantFrom('', 'x', 'a longer note with more than thirty-two bytes in it')),
      kind: fc.option(fc.constantFrom('page_view', 'click', 'purchase')),
      at: fc.option(fc.constantFrom('2025-09-05T10:00:00.000001Z', '1969-12-31T23:59:59Z')),
      day: fc.option(fc.constantFrom('2025-09-05', '1970-01-01', '1969-07-20')),
      amount: fc.option(fc.constantFrom('0.01', '-12.50', '99999999.99')),
      flag: fc.option(fc.boolean()),
    }),
    { maxLength: 80 },
  )
  .map((rows) => rows.map((r, n) => ({ ...r, n })));

describe('compactInPlace', () => {
  it('keeps exactly the rows not dropped, in order, every column layout (property)', () => {
    fc.assert(
      fc.property(rowsOf, fc.array(fc.boolean(), { maxLength: 80 }), (rows, picks) => {
        const drop = Uint8Array.from(rows, (_, i) => (picks[i] ? 1 : 0));
        const expected = tableToRows(tableFromRows(def, rows)).filter((_, i) => drop[i] === 0);
        const compacted = compactInPlace(tableFromRows(def, rows), drop);
        expect(compacted).toBeDefined();
        expect(tableToRows(compacted!)).toEqual(expected);
        expect(compacted!.schema.fields.map(String)).toEqual(
          tableFromRows(def, []).schema.fields.map(String),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('declines (moving nothing) a table whose columns are slices', () => {
    const table = tableFromRows(def, [
      { id: 'a', n: 0 },
      { id: 'b', n: 1 },
      { id: 'c', n: 2 },
    ]).slice(1);
    expect(compactInPlace(table, Uint8Array.of(1, 0))).toBeUndefined();
    expect(tableToRows(table).map((r) => r.id)).toEqual(['b', 'c']);
  });
});
