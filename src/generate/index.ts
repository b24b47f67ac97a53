/**
 * Mock bronze data generator: the seed's `generate_mock_data.py` in
 * TypeScript, seeded, streaming, with the data-quality cases a pipeline
 * test needs. Entry point: {@link generate}; options: {@link GenerateOptionsSchema}
 * and {@link parseConfigIni}; what a pipeline must quarantine: {@link EVENT_CORRUPTIONS},
 * {@link TRANSACTION_CORRUPTIONS}, {@link USER_CORRUPTIONS} and the summary's `corrupt` counts.
 *
 * @packageDocumentation
 */
export type { LineRoleValue } from './arrival-buckets.js';
export { ArrivalBuckets, arrivalOrder, HourBucket, LineRole } from './arrival-buckets.js';
export { CHUNK_BYTES, ChunkedWriter, MAX_CHUNKS_IN_FLIGHT } from './chunked-writer.js';
export type {
  CorruptionReason,
  CorruptLineBuilder,
  EventCorruption,
  TransactionCorruption,
  UserCorruption,
} from './corrupt-lines.js';
export {
  BLANK_LINES,
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
export type { GeneratedEventType } from './event-lines.js';
export {
  EVENT_TYPES,
  EventLineEncoder,
  NULL_DETAILS_RATE,
  PURCHASE_RATE,
  putPythonPrice,
} from './event-lines.js';
export type { GenerateSummary } from './generate.js';
export { COUNTRIES, DEVICE_TYPES, GENERATOR_SHAPE, generate } from './generate.js';
export type { GenerateOptions, GenerateOptionsInput } from './options.js';
export {
  ConfigIniError,
  DEFAULT_DAYS,
  DEFAULT_START,
  GenerateOptionsSchema,
  parseConfigIni,
} from './options.js';
export type { RandomStreamName } from './prng.js';
export { RandomStream, Sfc32 } from './prng.js';
export { CURRENCIES, TRANSACTIONS_HEADER, TransactionLineEncoder } from './transaction-lines.js';
export {
  ISO_SEPARATOR,
  isCivilDate,
  parseIsoDate,
  SPACE_SEPARATOR,
  WallClockFormatter,
} from './wall-clock.js';
