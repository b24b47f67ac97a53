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
/** Runs of at least this many values are copied with one `set`, shorter ones value by value. */
const LONG_RUNS = 16;
/** Strings shorter than this are copied byte by byte (cheaper than a subarray + set). */
const SHORT_STRING = 48;

/**
 * The merge order as runs: output rows come from rows `[start[r], start[r] + count[r])` of piece
 * `piece[r]`, run after run. Without `count`, every run is one row (row-by-row sources).
 */
interface Runs {
  piece: Uint16Array;
  start: Int32Array;
  count?: Int32Array;
  length: number;
  /** Total rows. */
  rows: number;
}

/** One chunk per piece (undefined for a piece without rows). */
type Chunks = readonly (Data | undefined)[];

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
  // A few interleaved pieces (hash partitions) have runs of a row or two, so go row by row.
  const runs =
    arrivals.length <= FEW_PIECES && overlapping(arrivals)
      ? mergeFew(arrivals, merged)
      : mergeRuns(arrivals, merged);
  const schema = pieces[0]!.schema;
  const vectors: Record<string, Vector> = {};
  for (const field of schema.fields) {
    if (field.name === ARRIVAL) continue;
    const chunks = pieces.map((p) => singleChunk(p, field.name));
    const type = field.type as DataType;
    vectors[field.name] = makeVector(gatherColumn(type, chunks, runs));
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
  const runs = consecutiveRuns(indices);
  const vectors: Record<string, Vector> = {};
  for (const field of table.schema.fields) {
    vectors[field.name] = makeVector(
      gatherColumn(field.type as DataType, [singleChunk(table, field.name)], runs),
    );
  }
  return withSchema(vectors, table.schema);
}

/**
 * `indices` of one piece as runs of consecutive rows: the rows dedup keeps, or a filter's, come
 * in long runs that are then copied a run at a time.
 */
function consecutiveRuns(indices: Int32Array): Runs {
  const n = indices.length;
  let length = 0;
  for (let i = 0; i < n; i++) if (i === 0 || indices[i] !== indices[i - 1]! + 1) length++;
  const piece = new Uint16Array(length);
  if (length === n) return { piece, start: indices, length, rows: n };
  const start = new Int32Array(length);
  const count = new Int32Array(length);
  for (let i = 0, r = -1; i < n; i++) {
    if (i === 0 || indices[i] !== indices[i - 1]! + 1) start[++r] = indices[i]!;
    count[r]!++;
  }
  return { piece, start, count, length, rows: n };
}

/** True unless the pieces' arrival ranges are disjoint (then merging is concatenating). */
function overlapping(arrivals: readonly Int32Array[]): boolean {
  const ranges = arrivals.filter((a) => a.length > 0).map((a) => [a[0]!, a[a.length - 1]!] as const);
  ranges.sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] <= ranges[i - 1]![1]) return true;
  return false;
}

/**
 * Merges a few ascending arrays by scanning their heads; ties go to the lower piece. Rows that
 * continue the previous row's piece extend its run, so pieces of long runs (arrival blocks)
 * are copied a run at a time and hash-interleaved ones about a row at a time.
 */
function mergeFew(arrivals: readonly Int32Array[], merged: Int32Array): Runs {
  const k = arrivals.length;
  const rows = merged.length;
  const runs = new RunList();
  let last = -1;
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
    if (best === last) runs.extendLast();
    else runs.push(best, heads[best]!, 1);
    last = best;
    heads[best]!++;
  }
  return runs.done(rows);
}

/** Runs appended one at a time, as the merges find them. */
class RunList {
  private piece = new Uint16Array(1024);
  private start = new Int32Array(1024);
  private count = new Int32Array(1024);
  private length = 0;

  push(piece: number, start: number, count: number): void {
    if (this.length === this.piece.length) {
      const capacity = this.length * 2;
      this.piece = grow(this.piece, capacity);
      this.start = grow(this.start, capacity);
      this.count = grow(this.count, capacity);
    }
    this.piece[this.length] = piece;
    this.start[this.length] = start;
    this.count[this.length] = count;
    this.length++;
  }

  /** One more row for the last run. */
  extendLast(): void {
    this.count[this.length - 1]!++;
  }

  done(rows: number): Runs {
    return { piece: this.piece, start: this.start, count: this.count, length: this.length, rows };
  }
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

  const runs = new RunList();
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
    runs.push(p, from, to - from);
    rows += to - from;
    heads[p] = to;
    if (to < values.length) push(p);
  }
  return runs.done(rows);
}

function grow<T extends Int32Array | Uint16Array>(array: T, size: number): T {
  const out = new (array.constructor as new (size: number) => T)(size);
  out.set(array);
  return out;
}

