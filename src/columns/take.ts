import {
  type Data,
  DataType,
  type Dictionary,
  Field,
  type List,
  makeData,
  makeVector,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  type Vector,
} from 'apache-arrow';
import { copyBytes } from './bytes.js';
import { numberView, type StringView, stringView } from './column-views.js';
import { type NumericKind, numbersToArrow } from './numeric-builder.js';
import { fixedWidthTaker } from './take-fixed.js';

/**
 * Gathers rows by index: `indices[i]` is the source row of output row i, or -1 for a null row
 * (a left join's missing side). The output is one chunk in the same Arrow type.
 */
export function takeVector(vector: Vector, indices: Int32Array): Data {
  return columnTaker(vector)(indices);
}

/**
 * {@link takeVector} for many gathers from one column: the column's view (string ranges, numbers
 * as float64) is built once, not once per gather. One chunk of a fixed-width type is gathered as
 * its own words ({@link fixedWidthTaker}).
 */
function columnTaker(vector: Vector): (indices: Int32Array) => Data {
  const type = vector.type as DataType;
  if (DataType.isUtf8(type)) {
    const view = stringView(vector);
    return (indices) => takeStrings(view, indices);
  }
  if (DataType.isDictionary(type)) {
    const only = vector.data.length === 1 ? vector.data[0]! : undefined;
    if (only) return (indices) => takeDictionary(only, indices);
    const view = stringView(vector);
    return (indices) => takeStrings(view, indices);
  }
  if (DataType.isList(type)) return (indices) => takeStringLists(vector, indices);
  const fixed = vector.data.length === 1 ? fixedWidthTaker(vector.data[0]!) : undefined;
  if (fixed) return fixed;
  const kind = numericKindOf(type);
  const values = numberView(vector);
  return (indices) => {
    const out = new Float64Array(indices.length);
    const nulls = new Uint8Array((indices.length + 7) >> 3).fill(0xff);
    let nullCount = 0;
    for (let i = 0; i < indices.length; i++) {
      const from = indices[i]!;
      const v = from < 0 ? Number.NaN : values[from]!;
      if (Number.isNaN(v)) {
        nulls[i >> 3]! &= ~(1 << (i & 7));
        nullCount++;
      } else {
        out[i] = v;
      }
    }
    return numbersToArrow(kind, out, nullCount > 0 ? nulls : undefined, nullCount);
  };
}

/**
 * Gathers rows into one table per group: group g is the rows `order[offsets[g], offsets[g+1])`.
 * Each table has buffers of its own (no slices of a shared gather), and each column's view is
 * built once for all groups. Groups are gathered when asked for, so a caller that writes one
 * group after another holds one group's copy at a time, not a copy of the whole table.
 */
export function groupTaker(table: Table, order: Int32Array, offsets: Int32Array): (group: number) => Table {
  const takers = table.schema.fields.map((field) => ({
    name: field.name,
    take: columnTaker(table.getChild(field.name)!),
  }));
  return (g) => {
    const rows = order.subarray(offsets[g]!, offsets[g + 1]!);
    const columns: Record<string, Vector> = {};
    for (const { name, take } of takers) columns[name] = makeVector(take(rows));
    return withSchema(columns, table.schema);
  };
}

/** Every group of {@link groupTaker}, gathered at once. */
export function takeGroups(table: Table, order: Int32Array, offsets: Int32Array): Table[] {
  const take = groupTaker(table, order, offsets);
  return Array.from({ length: offsets.length - 1 }, (_, g) => take(g));
}

/** Gathers every column of a table (see {@link takeVector}). */
export function takeTable(table: Table, indices: Int32Array): Table {
  const columns: Record<string, Vector> = {};
  for (const field of table.schema.fields)
    columns[field.name] = makeVector(takeVector(table.getChild(field.name)!, indices));
  return withSchema(columns, table.schema);
}

/**
 * Builds a one-batch table from named vectors, in the field order and nullability of `schema`
 * (types come from the vectors, so a dictionary column may stand where the schema says Utf8).
 */
