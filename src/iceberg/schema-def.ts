import type { IcebergSchema } from '../../schemas/derive-iceberg.js';
import type { ColumnDef, LogicalType, TableDef } from '../../schemas/logical-types.js';

const LOGICAL: Record<string, LogicalType> = {
  string: 'string',
  date: 'date',
  timestamptz: 'timestamp',
  timestamp: 'timestamp',
  int: 'int32',
  'decimal(10, 2)': 'decimal',
  boolean: 'boolean',
};

/**
 * A goldsmith table definition read back from an Iceberg schema (for tables loaded without a
 * definition, e.g. Spark's). Throws for types goldsmith has no logical type for.
 */
export function tableDefOf(name: string, schema: IcebergSchema): TableDef {
  const columns = schema.fields.map((field): ColumnDef => {
    const type =
      typeof field.type === 'string'
        ? LOGICAL[field.type.replace(/\s+/g, ' ').replace(/,(\S)/, ', $1')]
        : field.type.type === 'list' && field.type.element === 'string'
          ? 'string-list'
          : undefined;
    if (!type)
      throw new TypeError(
        `column ${field.name}: Iceberg type ${JSON.stringify(field.type)} has no goldsmith logical type`,
      );
    return { name: field.name, type, nullable: !field.required, doc: field.doc ?? '' };
  });
  return { name, columns };
}
