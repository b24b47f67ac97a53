import { DataType, Field, List, makeData, makeVector, type Table, Utf8, type Vector } from 'apache-arrow';
import { arrowSchemaOf, LIST_ELEMENT_NAME } from '../../schemas/derive-arrow.js';
import type { ColumnDef, LogicalType, TableDef } from '../../schemas/logical-types.js';
import { nullFlags, numberView, stringView } from './column-views.js';
import { DictionaryBuilder } from './dictionary-builder.js';
import { type NumericKind, numbersToArrow } from './numeric-builder.js';
import { identity, takeStrings, withSchema } from './take.js';
import { Utf8Builder } from './utf8-builder.js';

const NUMERIC: Record<Exclude<LogicalType, 'string' | 'string-list'>, NumericKind> = {
  date: 'date',
  timestamp: 'timestamp',
  int32: 'int32',
  decimal: 'decimal',
  boolean: 'boolean',
};

function conformColumn(vector: Vector, column: ColumnDef) {
  if (column.type === 'string') {
    const only = vector.data.length === 1 ? vector.data[0]! : undefined;
    // Already plain single-chunk Utf8: nothing to re-lay.
    if (!column.dictionary && only && only.offset === 0 && DataType.isUtf8(only.type)) return only;
    const view = stringView(vector);
    if (!column.dictionary) return takeStrings(view, identity(view.length));
    const builder = new DictionaryBuilder();
    for (let i = 0; i < view.length; i++) {
      if (view.nulls?.[i]) builder.appendNull();
      else builder.appendBytes(view.bytes, view.starts[i]!, view.ends[i]!);
    }
    return builder.finish();
  }
  if (column.type === 'string-list') {
    const offsets = new Int32Array(vector.length + 1);
    const childIndices: number[] = [];
    const children: Vector[] = [];
    let base = 0;
    let row = 0;
    for (const data of vector.data) {
      const type = data.type as DataType;
      if (!DataType.isList(type) && !DataType.isLargeList(type))
        throw new TypeError(`${column.name}: expected a list, got ${type}`);
      const own = data.valueOffsets as Int32Array | BigInt64Array;
      // Arrow's IPC reader leaves the child undefined when the list column has no rows.
      if (data.length === 0 || !data.children[0]) continue;
      const child = makeVector(data.children[0]);
      for (let i = 0; i < data.length; i++) {
        const from = Number(own[i]!);
        const to = Number(own[i + 1]!);
        for (let k = from; k < to; k++) childIndices.push(base + k);
        offsets[++row] = childIndices.length;
      }
      children.push(child);
      base += child.length;
    }
    const elements =
      children.length === 0
        ? makeVector(new Utf8Builder().finish())
        : children.length === 1
          ? children[0]!
          : children.reduce((a, b) => a.concat(b));
    return makeData({
      type: new List(new Field(LIST_ELEMENT_NAME, new Utf8(), false)),
      length: vector.length,
      nullCount: 0,
      valueOffsets: offsets,
      child: takeStrings(stringView(elements), Int32Array.from(childIndices)),
    });
  }
  const values = numberView(vector);
  const nulls = nullFlags(vector);
  let bitmap: Uint8Array | undefined;
  let nullCount = 0;
  if (nulls) {
    bitmap = new Uint8Array((values.length + 7) >> 3).fill(0xff);
    for (let i = 0; i < values.length; i++)
      if (nulls[i]) {
        bitmap[i >> 3]! &= ~(1 << (i & 7));
        nullCount++;
        values[i] = 0;
      }
  }
  return numbersToArrow(NUMERIC[column.type], values, nullCount > 0 ? bitmap : undefined, nullCount);
}

/**
 * Re-lays any Arrow table holding a definition's columns into goldsmith's exact physical schema:
 * one chunk, declared column order, dictionary-encoded where declared, timestamps as
 * microsecond UTC (from any unit, with or without a zone, or plain Int64 microseconds), dates as
 * Date32 days, DECIMAL(10,2), `List<Utf8>`. Engines use it on tables that come back from another
 * runtime (DuckDB, a worker, a Parquet file) so every engine returns identical tables.
 */
export function conformToSchema(table: Table, def: TableDef): Table {
  const columns: Record<string, Vector> = {};
  for (const column of def.columns) {
    const vector = table.getChild(column.name);
    if (!vector)
      throw new TypeError(`table has no column "${column.name}" (it has ${table.schema.names.join(', ')})`);
    columns[column.name] = makeVector(conformColumn(vector, column));
  }
  return withSchema(columns, arrowSchemaOf(def));
}
