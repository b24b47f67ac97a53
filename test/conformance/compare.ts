import type { Table } from 'apache-arrow';
import { expect } from 'vitest';
import { type CellValue, tableToRows } from '../../src/columns/table-rows.js';
import type { PipelineResult } from '../../src/engine/index.js';

/** Field names, Arrow types and nullability, in order. */
export function schemaOf(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}: ${f.type}${f.nullable ? '' : ' not null'}`);
}

/** Rows as canonical JSON strings, sorted: an order-insensitive view of a whole table. */
export function sortedRows(table: Table, drop: readonly string[] = []): string[] {
  return tableToRows(table)
    .map((row: Record<string, CellValue>) => {
      for (const name of drop) delete row[name];
      return JSON.stringify(row);
    })
    .sort();
}

/**
 * Asserts that two engines computed the same thing: every table (schema and values,
 * order-insensitive — SPEC defines no row order — unless `ordered`), every quarantined line,
 * every count and every rule result. `processing_timestamp` is fixed by the caller through `now`.
 * With `ordered`, rows and quarantine must also come in the same order (engines that promise the
 * reference's row order, like the workers engine).
 */
export function expectSameResult(
  actual: PipelineResult,
  expected: PipelineResult,
  { ordered = false }: { ordered?: boolean } = {},
): void {
  const tables: Array<[string, Table, Table]> = [
    ['silver.events', actual.silver.events, expected.silver.events],
    ['silver.transactions', actual.silver.transactions, expected.silver.transactions],
    ['silver.users', actual.silver.users, expected.silver.users],
    ['gold', actual.gold, expected.gold],
  ];
  for (const [name, a, e] of tables) {
    expect(schemaOf(a), `${name} schema`).toEqual(schemaOf(e));
    expect(a.numRows, `${name} rows`).toBe(e.numRows);
    const rowsOf = (t: Table) => (ordered ? tableToRows(t).map((r) => JSON.stringify(r)) : sortedRows(t));
    const rowsA = rowsOf(a);
    const rowsE = rowsOf(e);
    const firstDifference = rowsA.findIndex((r, i) => r !== rowsE[i]);
    expect(
      firstDifference === -1 ? [] : [firstDifference, rowsA[firstDifference], rowsE[firstDifference]],
      `${name} values`,
    ).toEqual([]);
  }
  const lines = (r: PipelineResult) =>
    ordered
      ? r.quarantined
      : [...r.quarantined].sort(
          (a, b) => a.source.localeCompare(b.source) || a.file.localeCompare(b.file) || a.line - b.line,
        );
  expect(lines(actual), 'quarantine').toEqual(lines(expected));
  expect(actual.counts, 'counts').toEqual(expected.counts);
  expect(actual.orphanTransactions, 'orphan transactions').toBe(expected.orphanTransactions);
  expect(actual.sessionsWithTransaction, 'sessions with a transaction').toBe(
    expected.sessionsWithTransaction,
  );
  expect(actual.dq, 'rule results').toEqual(expected.dq);
}
