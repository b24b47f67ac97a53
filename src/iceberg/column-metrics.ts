import { DataType, type Table, type Vector } from 'apache-arrow';
import type { IcebergSchema } from '../../schemas/derive-iceberg.js';
import { numberView, stringView } from '../columns/column-views.js';
import type { ChunkStatistics, FooterStatistics } from '../io/parquet-footer.js';
import { compareBytes } from '../kernels/key-columns.js';

/** An Iceberg map `int → long` or `int → binary` as Avro stores it: an array of key/value records. */
export type IntMap<V> = { key: number; value: V }[];

/** Per-column metrics of one data file (table spec, "Manifests": value_counts … upper_bounds). */
export interface ColumnMetrics {
  value_counts: IntMap<bigint>;
  null_value_counts: IntMap<bigint>;
  lower_bounds: IntMap<Buffer>;
  upper_bounds: IntMap<Buffer>;
}

type MetricsMode =
  | { kind: 'none' }
  | { kind: 'counts' }
  | { kind: 'truncate'; length: number }
  | { kind: 'full' };

/** A column's null count and (when kept) its lower and upper bound. */
type Bounds = { nulls: number; lower?: Buffer; upper?: Buffer };

const DEFAULT_TRUNCATE = 16;
/** Mean string length above which a column is free text: bounds would be noise, so counts only. */
const FREE_TEXT_MEAN_BYTES = 64;

function parseMode(text: string | undefined): MetricsMode | undefined {
  if (text === undefined) return undefined;
  if (text === 'none' || text === 'counts' || text === 'full') return { kind: text };
  const match = /^truncate\((\d+)\)$/.exec(text);
  if (match) return { kind: 'truncate', length: Number(match[1]) };
  throw new TypeError(`bad metrics mode "${text}" (none, counts, truncate(N) or full)`);
}

/** The metrics mode of a column from Iceberg's `write.metadata.metrics.*` table properties. */
function modeOf(properties: Readonly<Record<string, string>>, column: string): MetricsMode | undefined {
  return parseMode(properties[`write.metadata.metrics.column.${column}`]);
}

function int32Bytes(v: number): Buffer {
  const buf = Buffer.alloc(4);
  buf.writeInt32LE(v);
  return buf;
}

function int64Bytes(v: number): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigInt64LE(BigInt(v));
  return buf;
}

/** Unscaled value as minimal big-endian two's complement (the spec's decimal bound encoding). */
export function decimalBytes(unscaled: number): Buffer {
  const n = BigInt(unscaled);
  let length = 1;
  while (n >= 1n << BigInt(8 * length - 1) || n < -(1n << BigInt(8 * length - 1))) length++;
  const buf = Buffer.alloc(length);
  let rest = BigInt.asUintN(8 * length, n);
  for (let i = length - 1; i >= 0; i--) {
    buf[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return buf;
}

/** The longest prefix of `text` of at most `limit` UTF-8 bytes that ends on a code point. */
function prefixCodePoints(text: string, limit: number): string[] {
  const out: string[] = [];
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > limit) break;
    out.push(ch);
    bytes += size;
  }
  return out;
}

/** Lower bound: a prefix is never greater than the value. */
export function truncateLower(value: Buffer, limit: number): Buffer {
  if (value.length <= limit) return value;
  return Buffer.from(prefixCodePoints(value.toString('utf8'), limit).join(''), 'utf8');
}

/**
 * Upper bound: the truncated prefix with its last code point incremented, so it sorts after
 * every value with that prefix; undefined when no code point can be incremented.
 */
export function truncateUpper(value: Buffer, limit: number): Buffer | undefined {
  if (value.length <= limit) return value;
  const points = prefixCodePoints(value.toString('utf8'), limit);
  for (let i = points.length - 1; i >= 0; i--) {
    let code = points[i]!.codePointAt(0)! + 1;
    if (code >= 0xd800 && code <= 0xdfff) code = 0xe000;
    if (code > 0x10ffff) continue;
    const candidate = Buffer.from([...points.slice(0, i), String.fromCodePoint(code)].join(''), 'utf8');
    if (candidate.length <= limit) return candidate;
  }
  return undefined;
}

/**
 * Bytes of a string column's values, from its offsets (no pass over the rows): a dictionary
 * chunk counts its dictionary's mean value length per non-null row.
 */
