import type { Table } from 'apache-arrow';
import type { IcebergSchema } from '../../schemas/derive-iceberg.js';
import { numberView, stringView } from '../columns/column-views.js';
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

function stringBounds(
  table: Table,
  name: string,
  mode: MetricsMode | undefined,
): { nulls: number; lower?: Buffer; upper?: Buffer } {
  const view = stringView(table.getChild(name)!);
  const { starts, ends } = view;
  // Decide the mode first (one cheap pass): free text skips the comparisons altogether.
  let nulls = 0;
  let bytes = 0;
  for (let row = 0; row < view.length; row++) {
    if (view.nulls?.[row]) nulls++;
    else bytes += ends[row]! - starts[row]!;
  }
  const values = view.length - nulls;
  const effective =
    mode ?? (values > 0 && bytes / values > FREE_TEXT_MEAN_BYTES ? { kind: 'counts' } : undefined);
  if (values === 0 || effective?.kind === 'counts' || effective?.kind === 'none') return { nulls };
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
  const limit =
    effective?.kind === 'full'
      ? Number.POSITIVE_INFINITY
      : effective?.kind === 'truncate'
        ? effective.length
        : DEFAULT_TRUNCATE;
  const lower = truncateLower(Buffer.from(view.bytes.subarray(starts[min]!, ends[min]!)), limit);
  const upper = truncateUpper(Buffer.from(view.bytes.subarray(starts[max]!, ends[max]!)), limit);
  return upper ? { nulls, lower, upper } : { nulls, lower };
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

/**
 * Value counts, null counts and lower/upper bounds of every column of a data file, keyed by
 * field id (list columns by their element id, counts only, as Spark does). Computed over
 * column views, one pass per column.
 */
export function columnMetrics(
  table: Table,
  schema: IcebergSchema,
  properties: Readonly<Record<string, string>>,
): ColumnMetrics {
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
    let nulls: number;
    let lower: Buffer | undefined;
    let upper: Buffer | undefined;
    if (type === 'string') {
      ({ nulls, lower, upper } = stringBounds(table, field.name, mode));
    } else {
      const bounds = numberBounds(numberView(vector));
      nulls = bounds.nulls;
      const encode = type.startsWith('decimal') ? decimalBytes : ENCODERS[type];
      if (encode && bounds.nulls < table.numRows && mode?.kind !== 'counts') {
        lower = encode(bounds.min);
        upper = encode(bounds.max);
      }
    }
    metrics.null_value_counts.push({ key: field.id, value: BigInt(nulls) });
    if (lower) metrics.lower_bounds.push({ key: field.id, value: lower });
    if (upper) metrics.upper_bounds.push({ key: field.id, value: upper });
  }
  return metrics;
}
