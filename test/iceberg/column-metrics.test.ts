import { tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { describe, expect, it } from 'vitest';
import { icebergSchemaOf } from '../../schemas/derive-iceberg.js';
import { optional, required, type TableDef } from '../../schemas/logical-types.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { columnMetrics } from '../../src/iceberg/column-metrics.js';
import { withFieldIds } from '../../src/iceberg/field-ids.js';
import { tableToParquet } from '../../src/io/parquet.js';
import { footerStatistics } from '../../src/io/parquet-footer.js';

// Data file metrics (Iceberg table spec, "Manifests"; SPEC §6's Iceberg output): the bounds a
// writer records must hold every value of the file. goldsmith reads them from the Parquet
// footer parquet-wasm just wrote; these tests hold that path to the values themselves.

const def: TableDef = {
  name: 'metrics_probe',
  columns: [
    required('id', 'string', 'unique text'),
    optional('note', 'string', 'nullable text, some multi-byte and longer than 16 bytes'),
    optional('kind', 'string', 'dictionary-encoded', { dictionary: true }),
    optional('free', 'string', 'long free text (counts only)'),
    optional('day', 'date', 'a date'),
    optional('at', 'timestamp', 'a timestamp'),
    optional('n', 'int32', 'an int'),
    optional('amount', 'decimal', 'money'),
    optional('flag', 'boolean', 'a flag'),
    required('tags', 'string-list', 'a list'),
  ],
};
const schema = icebergSchemaOf(def);

/** Epoch microseconds as goldsmith's exchange text, `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
function isoMicros(us: number): string {
  const seconds = Math.floor(us / 1e6);
  const fraction = String(us - seconds * 1e6).padStart(6, '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

const text = fc.string({ unit: 'grapheme', maxLength: 24 });
const row = fc.record({
  id: text,
  note: fc.option(text),
  kind: fc.option(fc.constantFrom('page_view', 'click', 'añadir', 'z')),
  free: fc.option(fc.string({ minLength: 70, maxLength: 90 })),
  day: fc.option(
    fc.integer({ min: -20_000, max: 40_000 }).map((d) => new Date(d * 86_400_000).toISOString()),
  ),
  at: fc.option(fc.integer({ min: -2e15, max: 4e15 }).map(isoMicros)),
  n: fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  amount: fc.option(fc.integer({ min: -99_999_999, max: 99_999_999 }).map((c) => (c / 100).toFixed(2))),
  flag: fc.option(fc.boolean()),
  tags: fc.array(fc.constantFrom('a', 'b'), { maxLength: 3 }),
});

function metricsBothWays(rows: readonly Record<string, unknown>[], properties: Record<string, string> = {}) {
  const table = tableFromRows(def, rows);
  const footer = footerStatistics(tableToParquet(withFieldIds(table, schema)));
  return {
    footer,
    fromFooter: columnMetrics(table, schema, properties, footer),
    scanned: columnMetrics(table, schema, properties),
  };
}

describe('data file metrics from the Parquet footer', () => {
  it('equal the metrics computed over the values, for every column type, nulls included', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 40 }), (rows) => {
        const { footer, fromFooter, scanned } = metricsBothWays(rows);
        expect(footer).toHaveLength(1);
        expect(fromFooter).toEqual(scanned);
      }),
      { numRuns: 60 },
    );
  });

  it('honour the metrics modes: truncate(N), full, counts and none', () => {
    const rows = [
      { id: 'ÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅ-a-long-id', note: 'x'.repeat(40), n: 5, tags: [] },
      { id: 'b', note: 'y', n: -3, tags: ['a'] },
    ];
    const properties = {
      'write.metadata.metrics.default': 'truncate(4)',
      'write.metadata.metrics.column.note': 'full',
      'write.metadata.metrics.column.n': 'counts',
      'write.metadata.metrics.column.kind': 'none',
    };
    const { fromFooter, scanned } = metricsBothWays(rows, properties);
    expect(fromFooter).toEqual(scanned);
    const lower = new Map(fromFooter.lower_bounds.map((b) => [b.key, b.value.toString('utf8')]));
    const upper = new Map(fromFooter.upper_bounds.map((b) => [b.key, b.value.toString('utf8')]));
    expect(lower.get(1)).toBe('b'); // bytes compare unsigned: 'b' (0x62) < 'Å' (0xC3 0x85)
    expect(upper.get(1)).toBe('ÅÆ'); // 4 bytes, on a code point boundary, last one incremented
    expect(lower.get(2)).toBe('x'.repeat(40)); // full: untruncated
    expect(lower.has(7)).toBe(false); // counts: no bounds
    expect(fromFooter.null_value_counts.find((c) => c.key === 7)?.value).toBe(0n);
    expect(fromFooter.value_counts.some((c) => c.key === 3)).toBe(false); // none
  });

  it('take them from the footer rather than scanning the values again', () => {
    const table = tableFromRows(def, [{ id: 'm', n: 5, amount: '-1.50', at: isoMicros(7), tags: [] }]);
    const [chunks] = footerStatistics(tableToParquet(withFieldIds(table, schema)));
    // A footer that claims other bounds: the metrics must follow it (so the fast path is taken).
    const claimed = chunks!.map((chunk) => {
      if (chunk.path === 'id') return { ...chunk, min: new TextEncoder().encode('a') };
      if (chunk.path === 'n' || chunk.path === 'amount') {
        const max = new Uint8Array(chunk.max!.length);
        max[0] = 9;
        return { ...chunk, max };
      }
      return chunk;
    });
    const metrics = columnMetrics(table, schema, {}, [claimed]);
    const lower = new Map(metrics.lower_bounds.map((b) => [b.key, b.value]));
    const upper = new Map(metrics.upper_bounds.map((b) => [b.key, b.value]));
    expect(lower.get(1)!.toString()).toBe('a');
    expect(upper.get(7)!.readInt32LE()).toBe(9);
    expect(upper.get(8)!).toEqual(Buffer.from([9])); // unscaled 9, minimal big-endian
    expect(lower.get(8)!).toEqual(Buffer.from([0xff, 0x6a])); // -150
    expect(lower.get(6)!.readBigInt64LE()).toBe(7n);
  });

  it('fall back to the values when a file has several row groups', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: `id-${9 - i}`, n: i, tags: [] }));
    const table = withFieldIds(tableFromRows(def, rows), schema);
    const properties = new WriterPropertiesBuilder()
      .setCompression(Compression.SNAPPY)
      .setMaxRowGroupSize(3)
      .build();
    const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), properties);
    const footer = footerStatistics(bytes);
    expect(footer).toHaveLength(4);
    const metrics = columnMetrics(table, schema, {}, footer);
    expect(metrics).toEqual(columnMetrics(table, schema, {}));
    const lower = new Map(metrics.lower_bounds.map((b) => [b.key, b.value]));
    expect(lower.get(1)!.toString()).toBe('id-0');
    expect(lower.get(7)!.readInt32LE()).toBe(0);
  });

  it('reject bytes that are not a Parquet file', () => {
    expect(() => footerStatistics(new TextEncoder().encode('{"not":"parquet"}'))).toThrow(/PAR1/);
    const bytes = tableToParquet(withFieldIds(tableFromRows(def, [{ id: 'a', tags: [] }]), schema));
    expect(() => footerStatistics(bytes.subarray(0, bytes.length - 1))).toThrow(/PAR1/);
    const badLength = Uint8Array.from(bytes);
    new DataView(badLength.buffer).setUint32(badLength.length - 8, 0xffff_ff00, true);
    expect(() => footerStatistics(badLength)).toThrow(/out of range/);
  });
});
