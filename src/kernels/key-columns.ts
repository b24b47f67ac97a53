import { DataType, Field, makeVector, Schema, type Table, type Vector } from 'apache-arrow';
import { bytesEqual } from '../columns/bytes.js';
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
    return { groups, count: index.size, index, raw: true };
  }
  const leadView = leadStringKey(parts);
  if (leadView) return groupByLead(parts, leadView, n);
  for (let row = 0; row < n; row++) groups[row] = appendKey(index.begin(), parts, row).end();
  return { groups, count: index.size, index, raw: false };
}

/**
 * Composite keys led by a non-null string column (`(session_id, user_id)`): rows are hashed by
 * the lead column alone, and the rest of the key is compared with the first row seen with that
 * lead value; only keys whose rest differs (a session id shared by two users) go through the
 * composite index. Ids are the same first-seen ids the composite index alone would give.
 */
function groupByLead(parts: KeyPart[], leadView: StringView, n: number): RowGroups {
  const leads = new KeyIndex(n);
  const others = new KeyIndex(16);
  const groups = new Int32Array(n);
  // Per lead value: its first row and that row's group; per composite key of `others`: its group.
  let leadFirstRow: Int32Array = new Int32Array(1024);
  let leadGroup: Int32Array = new Int32Array(1024);
  let otherGroup: Int32Array = new Int32Array(16);
  let count = 0;
  const { bytes, starts, ends } = leadView;
  for (let row = 0; row < n; row++) {
    const known = leads.size;
    const lead = leads.intern(bytes, starts[row]!, ends[row]!);
    if (lead === known) {
      if (lead === leadFirstRow.length) {
        leadFirstRow = grown(leadFirstRow);
        leadGroup = grown(leadGroup);
      }
      leadFirstRow[lead] = row;
      leadGroup[lead] = count;
      groups[row] = count++;
    } else if (restEquals(parts, row, parts, leadFirstRow[lead]!)) {
      groups[row] = leadGroup[lead]!;
    } else {
      const knownOthers = others.size;
      const other = appendKey(others.begin(), parts, row).end();
      if (other === knownOthers) {
        if (other === otherGroup.length) otherGroup = grown(otherGroup);
        otherGroup[other] = count++;
      }
      groups[row] = otherGroup[other]!;
    }
  }
  return {
    groups,
    count,
    index: leads,
    raw: false,
    lead: { parts, leadFirstRow, leadGroup, others, otherGroup },
  };
}

/** The same values, in an array twice as long. */
function grown(values: Int32Array): Int32Array {
  const out = new Int32Array(values.length * 2);
  out.set(values);
  return out;
}

/** The lead column of a composite key: a string column without nulls, followed by other parts. */
function leadStringKey(parts: KeyPart[]): StringView | undefined {
  const first = parts[0];
  return parts.length > 1 && first?.kind === 'string' && first.view.nulls === undefined
    ? first.view
    : undefined;
}

/**
 * Whether row `a` of `aParts` and row `b` of `bParts` agree on every key part after the lead,
 * exactly as the composite encoding would (nulls equal nulls; numbers by value, with -0 ≠ 0).
 */
function restEquals(aParts: KeyPart[], a: number, bParts: KeyPart[], b: number): boolean {
  for (let p = 1; p < aParts.length; p++) {
    const x = aParts[p]!;
    const y = bParts[p]!;
    if (x.kind === 'string' && y.kind === 'string') {
      const xv = x.view;
      const yv = y.view;
      const xNull = xv.nulls?.[a] === 1;
      if (xNull !== (yv.nulls?.[b] === 1)) return false;
      if (xNull) continue;
      const xs = xv.starts[a]!;
      const length = xv.ends[a]! - xs;
      const ys = yv.starts[b]!;
      if (yv.ends[b]! - ys !== length || !bytesEqual(xv.bytes, xs, yv.bytes, ys, length)) return false;
    } else if (x.kind === 'number' && y.kind === 'number') {
      if (!Object.is(x.values[a], y.values[b])) return false;
    } else {
      return false;
    }
  }
  return true;
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
  /** Set when a composite key was grouped by its lead column (see `groupByLead`); `index` then holds the lead values. */
  lead?: LeadGroups;
}

/** How `groupByLead` grouped: what {@link lookupRows} needs to find the same ids. */
interface LeadGroups {
  readonly parts: KeyPart[];
  readonly leadFirstRow: Int32Array;
  readonly leadGroup: Int32Array;
  /** Composite keys whose rest differs from their lead's first row. */
  readonly others: KeyIndex;
  readonly otherGroup: Int32Array;
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
  const lead = grouped.lead;
  if (lead) {
    const first = parts[0]!;
    if (first.kind !== 'string')
      throw new TypeError(`lookupRows: key column ${key[0]} is not a string column like the grouped one`);
    const { bytes, starts, ends, nulls } = first.view;
    for (let row = 0; row < out.length; row++) {
      // The grouped table has no null lead values, so a null lead matches nothing.
      const l = nulls?.[row] ? -1 : index.find(bytes, starts[row]!, ends[row]!);
      if (l < 0) out[row] = -1;
      else if (restEquals(parts, row, lead.parts, lead.leadFirstRow[l]!)) out[row] = lead.leadGroup[l]!;
      else if (lead.others.size === 0) out[row] = -1;
      else {
        const other = appendKey(lead.others.begin(), parts, row).findEnd();
        out[row] = other < 0 ? -1 : lead.otherGroup[other]!;
      }
    }
  } else if (single?.kind === 'string') {
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

/** The view of `key` when it is one string column without nulls (the dedup keys' usual shape). */
export function singleStringKeyView(table: Table, key: readonly string[]): StringView | undefined {
  return key.length === 1 ? singleStringKey(keyParts(table, key)) : undefined;
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
