import { z } from 'zod';

/**
 * Bronze records as they land (SPEC §1), for validating single records at an API boundary (a
 * Firehose record, a test fixture). The bulk readers do not use these: they apply the same
 * contract with compiled byte-level checks (SPEC §2).
 */
const timestampText = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?$/,
    'expected YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]',
  );
const dateOrTimestampText = z.union([z.iso.date(), timestampText]);
const nonEmpty = z.string().min(1);

/** A bronze event line (JSON object). Unknown extra fields are allowed and ignored. */
export const BronzeEvent = z.looseObject({
  event_id: nonEmpty,
  session_id: nonEmpty,
  user_id: nonEmpty,
  event_type: nonEmpty,
  event_timestamp: timestampText,
  event_details: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type BronzeEvent = z.infer<typeof BronzeEvent>;

/** A bronze transaction CSV row, fields as text. */
export const BronzeTransaction = z.object({
  transaction_id: nonEmpty,
  session_id: nonEmpty,
  user_id: nonEmpty,
  amount: z.string().regex(/^[+-]?(\d{1,8}(\.\d{0,2})?|\.\d{1,2})$/, 'expected a DECIMAL(10,2) amount'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected 3 upper-case letters'),
  transaction_timestamp: timestampText,
});
export type BronzeTransaction = z.infer<typeof BronzeTransaction>;

/** A bronze user CSV row, fields as text (`updated_at` optional). */
export const BronzeUser = z.object({
  user_id: nonEmpty,
  signup_date: dateOrTimestampText,
  device_type: z.string(),
  country: z.string(),
  updated_at: dateOrTimestampText.optional(),
});
export type BronzeUser = z.infer<typeof BronzeUser>;

/** The three bronze sources. */
export const SOURCES = ['users', 'events', 'transactions'] as const;
/** A bronze source name. */
export type SourceName = (typeof SOURCES)[number];

/** The event types SPEC §4's default rule set accepts. */
export const EVENT_TYPES = [
  'page_view',
  'click',
  'scroll',
  'search',
  'add_to_cart',
  'remove_from_cart',
  'checkout',
  'purchase',
  'login',
  'logout',
  'signup',
] as const;
