/**
 * Merging partition pieces back into one table in arrival order. Every relation the workers hold
 * carries an `__arrival` Int32 column: for silver, the row's position in the bronze input (files
 * in order, lines in order); for sessions and gold, the arrival of the session's first silver
 * event. The reference kernels keep rows in that order (dedup: survivors in input order;
 * sessionize: sessions in first-seen order), so merging the partitions by `__arrival` reproduces
 * the reference engine's row order exactly, whatever the number of threads.
 *
 * @module
 */

import {
  type Data,
  DataType,
  Dictionary,
  Field,
  Int32,
  type List,
  makeData,
  makeVector,
  Schema,
  type Table,
  Utf8,
  type Vector,
} from 'apache-arrow';
import { KeyIndex } from '../../src/columns/key-index.js';
import { withSchema } from '../../src/columns/take.js';

/** Name of the arrival-order column the workers engine adds to every relation it holds. */
export const ARRIVAL = '__arrival';

/** Up to this many pieces, interleaved ones are merged by scanning their heads (no heap). */
const FEW_PIECES = 8;
/** Average run length from which columns are copied run by run rather than row by row. */
const LONG_RUNS = 16;
/** Strings shorter than this are copied byte by byte (cheaper than a subarray + set). */
const SHORT_STRING = 48;

/** Source piece and row of every output row. */
interface RowSources {
  piece: Uint16Array;
  row: Int32Array;
  rows: number;
}

/** Rows `[start, start + count)` of piece `piece`: the merge order as runs. */
interface Runs {
  piece: Int32Array;
  start: Int32Array;
  count: Int32Array;
  length: number;
  /** Total rows. */
  rows: number;
}

/** One chunk of a column and the rows of it to copy, in output order. */
interface Segment {
  readonly data: Data;
  readonly start: number;
  readonly count: number;
}

/** `table` with an `__arrival` column `[offset, offset + n)` appended (no copy of the rest). */
export function withArrival(table: Table, offset = 0): Table {
  const n = table.numRows;
  const arrival = new Int32Array(n);
  for (let i = 0; i < n; i++) arrival[i] = offset + i;
  return appendArrival(table, arrival);
}

/** `table` with the given `__arrival` values appended as a column. */
export function appendArrival(table: Table, arrival: Int32Array): Table {
  return appendInt32(table, ARRIVAL, arrival);
}

/** `table` with a non-null Int32 column `name` appended, or replaced when it exists (no copy). */
export function appendInt32(table: Table, name: string, values: Int32Array): Table {
  const vectors: Record<string, Vector> = {};
  for (const f of table.schema.fields) vectors[f.name] = table.getChild(f.name)!;
  vectors[name] = makeVector(
    makeData({ type: new Int32(), length: values.length, nullCount: 0, data: values }),
  );
  const schema = new Schema(
    [...table.schema.fields.filter((f) => f.name !== name), new Field(name, new Int32(), false)],
    table.schema.metadata,
  );
  return withSchema(vectors, schema);
}

/** The named columns of `table`, in the given order (no copy). */
export function selectColumns(table: Table, names: readonly string[]): Table {
  const vectors: Record<string, Vector> = {};
  const fields = names.map((name) => {
    const field = table.schema.fields.find((f) => f.name === name);
    if (!field) throw new Error(`workers engine: relation has no column "${name}"`);
    vectors[name] = table.getChild(name)!;
    return field;
  });
  return withSchema(vectors, new Schema(fields, table.schema.metadata));
}

/** The `__arrival` values of a table (a zero-copy view when the column is one chunk). */
export function arrivalOf(table: Table): Int32Array {
  const vector = table.getChild(ARRIVAL);
  if (!vector) throw new Error(`workers engine: relation has no ${ARRIVAL} column`);
  if (vector.data.length === 1) {
    const data = vector.data[0]!;
    return (data.values as Int32Array).subarray(data.offset, data.offset + data.length);
  }
  const out = new Int32Array(vector.length);
  let at = 0;
  for (const data of vector.data) {
    out.set((data.values as Int32Array).subarray(data.offset, data.offset + data.length), at);
    at += data.length;
  }
  return out;
}

