/**
 * The handful of column types goldsmith's tables use. Every other representation (zod, Arrow,
 * Iceberg, Spark/Athena DDL) is derived from these, so the five can never disagree.
 */
export const LOGICAL_TYPES = [
  'string',
  'date',
  'timestamp',
  'int32',
  'decimal',
  'boolean',
  'string-list',
] as const;

/** A column type name. `decimal` is always DECIMAL(10,2) (SPEC §2: money as scaled integers). */
export type LogicalType = (typeof LOGICAL_TYPES)[number];

/** Precision and scale of every money column (SPEC §2, §5). */
export const MONEY_PRECISION = 10;
export const MONEY_SCALE = 2;

/**
 * One column of a table definition.
 *
 * `dictionary` marks a low-cardinality string column that is dictionary-encoded in Arrow
 * (e.g. `event_type`, `currency`); it changes the physical Arrow type only.
 */
export interface ColumnDef<
  N extends string = string,
  T extends LogicalType = LogicalType,
  Nullable extends boolean = boolean,
> {
  readonly name: N;
  readonly type: T;
  readonly nullable: Nullable;
  readonly dictionary?: boolean;
  readonly doc: string;
}

/** A named, ordered list of columns: the single source of truth for a table's shape. */
export interface TableDef<Cols extends readonly ColumnDef[] = readonly ColumnDef[]> {
  readonly name: string;
  readonly columns: Cols;
}

/** Declares a non-null column. */
export function required<const N extends string, const T extends LogicalType>(
  name: N,
  type: T,
  doc: string,
  options: { dictionary?: boolean } = {},
): ColumnDef<N, T, false> {
  return { name, type, nullable: false, doc, ...options };
}

/** Declares a nullable column. */
export function optional<const N extends string, const T extends LogicalType>(
  name: N,
  type: T,
  doc: string,
  options: { dictionary?: boolean } = {},
): ColumnDef<N, T, true> {
  return { name, type, nullable: true, doc, ...options };
}

/** Declares a table; the column tuple keeps its literal types so zod/TS types can be derived. */
export function defineTable<const Cols extends readonly ColumnDef[]>(
  name: string,
  columns: Cols,
): TableDef<Cols> {
  return { name, columns };
}
