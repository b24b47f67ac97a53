import { DataType, Field, makeVector, Schema, type Table, type Vector } from 'apache-arrow';
import { numberView, type StringView, stringView } from '../columns/column-views.js';
import { KeyIndex } from '../columns/key-index.js';
import { takeVector, withSchema } from '../columns/take.js';

/** One key column, read once into a hot-loop-friendly view. */
type KeyPart = { kind: 'string'; view: StringView } | { kind: 'number'; values: Float64Array };

/** Error for a plan that names a column its input relation does not have. */
export class MissingColumnError extends Error {
  constructor(
    readonly relation: string,
    readonly column: string,
    available: readonly string[],
  ) {
    super(`relation "${relation}" has no column "${column}" (it has: ${available.join(', ')})`);
    this.name = 'MissingColumnError';
  }
}

/** Reads a column or throws {@link MissingColumnError}. */
export function column(table: Table, name: string, relation = 'input') {
  const vector = table.getChild(name);
  if (!vector)
    throw new MissingColumnError(
      relation,
      name,
      table.schema.fields.map((f) => f.name),
    );
  return vector;
}

function keyParts(table: Table, key: readonly string[]): KeyPart[] {
  return key.map((name) => {
    const vector = column(table, name);
    const type = vector.type as DataType;
    return DataType.isUtf8(type) || DataType.isDictionary(type)
      ? { kind: 'string', view: stringView(vector) }
      : { kind: 'number', values: numberView(vector) };
  });
}

/**
 * Assigns every row a dense group id by its key columns (first-seen order), hashing the key
 * bytes. Returns the ids and the index (for lookups of other tables' keys).
 */
export function groupRows(table: Table, key: readonly string[]): RowGroups {
  const parts = keyParts(table, key);
  const n = table.numRows;
  const index = new KeyIndex(n);
  const groups = new Int32Array(n);
  const single = singleStringKey(parts);
  if (single) {
    // Fast path: one string key (event_id, transaction_id).
    const { bytes, starts, ends } = single;
    for (let row = 0; row < n; row++) groups[row] = index.intern(bytes, starts[row]!, ends[row]!);
  } else {
    for (let row = 0; row < n; row++) groups[row] = appendKey(index.begin(), parts, row).end();
  }
  return { groups, count: index.size, index, raw: single !== undefined };
}

/** Rows grouped by key: see {@link groupRows}. */
export interface RowGroups {
  /** Group id of every row. */
  groups: Int32Array;
  /** Number of groups. */
  count: number;
  index: KeyIndex;
  /** Keys were hashed as raw bytes (single non-null string key) rather than as composites. */
  raw: boolean;
}

/**
 * For each row of `table`, the group id its key has in `grouped` (built by {@link groupRows} over
 * another table with the same key columns), or -1.
 */
export function lookupRows(table: Table, key: readonly string[], grouped: RowGroups): Int32Array {
  const parts = keyParts(table, key);
  const out = new Int32Array(table.numRows);
  const { index } = grouped;
  const single = grouped.raw ? parts[0] : undefined;
  if (single?.kind === 'string') {
    const { bytes, starts, ends, nulls } = single.view;
    for (let row = 0; row < out.length; row++)
      out[row] = nulls?.[row] ? -1 : index.find(bytes, starts[row]!, ends[row]!);
  } else if (single) {
    throw new TypeError(`lookupRows: key column ${key[0]} is not a string column like the grouped one`);
  } else {
    for (let row = 0; row < out.length; row++) out[row] = appendKey(index.begin(), parts, row).findEnd();
  }
  return out;
}

/**
 * A single non-null string key is hashed as its raw bytes (the fast path); anything else as a
 * length-prefixed composite. Both {@link groupRows} and {@link lookupRows} must agree on this.
 */
function singleStringKey(parts: KeyPart[]): StringView | undefined {
  const only = parts.length === 1 ? parts[0]! : undefined;
  return only?.kind === 'string' && only.view.nulls === undefined ? only.view : undefined;
}

function appendKey(index: KeyIndex, parts: KeyPart[], row: number): KeyIndex {
  for (const part of parts) {
    if (part.kind === 'string') {
      const v = part.view;
      if (v.nulls?.[row]) index.partNumber(Number.NaN);
      else index.part(v.bytes, v.starts[row]!, v.ends[row]!);
    } else {
      index.partNumber(part.values[row]!);
    }
  }
  return index;
}

/** Byte-wise comparison of two ranges (UTF-8 byte order equals code point order). */
export function compareBytes(
  a: Uint8Array,
  aStart: number,
  aEnd: number,
  b: Uint8Array,
  bStart: number,
  bEnd: number,
): number {
  const n = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/**
 * Rows bucketed by group with a stable counting sort (O(n)): group g's rows, in input order, are
 * `order[offsets[g] .. offsets[g + 1])`.
 */
export function bucketByGroup(groups: Int32Array, count: number): { offsets: Int32Array; order: Int32Array } {
  const offsets = new Int32Array(count + 1);
  for (let row = 0; row < groups.length; row++) offsets[groups[row]! + 1]!++;
  for (let g = 0; g < count; g++) offsets[g + 1]! += offsets[g]!;
  const fill = offsets.slice(0, count);
  const order = new Int32Array(groups.length);
  for (let row = 0; row < groups.length; row++) order[fill[groups[row]!]!++] = row;
  return { offsets, order };
}

/**
 * `left` with columns of `right` appended, gathered by `rows` (`rows[i]` is the right row for
 * left row i, or -1 for nulls): the output side of a left join. `columns` maps new names to
 * right-hand column names.
 */
export function appendGathered(
  left: Table,
  right: Table,
  rightName: string,
  columns: ReadonlyArray<readonly [name: string, source: string]>,
  rows: Int32Array,
): Table {
  const vectors: Record<string, Vector> = {};
  const fields: Field[] = [...left.schema.fields];
  for (const f of left.schema.fields) vectors[f.name] = left.getChild(f.name)!;
  for (const [name, source] of columns) {
    const vector = makeVector(takeVector(column(right, source, rightName), rows));
    vectors[name] = vector;
    fields.push(new Field(name, vector.type, true));
  }
  return withSchema(vectors, new Schema(fields));
}