/** `table` without its `__arrival` column (zero-copy). */
export function dropArrival(table: Table): Table {
  const fields = table.schema.fields.filter((f) => f.name !== ARRIVAL);
  const vectors: Record<string, Vector> = {};
  for (const f of fields) vectors[f.name] = table.getChild(f.name)!;
  return withSchema(vectors, new Schema(fields, table.schema.metadata));
}

/**
 * Merges pieces (same columns, each ascending in `__arrival`, `offsets[i]` added to piece i's
 * values) into one single-chunk table ordered by `__arrival`. Pieces that are consecutive ranges
 * are concatenated with one copy per column and piece; interleaved pieces are copied run by run.
 *
 * @param pieces - at least one table (it gives the schema when every piece is empty).
 * @param offsets - per piece, added to its arrivals; default 0.
 */
export function mergeByArrival(pieces: readonly Table[], offsets?: readonly number[]): Table {
  if (pieces.length === 0) throw new Error('mergeByArrival needs at least one piece');
  const arrivals = pieces.map((p, i) => {
    const own = arrivalOf(p);
    const offset = offsets?.[i] ?? 0;
    if (offset === 0) return own;
    const shifted = new Int32Array(own.length);
    for (let k = 0; k < own.length; k++) shifted[k] = own[k]! + offset;
    return shifted;
  });
  const merged = new Int32Array(arrivals.reduce((sum, a) => sum + a.length, 0));
  let runs: Runs | undefined;
  let rows: RowSources | undefined;
  if (arrivals.length <= FEW_PIECES && overlapping(arrivals)) {
    // A few interleaved pieces (hash partitions): runs of a row or two, so go row by row.
    rows = mergeFew(arrivals, merged);
  } else {
    runs = mergeRuns(arrivals, merged);
    if (runs.rows < LONG_RUNS * runs.length) rows = expandRuns(runs);
  }
  const schema = pieces[0]!.schema;
  const vectors: Record<string, Vector> = {};
  for (const field of schema.fields) {
    if (field.name === ARRIVAL) continue;
    const chunks = pieces.map((p) => singleChunk(p, field.name));
    const type = field.type as DataType;
    vectors[field.name] = makeVector(
      rows ? gatherRows(type, chunks, rows) : gatherColumn(type, chunks, runs!),
    );
  }
  vectors[ARRIVAL] = makeVector(
    makeData({ type: new Int32(), length: merged.length, nullCount: 0, data: merged }),
  );
  return withSchema(vectors, schema);
}

/**
 * The rows of `table` at `indices`, in that order, as one chunk of the same column types (the
 * row-by-row gather of {@link mergeByArrival}; faster than `takeTable` on strings).
 */
export function takeRows(table: Table, indices: Int32Array): Table {
  const sources: RowSources = { piece: new Uint16Array(indices.length), row: indices, rows: indices.length };
  const vectors: Record<string, Vector> = {};
  for (const field of table.schema.fields) {
    vectors[field.name] = makeVector(
      gatherRows(field.type as DataType, [singleChunk(table, field.name)], sources),
    );
  }
  return withSchema(vectors, table.schema);
}

/** True unless the pieces' arrival ranges are disjoint (then merging is concatenating). */
function overlapping(arrivals: readonly Int32Array[]): boolean {
  const ranges = arrivals.filter((a) => a.length > 0).map((a) => [a[0]!, a[a.length - 1]!] as const);
  ranges.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] <= ranges[i - 1]![1]) return true;
  return false;
}

