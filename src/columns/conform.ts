import {
  type Data,
  DataType,
  Field,
  List,
  makeData,
  makeVector,
  type Table,
  Utf8,
  util,
  type Vector,
} from 'apache-arrow';
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

/**
 * Several plain Utf8 chunks as one: each chunk's bytes copied at once and its offsets shifted,
 * instead of a per-row gather (tables read file by file arrive in many chunks).
 */
function concatUtf8(chunks: readonly Data[]): Data<Utf8> {
  let length = 0;
  let total = 0;
  let nullCount = 0;
  for (const d of chunks) {
    const o = d.valueOffsets as Int32Array;
    length += d.length;
    total += o[d.length]! - o[0]!;
    nullCount += d.nullCount;
  }
  const offsets = new Int32Array(length + 1);
  const bytes = new Uint8Array(total);
  const validity = nullCount > 0 ? new Uint8Array((length + 7) >> 3).fill(0xff) : undefined;
  let row = 0;
  let at = 0;
  for (const d of chunks) {
    const o = d.valueOffsets as Int32Array;
    const first = o[0]!;
    const last = o[d.length]!;
    bytes.set((d.values as Uint8Array).subarray(first, last), at);
    for (let i = 0; i < d.length; i++) offsets[row + i + 1] = at + o[i + 1]! - first;
    if (validity && d.nullCount > 0) copyValidity(validity, d, row);
    row += d.length;
    at += last - first;
  }
  return makeData({
    type: new Utf8(),
    length,
    nullCount,
    nullBitmap: validity,
    valueOffsets: offsets,
    data: bytes,
  });
}

/** Copies a chunk's validity bits into `validity` from row `row` on. */
function copyValidity(validity: Uint8Array, d: Data, row: number): void {
  const bits = d.nullBitmap!;
  for (let i = 0; i < d.length; i++) {
    const src = d.offset + i;
    if (((bits[src >> 3]! >> (src & 7)) & 1) === 0) validity[(row + i) >> 3]! &= ~(1 << ((row + i) & 7));
  }
}

/** Fixed-width chunks of exactly `type` (ints, dates, timestamps, decimals) as one: a copy per chunk. */
function concatFixed(chunks: readonly Data[], type: DataType): Data {
  let length = 0;
  let nullCount = 0;
  for (const d of chunks) {
    length += d.length;
    nullCount += d.nullCount;
  }
  const first = chunks[0]!;
  const stride = first.stride;
  const Values = first.values.constructor as new (n: number) => typeof first.values;
  const values = new Values(length * stride);
  const validity = nullCount > 0 ? new Uint8Array((length + 7) >> 3).fill(0xff) : undefined;
  let row = 0;
  for (const d of chunks) {
    values.set(d.values.subarray(0, d.length * stride), row * stride);
    if (validity && d.nullCount > 0) copyValidity(validity, d, row);
    row += d.length;
  }
  return makeData({ type, length, nullCount, nullBitmap: validity, data: values } as Parameters<
    typeof makeData
  >[0]);
}

function conformColumn(vector: Vector, column: ColumnDef, type: DataType) {
  if (column.type === 'string') {
    const only = vector.data.length === 1 ? vector.data[0]! : undefined;
    // Already plain single-chunk Utf8: nothing to re-lay.
    if (!column.dictionary && only && only.offset === 0 && DataType.isUtf8(only.type)) return only;
    if (!column.dictionary && vector.data.every((d) => DataType.isUtf8(d.type)))
      return concatUtf8(vector.data);
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
    let elementCount = 0;
    for (const data of vector.data) {
      const own = data.valueOffsets as Int32Array | BigInt64Array | undefined;
      if (own && data.length > 0) elementCount += Number(own[data.length]!) - Number(own[0]!);
    }
    const childIndices = new Int32Array(elementCount);
    let taken = 0;
    const children: Data[] = [];
    let base = 0;
    let row = 0;
    for (const data of vector.data) {
      const type = data.type as DataType;
      if (!DataType.isList(type) && !DataType.isLargeList(type))
        throw new TypeError(`${column.name}: expected a list, got ${type}`);
      const own = data.valueOffsets as Int32Array | BigInt64Array;
      // Arrow's IPC reader leaves the child undefined when the list column has no rows.
      if (data.length === 0 || !data.children[0]) continue;
      const child = data.children[0];
      for (let i = 0; i < data.length; i++) {
        const from = Number(own[i]!);
        const to = Number(own[i + 1]!);
        for (let k = from; k < to; k++) childIndices[taken++] = base + k;
        offsets[++row] = taken;
      }
      children.push(child);
      base += child.length;
    }
    const elements = children.length === 0 ? makeVector(new Utf8Builder().finish()) : makeVector(children);
    return makeData({
      type: new List(new Field(LIST_ELEMENT_NAME, new Utf8(), false)),
      length: vector.length,
      nullCount: 0,
      valueOffsets: offsets,
      child: takeStrings(stringView(elements), childIndices),
    });
  }
  if (column.type !== 'boolean' && vector.data.every((d) => util.compareTypes(d.type, type)))
    return concatFixed(vector.data, type);
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
 * True when data of type `actual` already has the physical layout of `expected`. Dictionary
 * types compare by their index and value types: each dictionary builder gives its type a new
 * id, which says nothing about the layout.
 */
function sameLayout(actual: DataType, expected: DataType): boolean {
  if (DataType.isDictionary(actual) && DataType.isDictionary(expected))
    return (
      util.compareTypes(actual.indices, expected.indices) &&
      util.compareTypes(actual.dictionary, expected.dictionary)
    );
  return util.compareTypes(actual, expected);
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
  const schema = arrowSchemaOf(def);
  for (const [i, column] of def.columns.entries()) {
    const vector = table.getChild(column.name);
    if (!vector)
      throw new TypeError(`table has no column "${column.name}" (it has ${table.schema.names.join(', ')})`);
    const only = vector.data.length === 1 ? vector.data[0]! : undefined;
    // Already in the exact physical type (goldsmith's own tables): nothing to re-lay. For a list
    // that includes its element field's name and nullability, and one plain Utf8 child.
    const exact =
      only !== undefined &&
      only.offset === 0 &&
      sameLayout(only.type, schema.fields[i]!.type) &&
      (column.type !== 'string-list' || only.children[0]?.offset === 0);
    // The schema's own type object (buffers shared): arrow-js compares schemas field by field, and
    // a TimestampMicrosecond from a Parquet reader does not equal a Timestamp_ of the same unit.
    columns[column.name] = makeVector(
      exact ? only.clone(schema.fields[i]!.type) : conformColumn(vector, column, schema.fields[i]!.type),
    );
  }
  return withSchema(columns, schema);
}
