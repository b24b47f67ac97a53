import { z } from 'zod';
import { SOURCES } from './bronze.js';

/**
 * Machine-readable quarantine reasons (SPEC §2). Field-specific reasons are `<code>:<field>`,
 * e.g. `missing_field:event_id`, `invalid_timestamp:event_timestamp`.
 */
export const QUARANTINE_CODES = [
  'malformed_json',
  'not_an_object',
  'missing_field',
  'invalid_type',
  'invalid_timestamp',
  'invalid_decimal',
  'invalid_currency',
  'wrong_field_count',
  'line_too_long',
  'invalid_utf8',
] as const;
export type QuarantineCode = (typeof QUARANTINE_CODES)[number];

/** One quarantined input line, as written to `quarantine/<source>/<run-id>.jsonl`. */
export const QuarantineRecord = z.strictObject({
  source: z.enum(SOURCES),
  file: z.string(),
  line: z.int().positive(),
  reason: z.string().regex(/^[a-z_]+(:[A-Za-z0-9_]+)?$/),
  message: z.string(),
  /** The line's text; invalid UTF-8 shows as U+FFFD (the exact bytes are in `raw_base64`). */
  raw: z.string(),
  /** Base64 of the line's exact bytes, present only when they are not valid UTF-8. */
  raw_base64: z.base64().optional(),
  run_id: z.string(),
});
export type QuarantineRecord = z.infer<typeof QuarantineRecord>;