export function withSchema(columns: Record<string, Vector>, schema: Schema): Table {
  const fields = schema.fields.map((f) => new Field(f.name, columns[f.name]!.type, f.nullable, f.metadata));
  const children = schema.fields.map((f) => {
    const v = columns[f.name]!;
    return v.data.length === 1 && v.data[0]!.offset === 0 ? v.data[0]! : takeVector(v, identity(v.length));
  });
  const length = children[0]?.length ?? 0;
  const outSchema = new Schema(fields, schema.metadata);
  const struct = makeData({ type: new Struct(outSchema.fields), length, nullCount: 0, children });
  return new Table([new RecordBatch(outSchema, struct)]);
}

/** `[0, 1, …, n-1]`. */
export function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function numericKindOf(type: DataType): NumericKind {
  if (DataType.isTimestamp(type)) return 'timestamp';
  if (DataType.isDate(type)) return 'date';
  if (DataType.isDecimal(type)) return 'decimal';
  if (DataType.isBool(type)) return 'boolean';
  if (DataType.isInt(type) && type.bitWidth === 32) return 'int32';
  throw new TypeError(`cannot gather a column of type ${type}`);
}

/** Gathers strings from a view into plain Utf8 data (`-1` = null). */
export function takeStrings(view: StringView, indices: Int32Array): Data<Utf8> {
  const n = indices.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const from = indices[i]!;
    if (from >= 0 && !view.nulls?.[from]) total += view.ends[from]! - view.starts[from]!;
    offsets[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  const source = view.bytes;
  const validity = new Uint8Array((n + 7) >> 3).fill(0xff);
  let nullCount = 0;
  const { starts, ends, nulls } = view;
  for (let i = 0; i < n; ) {
    const from = indices[i]!;
    if (from < 0 || nulls?.[from]) {
      validity[i >> 3]! &= ~(1 << (i & 7));
      nullCount++;
      i++;
      continue;
    }
    // Extend over a run of consecutive rows whose bytes are adjacent (dedup and filters keep
    // long runs in order): one copy per run instead of one per value.
    const start = starts[from]!;
    let end = ends[from]!;
    let j = i + 1;
    while (j < n) {
      const next = indices[j]!;
      if (next !== from + (j - i) || nulls?.[next] || starts[next] !== end) break;
      end = ends[next]!;
      j++;
    }
    const length = end - start;
    const at = offsets[i]!;
    copyBytes(bytes, at, source, start, length);
    i = j;
  }
  return makeData({
    type: new Utf8(),
    length: n,
    nullCount,
    nullBitmap: nullCount > 0 ? validity : undefined,
    valueOffsets: offsets,
    data: bytes,
  });
}

function takeDictionary(data: Data, indices: Int32Array): Data {
  const n = indices.length;
  const source = data.values as Int32Array;
  const out = new Int32Array(n);
  const validity = new Uint8Array((n + 7) >> 3).fill(0xff);
  let nullCount = 0;
  for (let i = 0; i < n; i++) {
    const from = indices[i]!;
    if (from < 0 || (data.nullCount > 0 && !data.getValid(from))) {
      validity[i >> 3]! &= ~(1 << (i & 7));
      nullCount++;
    } else {
      out[i] = source[from]!;
    }
  }
  return makeData({
    type: data.type as Dictionary,
    length: n,
    nullCount,
    nullBitmap: nullCount > 0 ? validity : undefined,
    data: out,
    dictionary: data.dictionary!,
  });
}

function takeStringLists(vector: Vector, indices: Int32Array): Data {
  if (vector.data.length !== 1) throw new TypeError('takeVector: list columns must be a single chunk');
  const data = vector.data[0]!;
  const listOffsets = data.valueOffsets as Int32Array;
  const child = makeVector(data.children[0]!);
  const elements = stringView(child);
  // Two passes over typed arrays: list sizes first, then the element indices.
  const offsets = new Int32Array(indices.length + 1);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!;
    offsets[i + 1] = offsets[i]! + (from >= 0 ? listOffsets[from + 1]! - listOffsets[from]! : 0);
  }
  const childIndices = new Int32Array(offsets[indices.length]!);
  for (let i = 0, at = 0; i < indices.length; i++) {
    const from = indices[i]!;
    if (from >= 0) for (let k = listOffsets[from]!; k < listOffsets[from + 1]!; k++) childIndices[at++] = k;
  }
  const childData = takeStrings(elements, childIndices);
  return makeData({
    type: data.type as List,
    length: indices.length,
    nullCount: 0,
    valueOffsets: offsets,
    child: childData,
  });
}
