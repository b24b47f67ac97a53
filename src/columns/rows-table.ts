import { Field, List, makeData, makeVector, type Table, Utf8 } from 'apache-arrow';
import { arrowSchemaOf } from '../../schemas/derive-arrow.js';
import type { LogicalType, TableDef } from '../../schemas/logical-types.js';
import { parseTimestampString, TimeZone } from '../time/index.js';
import { DictionaryBuilder } from './dictionary-builder.js';
import { NumericBuilder } from './numeric-builder.js';
import { withSchema } from './take.js';
import { Utf8Builder } from './utf8-builder.js';

const UTC = TimeZone.of('UTC');

/** Parses an exact decimal string (`"1250.50"`) into its unscaled integer at `scale`. */
export function parseDecimal(text: string, scale: number): number {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && !match[3])) throw new TypeError(`not a decimal: "${text}"`);
  const fraction = (match[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale) throw new TypeError(`"${text}" has more than ${scale} fraction digits`);
  const unscaled = Number(`${match[2] || '0'}${fraction}`);
  return match[1] === '-' ? -unscaled : unscaled;
}

function dayOf(text: string): number {
  return Math.floor(parseTimestampString(text, UTC, true) / 86_400_000_000);
}

/**
 * Builds an Arrow table in a table definition's schema from JSON rows in goldsmith's exchange
 * representation (the inverse of `tableToRows`). For fixtures, tests and small API inputs; the
 * bulk readers build columns from bytes instead.
 *
 * @example
 * const events = tableFromRows(silverEventsTable, [{ event_id: 'E1', …, event_timestamp: '2025-01-01T00:00:00.000000Z' }]);
 */
export function tableFromRows(def: TableDef, rows: readonly Record<string, unknown>[]): Table {
  const schema = arrowSchemaOf(def);
  const columns: Record<string, ReturnType<typeof makeVector>> = {};
  for (const column of def.columns) {
    const values = rows.map((row) => row[column.name] ?? null);
    columns[column.name] = makeVector(buildColumn(column.type, column.dictionary === true, values));
  }
  return withSchema(columns, schema);
}

function buildColumn(type: LogicalType, dictionary: boolean, values: unknown[]) {
  if (type === 'string') {
    const builder = dictionary ? new DictionaryBuilder() : new Utf8Builder();
    for (const v of values)
      if (v === null) builder.appendNull();
      else builder.appendString(String(v));
    return builder.finish();
  }
  if (type === 'string-list') {
    const child = new Utf8Builder();
    const offsets = new Int32Array(values.length + 1);
    values.forEach((v, i) => {
      for (const s of (v as string[] | null) ?? []) child.appendString(s);
      offsets[i + 1] = child.length;
    });
    return makeData({
      type: new List(new Field('element', new Utf8(), false)),
      length: values.length,
      nullCount: 0,
      valueOffsets: offsets,
      child: child.finish(),
    });
  }
  const builder = new NumericBuilder(type === 'date' ? 'date' : type);
  for (const v of values) {
    if (v === null) builder.appendNull();
    else if (type === 'timestamp') builder.append(parseTimestampString(String(v), UTC));
    else if (type === 'date') builder.append(dayOf(String(v)));
    else if (type === 'decimal') builder.append(parseDecimal(String(v), 2));
    else if (type === 'boolean') builder.append(v ? 1 : 0);
    else builder.append(Number(v));
  }
  return builder.finish();
}
