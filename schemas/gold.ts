import type { z } from 'zod';
import { arrowSchemaOf } from './derive-arrow.js';
import { sparkDdlOf } from './derive-ddl.js';
import { icebergSchemaOf } from './derive-iceberg.js';
import { zodRowSchema } from './derive-zod.js';
import { defineTable, optional, required } from './logical-types.js';

/**
 * `gold.user_session_analysis` (SPEC §5): one row per `(session_id, user_id)`, columns in this
 * exact order.
 */
export const goldTable = defineTable('user_session_analysis', [
  required('user_id', 'string', 'User of the session.'),
  required('session_id', 'string', 'Session id.'),
  optional(
    'signup_date',
    'date',
    "Date of the user's signup_date in the run time zone; null if the user is unknown.",
  ),
  optional('device_type', 'string', 'From the user snapshot valid at the session; null if unknown.'),
  optional('country', 'string', 'From the user snapshot valid at the session; null if unknown.'),
  required('session_start_time', 'timestamp', 'min(event_timestamp).'),
  required('session_end_time', 'timestamp', 'max(event_timestamp).'),
  required(
    'session_duration_seconds',
    'int32',
    'secs(end) - secs(start), secs = floor to whole epoch seconds.',
  ),
  required('session_date', 'date', 'Date of session_start_time in the run time zone; the partition.'),
  required('total_events', 'int32', 'Number of silver events in the session.'),
  required(
    'event_types',
    'string-list',
    'Every event type ordered by (event_timestamp, event_id), repeats kept.',
  ),
  required('first_event_type', 'string', 'event_types[0].'),
  required('last_event_type', 'string', 'Last of event_types.'),
  optional(
    'transaction_id',
    'string',
    'Earliest transaction of the session by (timestamp, id); null if none.',
  ),
  optional('transaction_amount', 'decimal', 'Its amount, DECIMAL(10,2).'),
  optional('transaction_currency', 'string', 'Its currency.'),
  optional('transaction_timestamp', 'timestamp', 'Its timestamp.'),
  required('has_transaction', 'boolean', 'transaction_id is not null.'),
  optional(
    'time_to_purchase_seconds',
    'int32',
    'secs(transaction_timestamp) - secs(session_start_time); may be negative.',
  ),
  required('processing_timestamp', 'timestamp', 'One value per run.'),
  required('data_version', 'int32', 'Configured, default 1.'),
  required('source_system', 'string', 'Configured, default digital-services.'),
] as const);

/** Fully qualified name of the gold table. */
export const GOLD_TABLE_NAME = 'gold.user_session_analysis';

/** zod schema of a gold row (JSON representation: ISO timestamps, `YYYY-MM-DD` dates, decimal strings). */
export const GoldRow = zodRowSchema(goldTable);
/** A gold row as TypeScript sees it. */
export type GoldRow = z.infer<typeof GoldRow>;

/** Arrow schema of the gold table. */
export const goldArrowSchema = arrowSchemaOf(goldTable);

/** Iceberg schema JSON of the gold table (field ids as Spark assigns them). */
export const goldIcebergSchema = icebergSchemaOf(goldTable);

/** The seed's `CREATE TABLE` for Spark SQL / Athena, generated from the same definition. */
export const goldDdl = sparkDdlOf(goldTable, {
  qualifiedName: GOLD_TABLE_NAME,
  partitionedBy: 'days(session_date)',
  location: 's3://digital-services-datalake/gold/user_session_analysis/',
});