/** Copies the runs of one column into one new chunk of the same Arrow type. */
function gatherColumn(type: DataType, chunks: Chunks, runs: Runs): Data {
  if (DataType.isUtf8(type)) return gatherUtf8(chunks, runs);
  if (DataType.isDictionary(type)) return gatherDictionary(chunks, runs);
  if (DataType.isList(type)) return gatherList(type as List, chunks, runs);
  if (DataType.isBool(type)) return gatherBool(type, chunks, runs);
  if (
    DataType.isInt(type) ||
    DataType.isFloat(type) ||
    DataType.isDate(type) ||
    DataType.isTimestamp(type) ||
    DataType.isDecimal(type)
  ) {
    return gatherFixed(type, chunks, runs);
  }
  throw new TypeError(`workers engine: cannot merge a column of type ${type}`);
}

/** Per piece, `pick` of its chunk, or `empty` for a piece without rows. */
function perPiece<T>(chunks: Chunks, pick: (data: Data) => T, empty: T): T[] {
  return chunks.map((d) => (d ? pick(d) : empty));
}

/** The validity bitmap of the gathered rows, or undefined when none is null. */
function gatherValidity(chunks: Chunks, runs: Runs): { bitmap: Uint8Array | undefined; nulls: number } {
  if (!chunks.some((d) => d !== undefined && d.nullCount > 0)) return { bitmap: undefined, nulls: 0 };
  const { piece, start, count, length, rows } = runs;
  const sources = perPiece(chunks, (d) => (d.nullCount > 0 ? d.nullBitmap! : undefined), undefined);
  const bases = perPiece(chunks, (d) => d.offset, 0);
  const bitmap = new Uint8Array((rows + 7) >> 3).fill(0xff);
  let nulls = 0;
  let out = 0;
  for (let r = 0; r < length; r++) {
    const p = piece[r]!;
    const c = count ? count[r]! : 1;
    const bits = sources[p];
    if (bits) {
      const base = bases[p]! + start[r]!;
      for (let i = 0; i < c; i++) {
        const at = base + i;
        if (((bits[at >> 3]! >> (at & 7)) & 1) === 0) {
          const o = out + i;
          bitmap[o >> 3]! &= ~(1 << (o & 7));
          nulls++;
        }
      }
    }
    out += c;
  }
  return { bitmap: nulls > 0 ? bitmap : undefined, nulls };
}

/**
 * The rebased offsets of the gathered rows of a variable-length column (Utf8, List), and their
 * elements (bytes, list items) as one run per run of rows.
 */
function gatherOffsets(chunks: Chunks, runs: Runs): { offsets: Int32Array; elements: Runs } {
  const { piece, start, count, length, rows } = runs;
  const own = perPiece(chunks, (d) => d.valueOffsets as Int32Array, new Int32Array(1));
  const bases = perPiece(chunks, (d) => d.offset, 0);
  const offsets = new Int32Array(rows + 1);
  const elementStart = new Int32Array(length);
  const elementCount = new Int32Array(length);
  let total = 0;
  let row = 0;
  for (let r = 0; r < length; r++) {
    const source = own[piece[r]!]!;
    const base = bases[piece[r]!]! + start[r]!;
    const c = count ? count[r]! : 1;
    const first = source[base]!;
    for (let i = 1; i <= c; i++) offsets[row + i] = total + source[base + i]! - first;
    elementStart[r] = first;
    elementCount[r] = source[base + c]! - first;
    total += elementCount[r]!;
    row += c;
  }
  return { offsets, elements: { piece, start: elementStart, count: elementCount, length, rows: total } };
}

function gatherUtf8(chunks: Chunks, runs: Runs): Data<Utf8> {
  const { offsets, elements } = gatherOffsets(chunks, runs);
  const values = perPiece(chunks, (d) => d.values as Uint8Array, new Uint8Array(0));
  const bytes = new Uint8Array(elements.rows);
  copyRuns(bytes, values, elements, 1, SHORT_STRING);
  const { bitmap, nulls } = gatherValidity(chunks, runs);
  return makeData({
    type: new Utf8(),
    length: runs.rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: bytes,
  });
}

