import type { ColumnDef, LogicalType, TableDef } from './logical-types.js';
import { MONEY_PRECISION, MONEY_SCALE } from './logical-types.js';

/** An Iceberg schema field (table spec, "Schemas and Data Types"). */
export interface IcebergField {
  id: number;
  name: string;
  required: boolean;
  type: string | IcebergListType;
  doc?: string;
}

/** An Iceberg list type with its element field id. */
export interface IcebergListType {
  type: 'list';
  'element-id': number;
  element: string;
  'element-required': boolean;
}

/** An Iceberg struct schema as stored in `metadata.json`. */
export interface IcebergSchema {
  type: 'struct';
  'schema-id': number;
  fields: IcebergField[];
}

const icebergPrimitive: Record<Exclude<LogicalType, 'string-list'>, string> = {
  string: 'string',
  date: 'date',
  timestamp: 'timestamptz',
  int32: 'int',
  decimal: `decimal(${MONEY_PRECISION}, ${MONEY_SCALE})`,
  boolean: 'boolean',
};

/**
 * The Iceberg schema JSON of a table. Field ids are assigned as Spark assigns them: columns
 * 1..n in order, then nested element ids after the last column (the Spark-written gold in
 * `fixtures/spark-peer` has `event_types` element-id 23).
 */
export function icebergSchemaOf(table: TableDef, schemaId = 0): IcebergSchema {
  let nextNestedId = table.columns.length + 1;
  const fields = table.columns.map((column: ColumnDef, index): IcebergField => {
    const type =
      column.type === 'string-list'
        ? {
            type: 'list' as const,
            'element-id': nextNestedId++,
            element: 'string',
            'element-required': true,
          }
        : icebergPrimitive[column.type];
    return { id: index + 1, name: column.name, required: !column.nullable, type, doc: column.doc };
  });
  return { type: 'struct', 'schema-id': schemaId, fields };
}
