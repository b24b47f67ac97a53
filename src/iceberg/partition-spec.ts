import type { Table } from 'apache-arrow';
import type { IcebergSchema } from '../../schemas/derive-iceberg.js';
import type { TableDef } from '../../schemas/logical-types.js';
import { numberView } from '../columns/column-views.js';
import { groupTaker } from '../columns/take.js';
import { bucketByGroup } from '../kernels/key-columns.js';
import { formatDay, MICROS_PER_DAY } from '../time/index.js';
import type { PartitionFieldSchema } from './manifest-schemas.js';
import type { PartitionSpecJson } from './metadata.js';

/** How the caller asks for partitioning (one field; Iceberg partition field ids start at 1000). */
export interface PartitionSpecInput {
  column: string;
  transform: 'day' | 'identity';
  /** Partition field name; default `<column>_day` for `day`, `<column>` for `identity` (as Spark names them). */
  name?: string;
}

/** A partition tuple as a manifest stores it: field name → value (days for dates). */
export type PartitionValues = Record<string, number | string | null>;

/** One partition of rows to write: its values, its directory and its rows. */
export interface PartitionSlice {
  readonly values: PartitionValues;
  /** e.g. `session_date_day=2025-09-05`; empty for an unpartitioned table. */
  readonly path: string;
  /** Gathers the partition's rows (a copy each call: take it when writing the partition). */
  readonly rows: () => Table;
}

const FIRST_PARTITION_FIELD_ID = 1000;

/** Builds the metadata.json partition spec of a table definition. */
export function buildPartitionSpec(def: TableDef, input: PartitionSpecInput | undefined): PartitionSpecJson {
  if (!input) return { 'spec-id': 0, fields: [] };
  const index = def.columns.findIndex((c) => c.name === input.column);
  const column = def.columns[index];
  if (!column) throw new TypeError(`partition column "${input.column}" is not a column of ${def.name}`);
  const allowed = input.transform === 'day' ? ['date', 'timestamp'] : ['date', 'int32'];
  if (!allowed.includes(column.type))
    throw new TypeError(
      `${input.transform}(${input.column}) needs a ${allowed.join(' or ')} column, got ${column.type}`,
    );
  const name = input.name ?? (input.transform === 'day' ? `${input.column}_day` : input.column);
  return {
    'spec-id': 0,
    fields: [
      { name, transform: input.transform, 'source-id': index + 1, 'field-id': FIRST_PARTITION_FIELD_ID },
    ],
  };
}

function sourceType(schema: IcebergSchema, sourceId: number): string {
  const field = schema.fields.find((f) => f.id === sourceId);
  if (!field || typeof field.type !== 'string')
    throw new TypeError(`partition source field ${sourceId} is not primitive`);
  return field.type;
}

/** The type of a partition field's values: `day` and identity-on-date give dates, identity-on-int ints. */
function resultType(schema: IcebergSchema, transform: string, sourceId: number): 'date' | 'int' {
  const source = sourceType(schema, sourceId);
  if (transform === 'day' || (transform === 'identity' && source === 'date')) return 'date';
  if (transform === 'identity' && source === 'int') return 'int';
  throw new TypeError(`unsupported partition transform ${transform} on ${source}`);
}

/** The manifest `partition` record fields of a spec. */
export function partitionFieldSchemas(
  spec: PartitionSpecJson,
  schema: IcebergSchema,
): PartitionFieldSchema[] {
  return spec.fields.map((f) => {
    const type = resultType(schema, f.transform, f['source-id']);
    return {
      name: f.name,
      fieldId: f['field-id'],
      avro: type === 'date' ? { type: 'int', logicalType: 'date' } : 'int',
      iceberg: type,
    };
  });
}

/** Partition value of every row (NaN for null): days for `day`, the value itself for identity. */
function partitionKeys(rows: Table, spec: PartitionSpecJson, schema: IcebergSchema): Float64Array {
  const field = spec.fields[0]!;
  const source = schema.fields.find((f) => f.id === field['source-id'])!;
  const values = numberView(rows.getChild(source.name)!);
  if (field.transform === 'day' && source.type === 'timestamptz')
    for (let i = 0; i < values.length; i++) values[i] = Math.floor(values[i]! / MICROS_PER_DAY);
  return values;
}

/**
 * Splits rows by the spec's (single) partition field in ascending value order, nulls last; rows
 * keep their order inside a partition. One counting sort; each partition's rows are gathered when
 * it is written, into buffers of its own, so encoding copies them as they are (slices of one
 * shared gather had their offsets rebased and booleans re-packed bit by bit by the Arrow IPC
 * writer, file after file), and only the partitions being written are held twice.
 */
export function splitByPartition(
  rows: Table,
  spec: PartitionSpecJson,
  schema: IcebergSchema,
): PartitionSlice[] {
  const field = spec.fields[0];
  if (!field) return [{ values: {}, path: '', rows: () => rows }];
  if (spec.fields.length > 1) throw new TypeError('only single-field partition specs are supported');
  const keys = partitionKeys(rows, spec, schema);
  const distinct = [...new Set(keys)].sort((a, b) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b));
  const rank = new Map(distinct.map((v, i) => [v, i]));
  const groups = new Int32Array(keys.length);
  for (let row = 0; row < keys.length; row++) groups[row] = rank.get(keys[row]!)!;
  const { offsets, order } = bucketByGroup(groups, distinct.length);
  const take = distinct.length === 1 ? () => rows : groupTaker(rows, order, offsets);
  return distinct.map((v, i) => {
    const values = { [field.name]: Number.isNaN(v) ? null : v };
    return { values, path: partitionPath(spec, schema, values), rows: () => take(i) };
  });
}

/** The Hive-style directory of a partition tuple, e.g. `session_date_day=2025-09-05` (`''` if unpartitioned). */
export function partitionPath(
  spec: PartitionSpecJson,
  schema: IcebergSchema,
  values: PartitionValues,
): string {
  return spec.fields
    .map((field) => {
      const value = values[field.name];
      const type = resultType(schema, field.transform, field['source-id']);
      const shown =
        value === null || value === undefined
          ? 'null'
          : type === 'date' && typeof value === 'number'
            ? formatDay(value)
            : String(value);
      return `${field.name}=${shown}`;
    })
    .join('/');
}

/** Iceberg single-value serialization of a partition value (int/date: 4-byte little-endian). */
export function partitionValueBytes(value: number | string): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  const buf = Buffer.alloc(4);
  buf.writeInt32LE(value);
  return buf;
}