function gatherDictionary(chunks: Chunks, runs: Runs): Data {
  // One dictionary for all pieces: each piece's (small) dictionary is interned once, when the piece
  // first appears in the merge order, then every row is a remapped index.
  const { piece, start, count, length, rows } = runs;
  const index = new KeyIndex(64);
  const remaps: (Int32Array | undefined)[] = chunks.map(() => undefined);
  const remapOf = (p: number): Int32Array => {
    const dictionary = chunks[p]!.dictionary!;
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
    remaps[p] = remap;
    return remap;
  };
  const sources = perPiece(chunks, (d) => d.values as Int32Array, new Int32Array(0));
  const bases = perPiece(chunks, (d) => d.offset, 0);
  const indices = new Int32Array(rows);
  let row = 0;
  for (let r = 0; r < length; r++) {
    const p = piece[r]!;
    const remap = remaps[p] ?? remapOf(p);
    const source = sources[p]!;
    const base = bases[p]! + start[r]!;
    const c = count ? count[r]! : 1;
    // A null row's index may be anything: keep it in range.
    for (let i = 0; i < c; i++) indices[row + i] = remap[source[base + i]!] ?? 0;
    row += c;
  }
  const { bitmap, nulls } = gatherValidity(chunks, runs);
  return makeData({
    type: new Dictionary(new Utf8(), new Int32()),
    length: rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    data: indices,
    dictionary: makeVector(index.keysAsUtf8()),
  });
}

/** Lists: offsets rebased run by run; the items gathered as one run per run of lists. */
function gatherList(type: List, chunks: Chunks, runs: Runs): Data {
  const { offsets, elements } = gatherOffsets(chunks, runs);
  const children = perPiece(chunks, (d) => d.children[0], undefined);
  const child = gatherColumn(type.children[0]!.type as DataType, children, elements);
  const { bitmap, nulls } = gatherValidity(chunks, runs);
  return makeData({
    type,
    length: runs.rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    child,
  });
}

function gatherBool(type: DataType, chunks: Chunks, runs: Runs): Data {
  const { piece, start, count, length, rows } = runs;
  const sources = perPiece(chunks, (d) => d.values as Uint8Array, new Uint8Array(0));
  const bases = perPiece(chunks, (d) => d.offset, 0);
  const bits = new Uint8Array((rows + 7) >> 3);
  let row = 0;
  for (let r = 0; r < length; r++) {
    const p = piece[r]!;
    const source = sources[p]!;
    const base = bases[p]! + start[r]!;
    const c = count ? count[r]! : 1;
    for (let i = 0; i < c; i++) {
      const at = base + i;
      const o = row + i;
      if ((source[at >> 3]! >> (at & 7)) & 1) bits[o >> 3]! |= 1 << (o & 7);
    }
    row += c;
  }
  const { bitmap, nulls } = gatherValidity(chunks, runs);
  return makeData({ type: type as never, length: rows, nullCount: nulls, nullBitmap: bitmap, data: bits });
}

/**
 * Fixed-width values (ints, dates, timestamps, decimals, floats), copied as 32-bit words when the
 * width allows (never through a float: int64 words may look like NaN), else as bytes; long runs
 * with one `set`.
 */
function gatherFixed(type: DataType, chunks: Chunks, runs: Runs): Data {
  const ArrayType = (type as { ArrayType: new (buffer: ArrayBuffer) => ArrayBufferView }).ArrayType;
  const sample = chunks.find((d) => d !== undefined);
  const stride = sample ? sample.stride : 1;
  const elementBytes = (ArrayType as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  const width = elementBytes * stride;
  const unit = width % 4 === 0 ? 4 : 1;
  const View = unit === 4 ? Int32Array : Uint8Array;
  const words = width / unit;
  const sources = perPiece(
    chunks,
    (d) => {
      const values = d.values as ArrayBufferView;
      const from = values.byteOffset + d.offset * width;
      return new View(values.buffer as ArrayBuffer, from, (values.byteLength - d.offset * width) / unit);
    },
    new View(0),
  );
  const out = new View(runs.rows * words);
  copyRuns(out, sources, runs, words, LONG_RUNS);
  const { bitmap, nulls } = gatherValidity(chunks, runs);
  return makeData({
    type: type as never,
    length: runs.rows,
    nullCount: nulls,
    nullBitmap: bitmap,
    data: new ArrayType(out.buffer as ArrayBuffer) as never,
  });
}

/**
 * Copies the runs, `width` values a row of `sources[piece]`, into `out`: runs shorter than `short`
 * values value by value, longer ones with one `set`.
 */
function copyRuns<T extends Int32Array | Uint8Array>(
  out: T,
  sources: readonly T[],
  runs: Runs,
  width: number,
  short: number,
): void {
  const { piece, start, count, length } = runs;
  let at = 0;
  for (let r = 0; r < length; r++) {
    const src = sources[piece[r]!]!;
    const from = start[r]! * width;
    const n = (count ? count[r]! : 1) * width;
    if (n < short) {
      for (let k = 0; k < n; k++) out[at + k] = src[from + k]!;
    } else {
      out.set(src.subarray(from, from + n), at);
    }
    at += n;
  }
}
