import { readFileSync } from 'node:fs';
import { DataType } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  arrowSchemaOf,
  BronzeEvent,
  GoldRow,
  goldArrowSchema,
  goldDdl,
  goldIcebergSchema,
  goldTable,
  SilverEvent,
  SilverTransaction,
  SilverUser,
  silverEventsTable,
  silverTransactionsTable,
  silverUsersTable,
  type TableDef,
} from '../../schemas/index.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { SHARED, SPARK_PEER } from '../support/paths.js';

const tables: Array<[TableDef, z.ZodObject]> = [
  [silverEventsTable, SilverEvent],
  [silverTransactionsTable, SilverTransaction],
  [silverUsersTable, SilverUser],
  [goldTable, GoldRow],
];

/** Arbitrary values per logical type, in the JSON exchange representation. */
const timestamp = fc
  .integer({ min: -2_000_000_000_000_000, max: 4_000_000_000_000_000 })
  .map(
    (us) =>
      `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(((us % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0')}Z`,
  );
const valueArb = {
  string: fc.string({ unit: 'grapheme', maxLength: 12 }),
  date: fc
    .integer({ min: -25_000, max: 60_000 })
    .map((d) => new Date(d * 86_400_000).toISOString().slice(0, 10)),
  timestamp,
  int32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  decimal: fc.integer({ min: -9_999_999_999, max: 9_999_999_999 }).map((v) => {
    const abs = String(Math.abs(v)).padStart(3, '0');
    return `${v < 0 ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
  }),
  boolean: fc.boolean(),
  'string-list': fc.array(fc.string({ maxLength: 8 }), { maxLength: 4 }),
} as const;

function rowArb(def: TableDef) {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const c of def.columns) {
    const arb = valueArb[c.type] as fc.Arbitrary<unknown>;
    shape[c.name] = c.nullable ? fc.option(arb, { nil: null }) : arb;
  }
  return fc.record(shape);
}

describe('schemas: one definition, zod and Arrow agree (issue 2 §2)', () => {
  for (const [def, zod] of tables) {
    it(`${def.name}: same column names and order`, () => {
      expect(Object.keys(zod.shape)).toEqual(arrowSchemaOf(def).fields.map((f) => f.name));
    });

    it(`${def.name}: zod accepts null exactly where the Arrow field is nullable`, () => {
      for (const field of arrowSchemaOf(def).fields) {
        expect(zod.shape[field.name]!.safeParse(null).success, field.name).toBe(field.nullable);
      }
    });

    it(`${def.name}: every row zod accepts round-trips through the Arrow schema unchanged`, () => {
      fc.assert(
        fc.property(fc.array(rowArb(def), { maxLength: 20 }), (rows) => {
          for (const row of rows) zod.parse(row);
          const table = tableFromRows(def, rows);
          expect(table.schema.fields.map((f) => [f.name, f.nullable])).toEqual(
            arrowSchemaOf(def).fields.map((f) => [f.name, f.nullable]),
          );
          expect(tableToRows(table)).toEqual(rows);
        }),
        { numRuns: 50 },
      );
    });
  }

  it('gold has SPEC §5 types: timestamp(us, UTC), date, int32, decimal(10,2), list<string>, boolean', () => {
    const type = (name: string) => goldArrowSchema.fields.find((f) => f.name === name)!.type as DataType;
    expect(String(type('session_start_time'))).toBe('Timestamp<MICROSECOND, UTC>');
    expect(DataType.isDate(type('session_date'))).toBe(true);
    expect(String(type('session_duration_seconds'))).toBe('Int32');
    expect(String(type('transaction_amount'))).toBe('Decimal[10e+2]');
    expect(String(type('event_types'))).toBe('List<Utf8>');
    expect(String(type('has_transaction'))).toBe('Bool');
    expect(goldArrowSchema.fields).toHaveLength(22);
  });

  it('zod rejects a decimal with three fraction digits and a zone-less timestamp in gold JSON', () => {
    expect(GoldRow.shape.transaction_amount.safeParse('12.345').success).toBe(false);
    expect(GoldRow.shape.session_start_time.safeParse('2025-01-01T00:00:00').success).toBe(false);
  });

  it('bronze event schema accepts the seed example and rejects an empty event_id', () => {
    const example = JSON.parse(
      '{"event_id": "EVT_00000001", "session_id": "SES_000001", "user_id": "USR_00001", "event_type": "page_view", "event_timestamp": "2024-11-15T14:30:00", "event_details": {"page_url": "/page/12", "referrer": "google"}}',
    );
    expect(BronzeEvent.parse(example).event_id).toBe('EVT_00000001');
    expect(BronzeEvent.safeParse({ ...example, event_id: '' }).success).toBe(false);
  });
});

describe('generated Iceberg schema and DDL', () => {
  it("matches the Spark-written gold table's Iceberg schema (names, ids, types)", () => {
    const metadata = JSON.parse(
      readFileSync(`${SPARK_PEER}gold/user_session_analysis/metadata/v1.metadata.json`, 'utf8'),
    );
    const spark = metadata.schemas[0].fields.map((f: { id: number; name: string; type: unknown }) => [
      f.id,
      f.name,
      f.type,
    ]);
    const ours = goldIcebergSchema.fields.map((f) => [
      f.id,
      f.name,
      typeof f.type === 'string' ? f.type : { ...f.type, 'element-required': false },
    ]);
    expect(ours).toEqual(spark);
  });

  it("has the seed's CREATE TABLE columns and types, in order", () => {
    const seed = readFileSync(`${SHARED}seed/000_ab04de1197b426f1.md`, 'utf8');
    const block = seed.slice(
      seed.indexOf('CREATE TABLE gold.user_session_analysis'),
      seed.indexOf('USING iceberg'),
    );
    const columnsOf = (ddl: string) =>
      [...ddl.matchAll(/^\s+([a-z_]+)\s+([A-Z]+(?:\(\d+,\d+\)|<STRING>)?)/gm)].map((m) => [m[1], m[2]]);
    expect(columnsOf(block)).toHaveLength(22);
    expect(columnsOf(goldDdl.slice(0, goldDdl.indexOf('USING iceberg')))).toEqual(columnsOf(block));
    expect(goldDdl).toContain('PARTITIONED BY (days(session_date))');
    expect(goldDdl).toContain("'write.merge.mode' = 'merge-on-read'");
  });
});
