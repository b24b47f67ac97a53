import { type Data, DataType, Field, List, makeData, RecordBatch, Schema, Struct, Table } from 'apache-arrow';
import type { IcebergSchema } from '../../schemas/derive-iceberg.js';

/** Arrow field metadata key that arrow-rs (parquet-wasm) writes as the Parquet `field_id`. */
export const PARQUET_FIELD_ID = 'PARQUET:field_id';

function withId(field: Field, id: number, type: DataType = field.type): Field {
  return new Field(field.name, type, field.nullable, new Map([[PARQUET_FIELD_ID, String(id)]]));
}

/**
 * Tags every column (and list element) with its Iceberg field id, so the Parquet schema carries
 * `field_id`s: Iceberg readers map columns by id, not by name. Buffers are shared, not copied.
 */
export function withFieldIds(table: Table, schema: IcebergSchema): Table {
  const fields = table.schema.fields.map((field) => {
    const iceberg = schema.fields.find((f) => f.name === field.name);
    if (!iceberg) return field;
    const type = iceberg.type;
    if (typeof type !== 'string' && DataType.isList(field.type)) {
      const child = (field.type as List).children[0]!;
      return withId(field, iceberg.id, new List(withId(child, type['element-id'])));
    }
    return withId(field, iceberg.id);
  });
  const schemaOut = new Schema(fields, table.schema.metadata);
  const batches = table.batches.map((batch) => {
    const children = batch.data.children.map((child: Data, i) => child.clone(fields[i]!.type));
    const data = makeData({ type: new Struct(fields), length: batch.numRows, nullCount: 0, children });
    return new RecordBatch(schemaOut, data);
  });
  return new Table(schemaOut, batches);
}