/** Merges a few ascending arrays by scanning their heads; ties go to the lower piece. */
function mergeFew(arrivals: readonly Int32Array[], merged: Int32Array): RowSources {
  const k = arrivals.length;
  const rows = merged.length;
  const piece = new Uint16Array(rows);
  const row = new Int32Array(rows);
  if (k === 2) {
    const a = arrivals[0]!;
    const b = arrivals[1]!;
    let i = 0;
    let j = 0;
    for (let out = 0; out < rows; out++) {
      if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
        merged[out] = a[i]!;
        row[out] = i++;
      } else {
        merged[out] = b[j]!;
        piece[out] = 1;
        row[out] = j++;
      }
    }
    return { piece, row, rows };
  }
  const heads = new Int32Array(k);
  for (let out = 0; out < rows; out++) {
    let best = -1;
    let value = 0;
    for (let p = 0; p < k; p++) {
      const h = heads[p]!;
      const own = arrivals[p]!;
      if (h < own.length && (best < 0 || own[h]! < value)) {
        best = p;
        value = own[h]!;
      }
    }
    merged[out] = value;
    piece[out] = best;
    row[out] = heads[best]!++;
  }
  return { piece, row, rows };
}

function singleChunk(table: Table, name: string): Data | undefined {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`workers engine: a piece lacks column "${name}"`);
  if (vector.data.length > 1) throw new Error(`workers engine: column "${name}" of a piece is not one chunk`);
  return vector.data[0];
}

/**
 * K-way merge of ascending arrival arrays into runs (a binary heap of pieces; the piece on top
 * keeps going while it stays below every other head, so concatenation costs one run per piece).
 */
function mergeRuns(arrivals: readonly Int32Array[], merged: Int32Array): Runs {
  const k = arrivals.length;
  const heads = new Int32Array(k);
  const heap: number[] = [];
  const key = (p: number) => arrivals[p]![heads[p]!]!;
  const less = (a: number, b: number) => key(a) < key(b) || (key(a) === key(b) && a < b);
  const push = (p: number) => {
    heap.push(p);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  };
  for (let p = 0; p < k; p++) if (arrivals[p]!.length > 0) push(p);

  let capacity = Math.max(16, k);
  let piece: Int32Array = new Int32Array(capacity);
  let start: Int32Array = new Int32Array(capacity);
  let count: Int32Array = new Int32Array(capacity);
  let length = 0;
  let rows = 0;
  while (heap.length > 0) {
    const p = pop();
    const values = arrivals[p]!;
    const from = heads[p]!;
    const limit = heap.length > 0 ? key(heap[0]!) : Number.POSITIVE_INFINITY;
    const limitPiece = heap.length > 0 ? heap[0]! : k;
    let to = from + 1;
    while (to < values.length && (values[to]! < limit || (values[to] === limit && p < limitPiece))) to++;
    merged.set(values.subarray(from, to), rows);
    if (length === capacity) {
      capacity *= 2;
      piece = grow(piece, capacity);
      start = grow(start, capacity);
      count = grow(count, capacity);
    }
    piece[length] = p;
    start[length] = from;
    count[length] = to - from;
    length++;
    rows += to - from;
    heads[p] = to;
    if (to < values.length) push(p);
  }
  return { piece, start, count, length, rows };
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(array);
  return out;
}

function segmentsOf(chunks: readonly (Data | undefined)[], runs: Runs): Segment[] {
  const out: Segment[] = [];
  for (let r = 0; r < runs.length; r++) {
    out.push({ data: chunks[runs.piece[r]!]!, start: runs.start[r]!, count: runs.count[r]! });
  }
  return out;
}

