/**
 * goldsmith's schemas: one definition per table, from which the zod schemas (and inferred
 * TypeScript types), the Arrow schemas, the Iceberg schema JSON and the Spark/Athena DDL are
 * derived.
 *
 * @example
 * import { GoldRow, goldArrowSchema, goldDdl } from 'goldsmith/schemas';
 * const row: GoldRow = GoldRow.parse(json);
 */
export * from './bronze.js';
export * from './derive-arrow.js';
export * from './derive-ddl.js';
export * from './derive-iceberg.js';
export * from './derive-zod.js';
export * from './gold.js';
export * from './logical-types.js';
export * from './quarantine.js';
export * from './run-report.js';
export * from './silver.js';