function stringBytes(vector: Vector): number {
  let bytes = 0;
  for (const data of vector.data) {
    if (DataType.isDictionary(data.type)) {
      const dict = data.dictionary!;
      const offsets = dict.data[0]!.valueOffsets as Int32Array;
      const mean = dict.length === 0 ? 0 : (offsets[dict.length]! - offsets[0]!) / dict.length;
      bytes += mean * (data.length - data.nullCount);
    } else {
      const offsets = data.valueOffsets as Int32Array;
      bytes += offsets[data.length]! - offsets[0]!;
    }
  }
  return bytes;
}

/** The effective mode of a string column: free text (long values) gets counts unless set. */
function stringMode(mode: MetricsMode | undefined, values: number, bytes: number): MetricsMode | undefined {
  return mode ?? (values > 0 && bytes / values > FREE_TEXT_MEAN_BYTES ? { kind: 'counts' } : undefined);
}

function truncateLimit(mode: MetricsMode | undefined): number {
  return mode?.kind === 'full'
    ? Number.POSITIVE_INFINITY
    : mode?.kind === 'truncate'
      ? mode.length
      : DEFAULT_TRUNCATE;
}

/** Iceberg string bounds of a min and max value, truncated as the mode says. */
function truncatedBounds(
  min: Buffer,
  max: Buffer,
  mode: MetricsMode | undefined,
): { lower: Buffer; upper?: Buffer } {
  const limit = truncateLimit(mode);
  const lower = truncateLower(min, limit);
  const upper = truncateUpper(max, limit);
  return upper ? { lower, upper } : { lower };
}

function stringBounds(table: Table, name: string, mode: MetricsMode | undefined): Bounds {
  // Decide the mode first (from the offsets): free text skips the comparisons altogether.
  const vector = table.getChild(name)!;
  const nulls = vector.nullCount;
  const values = table.numRows - nulls;
  const effective = stringMode(mode, values, stringBytes(vector));
  if (values === 0 || effective?.kind === 'counts' || effective?.kind === 'none') return { nulls };
  const view = stringView(vector);
  const { starts, ends } = view;
  let min = -1;
  let max = -1;
  for (let row = 0; row < view.length; row++) {
    if (view.nulls?.[row]) continue;
    if (
      min < 0 ||
      compareBytes(view.bytes, starts[row]!, ends[row]!, view.bytes, starts[min]!, ends[min]!) < 0
    )
      min = row;
    if (
      max < 0 ||
      compareBytes(view.bytes, starts[row]!, ends[row]!, view.bytes, starts[max]!, ends[max]!) > 0
    )
      max = row;
  }
  return {
    nulls,
    ...truncatedBounds(
      Buffer.from(view.bytes.subarray(starts[min]!, ends[min]!)),
      Buffer.from(view.bytes.subarray(starts[max]!, ends[max]!)),
      effective,
    ),
  };
}

function numberBounds(values: Float64Array): { nulls: number; min: number; max: number } {
  let nulls = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) nulls++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { nulls, min, max };
}

const ENCODERS: Record<string, (v: number) => Buffer> = {
  int: int32Bytes,
  date: int32Bytes,
  long: int64Bytes,
  timestamptz: int64Bytes,
  timestamp: int64Bytes,
  boolean: (v) => Buffer.from([v ? 1 : 0]),
};

// Parquet physical types (parquet-format `Type`) whose PLAIN bytes the footer bounds use.
const PARQUET_BOOLEAN = 0;
const PARQUET_INT32 = 1;
const PARQUET_INT64 = 2;
const PARQUET_BYTE_ARRAY = 6;

/** The Parquet physical type whose PLAIN statistics bytes are already this type's bound encoding. */
const SAME_BYTES: Record<string, number> = {
  int: PARQUET_INT32,
  date: PARQUET_INT32,
  long: PARQUET_INT64,
  timestamptz: PARQUET_INT64,
  timestamp: PARQUET_INT64,
  boolean: PARQUET_BOOLEAN,
};

/**
 * Null count and bounds of a primitive column from its Parquet chunk statistics (Iceberg's own
 * writers do the same); undefined when the footer cannot give them exactly, and the values are
 * scanned instead.
 */