/** Copies the runs of one column into one new chunk of the same Arrow type. */
function gatherColumn(type: DataType, chunks: readonly (Data | undefined)[], runs: Runs): Data {
  const segments = segmentsOf(chunks, runs);
  if (DataType.isUtf8(type)) return gatherUtf8(segments, runs.rows);
  if (DataType.isDictionary(type)) return gatherDictionary(segments, runs.rows);
  if (DataType.isList(type)) return gatherList(type as List, segments, runs.rows);
  if (DataType.isBool(type)) return gatherBool(type, segments, runs.rows);
  if (
    DataType.isInt(type) ||
    DataType.isFloat(type) ||
    DataType.isDate(type) ||
    DataType.isTimestamp(type) ||
    DataType.isDecimal(type)
  ) {
    return gatherFixed(type, segments, runs.rows);
  }
  throw new TypeError(`workers engine: cannot merge a column of type ${type}`);
}

/** The validity bitmap of the gathered rows, or undefined when none is null. */
function gatherValidity(
  segments: readonly Segment[],
  rows: number,
): { bitmap: Uint8Array | undefined; nulls: number } {
  if (!segments.some((s) => s.data.nullCount > 0)) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array((rows + 7) >> 3).fill(0xff);
  let nulls = 0;
  let out = 0;
  for (const { data, start, count } of segments) {
    if (data.nullCount > 0) {
      const bits = data.nullBitmap!;
      for (let i = 0; i < count; i++) {
        const at = data.offset + start + i;
        if (((bits[at >> 3]! >> (at & 7)) & 1) === 0) {
          const o = out + i;
          bitmap[o >> 3]! &= ~(1 << (o & 7));
          nulls++;
        }
      }
    }
    out += count;
  }
  return { bitmap, nulls };
}

function gatherUtf8(segments: readonly Segment[], rows: number): Data<Utf8> {
  const offsets = new Int32Array(rows + 1);
  let total = 0;
  let row = 0;
  for (const { data, start, count } of segments) {
    const own = data.valueOffsets as Int32Array;
    const base = data.offset + start;
    const first = own[base]!;
    for (let i = 1; i <= count; i++) offsets[row + i] = total + own[base + i]! - first;
    total += own[base + count]! - first;
    row += count;
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const { data, start, count } of segments) {
    const own = data.valueOffsets as Int32Array;
    const base = data.offset + start;
    const from = own[base]!;
    const to = own[base + count]!;
    bytes.set((data.values as Uint8Array).subarray(from, to), at);
    at += to - from;
  }
  const { bitmap, nulls } = gatherValidity(segments, rows);
  return makeData({
    type: new Utf8(),
    length: rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: bytes,
  });
}

function gatherDictionary(segments: readonly Segment[], rows: number): Data {
  // One dictionary for all pieces: each piece's (small) dictionary is interned once, then every row
  // is a remapped index.
  const index = new KeyIndex(64);
  const remaps = new Map<Data, Int32Array>();
  const indices = new Int32Array(rows);
  let row = 0;
  for (const { data, start, count } of segments) {
    let remap = remaps.get(data);
    if (!remap) {
      const dictionary = data.dictionary!;
      if (dictionary.data.length !== 1 || !DataType.isUtf8(dictionary.type)) {
        throw new TypeError(`workers engine: cannot merge a dictionary of ${dictionary.type}`);
      }
      const values = dictionary.data[0]!;
      const own = values.valueOffsets as Int32Array;
      const bytes = values.values as Uint8Array;
      remap = new Int32Array(values.length);
      for (let k = 0; k < values.length; k++) {
        remap[k] = index.intern(bytes, own[values.offset + k]!, own[values.offset + k + 1]!);
      }
      remaps.set(data, remap);
    }
    const source = data.values as Int32Array;
    const base = data.offset + start;
    if (data.nullCount > 0) {
      // A null row's index may be anything: keep it in range.
      for (let i = 0; i < count; i++) indices[row + i] = remap[source[base + i]!] ?? 0;
    } else {
      for (let i = 0; i < count; i++) indices[row + i] = remap[source[base + i]!]!;
    }
    row += count;
  }
  const { bitmap, nulls } = gatherValidity(segments, rows);
  return makeData({
    type: new Dictionary(new Utf8(), new Int32()),
    length: rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    data: indices,
    dictionary: makeVector(index.keysAsUtf8()),
  });
}

