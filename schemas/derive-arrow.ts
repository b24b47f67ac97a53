import type { DataType } from 'apache-arrow';
import {
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  Int32,
  List,
  Schema,
  TimestampMicrosecond,
  Utf8,
} from 'apache-arrow';
import {
  type ColumnDef,
  type LogicalType,
  MONEY_PRECISION,
  MONEY_SCALE,
  type TableDef,
} from './logical-types.js';

/** Name of a list's element field, as Parquet and Iceberg name it. */
export const LIST_ELEMENT_NAME = 'element';

const arrowByType: Record<LogicalType, () => DataType> = {
  string: () => new Utf8(),
  date: () => new DateDay(),
  timestamp: () => new TimestampMicrosecond('UTC'),
  int32: () => new Int32(),
  decimal: () => new Decimal(MONEY_SCALE, MONEY_PRECISION, 128),
  boolean: () => new Bool(),
  'string-list': () => new List(new Field(LIST_ELEMENT_NAME, new Utf8(), false)),
};

/** The Arrow type of one column (dictionary-encoded strings use Int32 indices). */
export function arrowTypeOf(column: ColumnDef): DataType {
  if (column.dictionary && column.type === 'string') return new Dictionary(new Utf8(), new Int32());
  return arrowByType[column.type]();
}

/** The Arrow field of one column. */
export function arrowFieldOf(column: ColumnDef): Field {
  return new Field(column.name, arrowTypeOf(column), column.nullable);
}

/** The Arrow schema of a table definition, columns in declared order. */
export function arrowSchemaOf(table: TableDef): Schema {
  return new Schema(table.columns.map(arrowFieldOf));
}