function footerBounds(
  chunk: ChunkStatistics | undefined,
  type: string,
  mode: MetricsMode | undefined,
  vector: Vector,
): Bounds | undefined {
  if (!chunk?.exact || chunk.nullCount === undefined) return undefined;
  const nulls = Number(chunk.nullCount);
  if (nulls !== vector.nullCount) return undefined;
  const { min, max } = chunk;
  if (nulls === vector.length) return { nulls };
  if (!min || !max) return undefined;
  if (type === 'string') {
    if (chunk.physicalType !== PARQUET_BYTE_ARRAY) return undefined;
    const effective = stringMode(mode, vector.length - nulls, stringBytes(vector));
    if (effective?.kind === 'counts') return { nulls };
    return { nulls, ...truncatedBounds(Buffer.from(min), Buffer.from(max), effective) };
  }
  if (mode?.kind === 'counts') return { nulls };
  if (type.startsWith('decimal')) {
    if (chunk.physicalType !== PARQUET_INT32 && chunk.physicalType !== PARQUET_INT64) return undefined;
    const read = (bytes: Uint8Array) => {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return chunk.physicalType === PARQUET_INT64
        ? Number(view.getBigInt64(0, true))
        : view.getInt32(0, true);
    };
    return { nulls, lower: decimalBytes(read(min)), upper: decimalBytes(read(max)) };
  }
  if (SAME_BYTES[type] !== chunk.physicalType) return undefined;
  return { nulls, lower: Buffer.from(min), upper: Buffer.from(max) };
}

/** Null count and bounds of a primitive column, computed over its values. */
function scannedBounds(table: Table, name: string, type: string, mode: MetricsMode | undefined): Bounds {
  if (type === 'string') return stringBounds(table, name, mode);
  const bounds = numberBounds(numberView(table.getChild(name)!));
  const encode = type.startsWith('decimal') ? decimalBytes : ENCODERS[type];
  if (!encode || bounds.nulls === table.numRows || mode?.kind === 'counts') return { nulls: bounds.nulls };
  return { nulls: bounds.nulls, lower: encode(bounds.min), upper: encode(bounds.max) };
}

/** Column chunk statistics by column path, when the file is one row group (ours are). */
function chunksByPath(footer: FooterStatistics | undefined): Map<string, ChunkStatistics> | undefined {
  if (footer?.length !== 1) return undefined;
  return new Map(footer[0]!.map((chunk) => [chunk.path, chunk]));
}

/**
 * Value counts, null counts and lower/upper bounds of every column of a data file, keyed by
 * field id (list columns by their element id, counts only, as Spark does). With the file's
 * Parquet `footer`, bounds and null counts come from its exact chunk statistics; otherwise (or
 * where the footer falls short) one pass over each column's values computes them.
 */
export function columnMetrics(
  table: Table,
  schema: IcebergSchema,
  properties: Readonly<Record<string, string>>,
  footer?: FooterStatistics,
): ColumnMetrics {
  const chunks = chunksByPath(footer);
  const metrics: ColumnMetrics = {
    value_counts: [],
    null_value_counts: [],
    lower_bounds: [],
    upper_bounds: [],
  };
  const rows = BigInt(table.numRows);
  for (const field of schema.fields) {
    const vector = table.getChild(field.name);
    if (!vector) continue;
    const mode = modeOf(properties, field.name) ?? parseMode(properties['write.metadata.metrics.default']);
    if (mode?.kind === 'none') continue;
    const type = field.type;
    if (typeof type !== 'string') {
      // A list: count its elements under the element id.
      let elements = 0;
      for (const data of vector.data) {
        // arrow-js slices value offsets along with the data, so they start at index 0.
        const offsets = data.valueOffsets as Int32Array;
        elements += offsets[data.length]! - offsets[0]!;
      }
      metrics.value_counts.push({ key: type['element-id'], value: BigInt(elements) });
      metrics.null_value_counts.push({ key: type['element-id'], value: 0n });
      continue;
    }
    metrics.value_counts.push({ key: field.id, value: rows });
    const { nulls, lower, upper } =
      footerBounds(chunks?.get(field.name), type, mode, vector) ??
      scannedBounds(table, field.name, type, mode);
    metrics.null_value_counts.push({ key: field.id, value: BigInt(nulls) });
    if (lower) metrics.lower_bounds.push({ key: field.id, value: lower });
    if (upper) metrics.upper_bounds.push({ key: field.id, value: upper });
  }
  return metrics;
}
