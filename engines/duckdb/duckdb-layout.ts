import {
  type Data,
  DataType,
  Field,
  Int64,
  makeData,
  makeVector,
  Schema,
  type Table,
  type Vector,
} from 'apache-arrow';
import { numberView } from '../../src/columns/column-views.js';
import { withSchema } from '../../src/columns/take.js';
import { ARRIVAL_COLUMN } from './duckdb-compiler.js';

const TWO_POW_32 = 4294967296;

/** Exact integers (|v| < 2^53) as BigInt64 words, without a BigInt per value. */
function int64Data(values: Float64Array, nulls?: Uint8Array | null, nullCount = 0): Data<Int64> {
  const words = new Int32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const v = Number.isNaN(values[i]!) ? 0 : values[i]!;
    const high = Math.floor(v / TWO_POW_32);
    words[2 * i] = v - high * TWO_POW_32;
    words[2 * i + 1] = high;
  }
  return makeData({
    type: new Int64(),
    length: values.length,
    nullCount,
    nullBitmap: nulls ?? undefined,
    data: new BigInt64Array(words.buffer),
  });
}

/** A timestamp column as BIGINT epoch microseconds: a relabel of the same buffers when it can be. */
function timestampAsInt64(vector: Vector): Vector {
  const only = vector.data.length === 1 ? vector.data[0]! : undefined;
  if (only && only.offset === 0 && DataType.isTimestamp(only.type) && only.type.unit === 2) {
    return makeVector(
      makeData({
        type: new Int64(),
        length: only.length,
        nullCount: only.nullCount,
        nullBitmap: only.nullBitmap,
        data: only.values as BigInt64Array,
      }),
    );
  }
  const values = numberView(vector);
  let nullCount = 0;
  const nulls = new Uint8Array((values.length + 7) >> 3).fill(0xff);
  for (let i = 0; i < values.length; i++)
    if (Number.isNaN(values[i]!)) {
      nulls[i >> 3]! &= ~(1 << (i & 7));
      nullCount++;
    }
  return makeVector(int64Data(values, nullCount > 0 ? nulls : null, nullCount));
}

/** `[0, 1, …, n-1]` as BIGINT. */
export function arrivalColumn(n: number): Vector {
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = i;
  return makeVector(int64Data(values));
}

/**
 * Lays a table out the way the compiled SQL expects it inside DuckDB: timestamps as BIGINT epoch
 * microseconds (zero-copy relabel: no time-zone handling inside DuckDB, and conformToSchema turns
 * them back) and, with `arrival`, the {@link ARRIVAL_COLUMN} holding each row's input position.
 */
export function toDuckDBLayout(table: Table, options: { arrival: boolean }): Table {
  const columns: Record<string, Vector> = {};
  const fields: Field[] = [];
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name)!;
    const relabel = DataType.isTimestamp(field.type);
    columns[field.name] = relabel ? timestampAsInt64(vector) : vector;
    fields.push(relabel ? new Field(field.name, new Int64(), field.nullable) : field);
  }
  if (options.arrival) {
    columns[ARRIVAL_COLUMN] = arrivalColumn(table.numRows);
    fields.push(new Field(ARRIVAL_COLUMN, new Int64(), false));
  }
  return withSchema(columns, new Schema(fields));
}

function emptyData(type: DataType): Data {
  if (DataType.isList(type) || DataType.isLargeList(type)) {
    const offsets = DataType.isList(type) ? new Int32Array(1) : new BigInt64Array(1);
    const child = emptyData(type.children[0]!.type);
    return makeData({ type, length: 0, nullCount: 0, valueOffsets: offsets, child } as never);
  }
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isBinary(type))
    return makeData({
      type,
      length: 0,
      nullCount: 0,
      valueOffsets: new Int32Array(1),
      data: new Uint8Array(0),
    } as never);
  return makeData({ type, length: 0, nullCount: 0 } as never);
}

/**
 * A zero-row table that downstream code can read. apache-arrow's IPC reader leaves the child of
 * a zero-row list column undefined (`children: [undefined]`), and conformToSchema then fails;
 * both runtimes hand results over as IPC, so empty results are rebuilt here, types kept.
 */
export function repairEmpty(table: Table): Table {
  if (table.numRows > 0) return table;
  const columns: Record<string, Vector> = {};
  for (const field of table.schema.fields) columns[field.name] = makeVector(emptyData(field.type));
  return withSchema(columns, table.schema);
}
