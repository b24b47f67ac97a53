import { type Data, DataType, makeData, makeVector, type Table, type Vector } from 'apache-arrow';
import { withSchema } from './take.js';

/** Runs of kept rows, `[starts[r], ends[r])`, in order. */
interface Runs {
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly count: number;
}

function keptRuns(drop: Uint8Array): Runs {
  const n = drop.length;
  let count = 0;
  for (let row = 0; row < n; row++) if (drop[row] === 0 && (row === 0 || drop[row - 1] === 1)) count++;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let r = 0;
  for (let row = 0; row < n; ) {
    if (drop[row] === 1) {
      row++;
      continue;
    }
    starts[r] = row;
    while (row < n && drop[row] === 0) row++;
    ends[r++] = row;
  }
  return { starts, ends, count };
}

/**
 * Drops the rows flagged 1 in `drop` by moving the kept rows down inside `table`'s own buffers,
 * keeping their order: no second copy of a table that is garbage right after (dedup keeps ~99% of
 * a bronze table's rows). `table` must own its buffers, as a reader's output does, and must not
 * be used afterwards. Undefined, with nothing moved, when a column is not a single plain chunk of
 * strings, dictionary indices, numbers or booleans: gather instead.
 */
export function compactInPlace(table: Table, drop: Uint8Array): Table | undefined {
  const columns = table.schema.fields.map((f) => table.getChild(f.name)!);
  if (!columns.every(compactable)) return undefined;
  const runs = keptRuns(drop);
  const out: Record<string, Vector> = {};
  for (const [i, field] of table.schema.fields.entries())
    out[field.name] = makeVector(compactData(columns[i]!.data[0]!, runs));
  return withSchema(out, table.schema);
}

function compactable(vector: Vector): boolean {
  if (vector.data.length !== 1) return false;
  const data = vector.data[0]!;
  const type = data.type as DataType;
  if (data.offset !== 0) return false;
  return (
    DataType.isUtf8(type) ||
    DataType.isDictionary(type) ||
    DataType.isInt(type) ||
    DataType.isFloat(type) ||
    DataType.isDate(type) ||
    DataType.isTimestamp(type) ||
    DataType.isDecimal(type) ||
    DataType.isBool(type)
  );
}

function compactData(data: Data, runs: Runs): Data {
  const type = data.type as DataType;
  let kept = 0;
  for (let r = 0; r < runs.count; r++) kept += runs.ends[r]! - runs.starts[r]!;
  const { bitmap: nullBitmap, unset } =
    data.nullCount > 0 ? compactBits(data.nullBitmap!, runs, kept) : { bitmap: undefined, unset: 0 };
  const common = { type, length: kept, nullCount: unset, nullBitmap };
  if (DataType.isBool(type))
    return makeData({ ...common, data: compactBits(data.values, runs, kept).bitmap } as never);
  if (DataType.isUtf8(type)) {
    const { offsets, bytes } = compactStrings(data.valueOffsets as Int32Array, data.values, runs, kept);
    return makeData({ ...common, valueOffsets: offsets, data: bytes } as never);
  }
  const values = data.values as Int32Array;
  const stride = data.stride;
  let at = 0;
  for (let r = 0; r < runs.count; r++) {
    const start = runs.starts[r]! * stride;
    const end = runs.ends[r]! * stride;
    if (at !== start) values.copyWithin(at, start, end);
    at += end - start;
  }
  const compacted = values.subarray(0, kept * stride);
  if (DataType.isDictionary(type))
    return makeData({ ...common, data: compacted, dictionary: data.dictionary! } as never);
  return makeData({ ...common, data: compacted } as never);
}

/** Kept rows' bits in a new bitmap (a bitmap is 1/8 of a byte per row: not worth moving in place). */
function compactBits(bits: Uint8Array, runs: Runs, kept: number): { bitmap: Uint8Array; unset: number } {
  const bitmap = new Uint8Array((kept + 7) >> 3);
  let k = 0;
  let unset = 0;
  for (let r = 0; r < runs.count; r++) {
    for (let row = runs.starts[r]!; row < runs.ends[r]!; row++, k++) {
      if ((bits[row >> 3]! >> (row & 7)) & 1) bitmap[k >> 3]! |= 1 << (k & 7);
      else unset++;
    }
  }
  return { bitmap, unset };
}

/**
 * Moves the kept strings' bytes down and rewrites their offsets in place: the write position never
 * passes the read position, so nothing is overwritten before it is read.
 */
function compactStrings(
  offsets: Int32Array,
  bytes: Uint8Array,
  runs: Runs,
  kept: number,
): { offsets: Int32Array; bytes: Uint8Array } {
  let k = 0; // next output row
  let at = 0; // next output byte
  for (let r = 0; r < runs.count; r++) {
    const first = runs.starts[r]!;
    const last = runs.ends[r]!;
    const from = offsets[first]!;
    const to = offsets[last]!;
    if (at !== from) bytes.copyWithin(at, from, to);
    const shift = from - at;
    for (let row = first; row < last; row++) offsets[k++] = offsets[row]! - shift;
    at += to - from;
  }
  offsets[kept] = at;
  return { offsets: offsets.subarray(0, kept + 1), bytes: bytes.subarray(0, at) };
}