function gatherList(type: List, segments: readonly Segment[], rows: number): Data {
  const offsets = new Int32Array(rows + 1);
  const children: Segment[] = [];
  let total = 0;
  let row = 0;
  for (const { data, start, count } of segments) {
    const own = data.valueOffsets as Int32Array;
    const base = data.offset + start;
    const first = own[base]!;
    for (let i = 1; i <= count; i++) offsets[row + i] = total + own[base + i]! - first;
    const elements = own[base + count]! - first;
    children.push({ data: data.children[0]!, start: first, count: elements });
    total += elements;
    row += count;
  }
  const childType = type.children[0]!.type as DataType;
  const child = DataType.isUtf8(childType)
    ? gatherUtf8(children, total)
    : gatherColumnFromSegments(childType, children, total);
  const { bitmap, nulls } = gatherValidity(segments, rows);
  return makeData({ type, length: rows, nullCount: nulls, nullBitmap: bitmap, valueOffsets: offsets, child });
}

function gatherColumnFromSegments(type: DataType, segments: Segment[], rows: number): Data {
  if (DataType.isBool(type)) return gatherBool(type, segments, rows);
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isTimestamp(type) || DataType.isDate(type)) {
    return gatherFixed(type, segments, rows);
  }
  throw new TypeError(`workers engine: cannot merge a list of ${type}`);
}

function gatherBool(type: DataType, segments: readonly Segment[], rows: number): Data {
  const bits = new Uint8Array((rows + 7) >> 3);
  let row = 0;
  for (const { data, start, count } of segments) {
    const source = data.values as Uint8Array;
    for (let i = 0; i < count; i++) {
      const at = data.offset + start + i;
      if ((source[at >> 3]! >> (at & 7)) & 1) bits[(row + i) >> 3]! |= 1 << ((row + i) & 7);
    }
    row += count;
  }
  const { bitmap, nulls } = gatherValidity(segments, rows);
  return makeData({ type: type as never, length: rows, nullCount: nulls, nullBitmap: bitmap, data: bits });
}

