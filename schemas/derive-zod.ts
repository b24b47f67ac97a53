import { z } from 'zod';
import type { ColumnDef, LogicalType, TableDef } from './logical-types.js';

/**
 * Row values as goldsmith exchanges them in JSON (fixtures, `export --format jsonl`, API
 * boundaries): exact and time-zone free. Dates are `YYYY-MM-DD`, timestamps ISO-8601 UTC with
 * microseconds (`2025-09-05T17:41:13.832132Z`), decimals strings with two fraction digits
 * (`"1250.50"`), so nothing passes through a binary float.
 */
const zodByType = {
  string: () => z.string(),
  date: () => z.iso.date(),
  timestamp: () => z.iso.datetime({ precision: 6 }),
  int32: () => z.int32(),
  decimal: () => z.string().regex(/^-?\d{1,8}\.\d{2}$/, 'expected a DECIMAL(10,2) like "1250.50"'),
  boolean: () => z.boolean(),
  'string-list': () => z.array(z.string()),
} satisfies Record<LogicalType, () => z.ZodType>;

type ZodByType = { [K in LogicalType]: ReturnType<(typeof zodByType)[K]> };

/** The zod type of one column, nullable where the column is. */
export type ZodForColumn<C extends ColumnDef> = C['nullable'] extends true
  ? z.ZodNullable<ZodByType[C['type']]>
  : ZodByType[C['type']];

/** The zod object shape of a table. */
export type ZodShapeOf<Cols extends readonly ColumnDef[]> = {
  [C in Cols[number] as C['name']]: ZodForColumn<C>;
};

/** Builds the zod object schema of a table definition (strict: unknown keys are rejected). */
export function zodRowSchema<const Cols extends readonly ColumnDef[]>(
  table: TableDef<Cols>,
): z.ZodObject<ZodShapeOf<Cols>, z.core.$strict> {
  const shape: Record<string, z.ZodType> = {};
  for (const column of table.columns) {
    const base = zodByType[column.type]();
    shape[column.name] = column.nullable ? base.nullable() : base;
  }
  return z.strictObject(shape) as unknown as z.ZodObject<ZodShapeOf<Cols>, z.core.$strict>;
}
