/**
 * Time handling for goldsmith: byte-level timestamp parsing, calendar arithmetic and IANA time zones with
 * Spark (`java.time`) semantics. Instants are microseconds since the Unix epoch (UTC) in a `number`; dates
 * are days since 1970-01-01.
 *
 * @example
 * ```ts
 * import { TimeZone, parseTimestampString, formatTimestamp } from './time/index.js';
 * formatTimestamp(parseTimestampString('2025-09-05 12:00:00', TimeZone.of('America/Lima')));
 * // '2025-09-05T17:00:00.000000Z'
 * ```
 *
 * @module
 */

export { InvalidTimeZoneError, TimeZone } from './time-zone.js';
export {
  civilFromDays,
  daysFromCivil,
  floorDiv,
  formatDay,
  formatTimestamp,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  parseDateOrTimestamp,
  parseTimestamp,
  parseTimestampString,
} from './timestamp.js';