/** Fixed-width values (ints, dates, timestamps, decimals, floats), copied byte range by byte range. */
function gatherFixed(type: DataType, segments: readonly Segment[], rows: number): Data {
  const ArrayType = (type as { ArrayType: new (buffer: ArrayBuffer) => ArrayBufferView }).ArrayType;
  const sample = segments[0]?.data;
  const stride = sample ? sample.stride : 1;
  const elementBytes = (ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const width = elementBytes * stride;
  const out = new Uint8Array(rows * width);
  let row = 0;
  for (const { data, start, count } of segments) {
    const values = data.values as ArrayBufferView;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const from = (data.offset + start) * width;
    out.set(bytes.subarray(from, from + count * width), row * width);
    row += count;
  }
  const { bitmap, nulls } = gatherValidity(segments, rows);
  return makeData({
    type: type as never,
    length: rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    data: new ArrayType(out.buffer) as never,
  });
}

function expandRuns(runs: Runs): RowSources {
  const piece = new Uint16Array(runs.rows);
  const row = new Int32Array(runs.rows);
  let at = 0;
  for (let r = 0; r < runs.length; r++) {
    const p = runs.piece[r]!;
    const from = runs.start[r]!;
    const count = runs.count[r]!;
    for (let i = 0; i < count; i++) {
      piece[at] = p;
      row[at++] = from + i;
    }
  }
  return { piece, row, rows: runs.rows };
}

/** Row-by-row twin of {@link gatherColumn}, for interleaved pieces. */
function gatherRows(type: DataType, chunks: readonly (Data | undefined)[], sources: RowSources): Data {
  const data = chunks as Data[];
  if (DataType.isUtf8(type)) return utf8Rows(data, sources);
  if (DataType.isDictionary(type)) return dictionaryRows(data, sources);
  if (DataType.isList(type)) return listRows(type as List, data, sources);
  if (DataType.isBool(type)) return boolRows(type, data, sources);
  if (
    DataType.isInt(type) ||
    DataType.isFloat(type) ||
    DataType.isDate(type) ||
    DataType.isTimestamp(type) ||
    DataType.isDecimal(type)
  ) {
    return fixedRows(type, data, sources);
  }
  throw new TypeError(`workers engine: cannot merge a column of type ${type}`);
}

function validityRows(
  data: readonly Data[],
  { piece, row, rows }: RowSources,
): { bitmap: Uint8Array | undefined; nulls: number } {
  if (!data.some((d) => d !== undefined && d.nullCount > 0)) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array((rows + 7) >> 3).fill(0xff);
  let nulls = 0;
  for (let i = 0; i < rows; i++) {
    const d = data[piece[i]!]!;
    if (d.nullCount === 0) continue;
    const at = d.offset + row[i]!;
    if (((d.nullBitmap![at >> 3]! >> (at & 7)) & 1) === 0) {
      bitmap[i >> 3]! &= ~(1 << (i & 7));
      nulls++;
    }
  }
  return { bitmap, nulls };
}

function utf8Rows(data: readonly Data[], sources: RowSources): Data<Utf8> {
  const { piece, row, rows } = sources;
  const offsets = data.map((d) => (d ? (d.valueOffsets as Int32Array) : new Int32Array(1)));
  const values = data.map((d) => (d ? (d.values as Uint8Array) : new Uint8Array(0)));
  const bases = data.map((d) => (d ? d.offset : 0));
  const out = new Int32Array(rows + 1);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const p = piece[i]!;
    const r = bases[p]! + row[i]!;
    const own = offsets[p]!;
    total += own[r + 1]! - own[r]!;
    out[i + 1] = total;
  }
  const bytes = new Uint8Array(total);
  for (let i = 0; i < rows; i++) {
    const p = piece[i]!;
    const r = bases[p]! + row[i]!;
    const own = offsets[p]!;
    const from = own[r]!;
    const length = own[r + 1]! - from;
    const src = values[p]!;
    let at = out[i]!;
    if (length < SHORT_STRING) {
      for (let k = 0; k < length; k++) bytes[at++] = src[from + k]!;
    } else {
      bytes.set(src.subarray(from, from + length), at);
    }
  }
  const { bitmap, nulls } = validityRows(data, sources);
  return makeData({
    type: new Utf8(),
    length: rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: out,
    data: bytes,
  });
}

function dictionaryRows(data: readonly Data[], sources: RowSources): Data {
  const { piece, row, rows } = sources;
  const index = new KeyIndex(64);
  const remaps = data.map((d) => {
    if (!d) return new Int32Array(0);
    const dictionary = d.dictionary!;
    if (dictionary.data.length !== 1 || !DataType.isUtf8(dictionary.type)) {
      throw new TypeError(`workers engine: cannot merge a dictionary of ${dictionary.type}`);
    }
    const values = dictionary.data[0]!;
    const own = values.valueOffsets as Int32Array;
    const bytes = values.values as Uint8Array;
    const remap = new Int32Array(values.length);
    for (let k = 0; k < values.length; k++) {
      remap[k] = index.intern(bytes, own[values.offset + k]!, own[values.offset + k + 1]!);
    }
    return remap;
  });
  const sourceIndices = data.map((d) => (d ? (d.values as Int32Array) : new Int32Array(0)));
  const bases = data.map((d) => (d ? d.offset : 0));
  const indices = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const p = piece[i]!;
    // A null row's index may be anything: keep it in range.
    indices[i] = remaps[p]![sourceIndices[p]![bases[p]! + row[i]!]!] ?? 0;
  }
  const { bitmap, nulls } = validityRows(data, sources);
  return makeData({
    type: new Dictionary(new Utf8(), new Int32()),
    length: rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    data: indices,
    dictionary: makeVector(index.keysAsUtf8()),
  });
}

