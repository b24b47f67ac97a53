import type { z } from 'zod';
import { arrowSchemaOf } from './derive-arrow.js';
import { zodRowSchema } from './derive-zod.js';
import { defineTable, optional, required } from './logical-types.js';

/** `silver.events`: one row per `event_id` (SPEC §3). */
export const silverEventsTable = defineTable('events', [
  required(
    'event_id',
    'string',
    'Unique event id; duplicates are resolved by greatest event_timestamp, then arrival.',
  ),
  required('session_id', 'string', 'Session the event belongs to.'),
  required('user_id', 'string', 'User who produced the event.'),
  required('event_type', 'string', 'page_view, click, scroll, …', { dictionary: true }),
  required('event_timestamp', 'timestamp', 'When the event happened, UTC.'),
  optional('event_details', 'string', 'The event_details object as its JSON text, unchanged.'),
] as const);

/** `silver.transactions`: one row per `transaction_id` (SPEC §3). */
export const silverTransactionsTable = defineTable('transactions', [
  required('transaction_id', 'string', 'Unique transaction id.'),
  required('session_id', 'string', 'Session the purchase happened in.'),
  required('user_id', 'string', 'Buyer.'),
  required('amount', 'decimal', 'DECIMAL(10,2), exact.'),
  required('currency', 'string', 'ISO-4217 code, 3 upper-case letters.', { dictionary: true }),
  required('transaction_timestamp', 'timestamp', 'When the purchase happened, UTC.'),
] as const);

/** `silver.users`: one row per `(user_id, updated_at)` version (SPEC §3). */
export const silverUsersTable = defineTable('users', [
  required('user_id', 'string', 'User id.'),
  required('signup_date', 'timestamp', 'Sign-up instant, UTC (gold derives its date in the run time zone).'),
  optional('device_type', 'string', 'iOS, Android, Web, …', { dictionary: true }),
  optional('country', 'string', 'Country code.', { dictionary: true }),
  optional('updated_at', 'timestamp', 'Version timestamp; null when the source has no updated_at.'),
] as const);

/** zod schema of a silver event row (JSON representation, see `zodRowSchema`). */
export const SilverEvent = zodRowSchema(silverEventsTable);
/** zod schema of a silver transaction row. */
export const SilverTransaction = zodRowSchema(silverTransactionsTable);
/** zod schema of a silver user version row. */
export const SilverUser = zodRowSchema(silverUsersTable);

export type SilverEvent = z.infer<typeof SilverEvent>;
export type SilverTransaction = z.infer<typeof SilverTransaction>;
export type SilverUser = z.infer<typeof SilverUser>;

/** Arrow schemas of the silver tables. */
export const silverEventsArrowSchema = arrowSchemaOf(silverEventsTable);
export const silverTransactionsArrowSchema = arrowSchemaOf(silverTransactionsTable);
export const silverUsersArrowSchema = arrowSchemaOf(silverUsersTable);
