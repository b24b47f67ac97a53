/**
 * Mock bronze data generator: the seed's `generate_mock_data.py` in
 * TypeScript, seeded, streaming, with the data-quality cases a pipeline
 * test needs. Entry point: {@link generate}.
 *
 * @packageDocumentation
 */
export type { HourBucket, LineRoleValue } from './arrival-buckets.js';
export { ArrivalBuckets, arrivalOrder, LineRole } from './arrival-buckets.js';
export { CHUNK_BYTES, ChunkedWriter } from './chunked-writer.js';
export type { CivilDate } from './civil-time.js';
export {
  civilFromDays,
  daysFromCivil,
  isCivilDate,
  MICROS_PER_HOUR,
  MICROS_PER_SECOND,
  parseIsoDate,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
  WallClockFormatter,
} from './civil-time.js';
export type {
  CorruptionReason,
  CorruptLineBuilder,
  EventCorruption,
  TransactionCorruption,
  UserCorruption,
} from './corrupt-lines.js';
export {
  corruptEventLine,
  corruptTransactionLine,
  corruptUserLine,
  EVENT_CORRUPTIONS,
  INVALID_AMOUNTS,
  INVALID_CURRENCIES,
  INVALID_TIMESTAMPS,
  LineCorrupter,
  pyJson,
  TRANSACTION_CORRUPTIONS,
  USER_CORRUPTIONS,
} from './corrupt-lines.js';
export type { GeneratedEventType } from './event-details.js';
export { EVENT_TYPES, EventDetailsFactory, NULL_DETAILS_RATE, PURCHASE_RATE, pythonPrice } from './event-details.js';
export type { GenerateSummary } from './generate.js';
export { COUNTRIES, CURRENCIES, DEVICE_TYPES, GENERATOR_SHAPE, generate } from './generate.js';
export type { GenerateOptions, GenerateOptionsInput } from './options.js';
export { ConfigIniError, DEFAULT_DAYS, DEFAULT_START, GenerateOptionsSchema, parseConfigIni } from './options.js';
export type { RandomStreamName } from './prng.js';
export { RandomStream, Sfc32 } from './prng.js';