function listRows(type: List, data: readonly Data[], sources: RowSources): Data {
  const { piece, row, rows } = sources;
  const offsets = data.map((d) => (d ? (d.valueOffsets as Int32Array) : new Int32Array(1)));
  const bases = data.map((d) => (d ? d.offset : 0));
  const out = new Int32Array(rows + 1);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const p = piece[i]!;
    const r = bases[p]! + row[i]!;
    total += offsets[p]![r + 1]! - offsets[p]![r]!;
    out[i + 1] = total;
  }
  const elementPiece = new Uint16Array(total);
  const elementRow = new Int32Array(total);
  for (let i = 0; i < rows; i++) {
    const p = piece[i]!;
    const r = bases[p]! + row[i]!;
    let at = out[i]!;
    for (let k = offsets[p]![r]!; k < offsets[p]![r + 1]!; k++) {
      elementPiece[at] = p;
      elementRow[at++] = k;
    }
  }
  const children = data.map((d) => d?.children[0]) as Data[];
  const childType = type.children[0]!.type as DataType;
  const child = gatherRows(childType, children, { piece: elementPiece, row: elementRow, rows: total });
  const { bitmap, nulls } = validityRows(data, sources);
  return makeData({ type, length: rows, nullCount: nulls, nullBitmap: bitmap, valueOffsets: out, child });
}

function boolRows(type: DataType, data: readonly Data[], sources: RowSources): Data {
  const { piece, row, rows } = sources;
  const bits = new Uint8Array((rows + 7) >> 3);
  for (let i = 0; i < rows; i++) {
    const d = data[piece[i]!]!;
    const at = d.offset + row[i]!;
    if (((d.values as Uint8Array)[at >> 3]! >> (at & 7)) & 1) bits[i >> 3]! |= 1 << (i & 7);
  }
  const { bitmap, nulls } = validityRows(data, sources);
  return makeData({ type: type as never, length: rows, nullCount: nulls, nullBitmap: bitmap, data: bits });
}

/** Fixed-width values copied as 32-bit words (never through a float: int64 words may look like NaN). */
function fixedRows(type: DataType, data: readonly Data[], sources: RowSources): Data {
  const { piece, row, rows } = sources;
  const ArrayType = (type as { ArrayType: new (buffer: ArrayBuffer) => ArrayBufferView }).ArrayType;
  const sample = data.find((d) => d !== undefined);
  const stride = sample ? sample.stride : 1;
  const elementBytes = (ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const width = elementBytes * stride;
  if (width % 4 !== 0) return gatherColumn(type, data, runsOf(sources));
  const words = width / 4;
  const sourceWords = data.map((d) => {
    if (!d) return new Int32Array(0);
    const values = d.values as ArrayBufferView;
    return new Int32Array(
      values.buffer,
      values.byteOffset + d.offset * width,
      (values.byteLength - d.offset * width) / 4,
    );
  });
  const out = new Int32Array(rows * words);
  if (words === 1) {
    for (let i = 0; i < rows; i++) out[i] = sourceWords[piece[i]!]![row[i]!]!;
  } else {
    for (let i = 0; i < rows; i++) {
      const src = sourceWords[piece[i]!]!;
      const from = row[i]! * words;
      for (let k = 0; k < words; k++) out[i * words + k] = src[from + k]!;
    }
  }
  const { bitmap, nulls } = validityRows(data, sources);
  return makeData({
    type: type as never,
    length: rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    data: new ArrayType(out.buffer) as never,
  });
}

/** One run per row (fallback for layouts the row-by-row path does not cover). */
function runsOf({ piece, row, rows }: RowSources): Runs {
  const count = new Int32Array(rows).fill(1);
  return { piece: Int32Array.from(piece), start: row, count, length: rows, rows };
}
