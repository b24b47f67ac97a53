import { makeVector } from 'apache-arrow';
import { silverEventsArrowSchema } from '../../schemas/silver.js';
import { DictionaryBuilder } from '../columns/dictionary-builder.js';
import { NumericBuilder } from '../columns/numeric-builder.js';
import { withSchema } from '../columns/take.js';
import { Utf8Builder } from '../columns/utf8-builder.js';
import { parseTimestamp, parseTimestampString, type TimeZone } from '../time/index.js';
import type { InputFile } from './input-file.js';
import { JSON_KIND_NAMES, JsonError, JsonKind, JsonScanner } from './json-scanner.js';
import type { ReadOptions, SourceReadResult } from './read-result.js';
import {
  checkReadOptions,
  driveRecords,
  type RecordSink,
  type Rejection,
  reject,
  shown,
} from './record-driver.js';

/** Keys the events reader looks up, in slot order; the first four are the required id strings. */
const EVENT_KEYS = [
  'event_id',
  'session_id',
  'user_id',
  'event_type',
  'event_timestamp',
  'event_details',
] as const;
const SLOT_TIMESTAMP = 4;
const SLOT_DETAILS = 5;

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const TIMESTAMP_FORMAT = 'expected YYYY-MM-DD[T ]HH:MM:SS[.ffffff][Z|±HH:MM]';

/** Validates event lines (SPEC §2) and appends the valid ones to the silver event columns. */
class EventSink implements RecordSink {
  readonly awaitingHeader = false;
  readonly scanner = new JsonScanner(EVENT_KEYS);
  readonly eventId = new Utf8Builder();
  readonly sessionId = new Utf8Builder();
  readonly userId = new Utf8Builder();
  readonly eventType = new DictionaryBuilder();
  readonly eventTimestamp = new NumericBuilder('timestamp');
  readonly eventDetails = new Utf8Builder();
  valid = 0;

  constructor(private readonly zone: TimeZone) {}

  startFile(): void {}

  record(bytes: Uint8Array, start: number, end: number): Rejection | undefined {
    const scanner = this.scanner;
    if (!scanner.scan(bytes, start, end)) {
      const what = scanner.errorMessage(bytes, end);
      return scanner.error === JsonError.utf8
        ? reject('invalid_utf8', `not valid UTF-8: ${what}`)
        : reject('malformed_json', `not valid JSON: ${what}`);
    }
    if (scanner.topKind !== JsonKind.object) {
      return reject(
        'not_an_object',
        `expected a JSON object, got ${articled(JSON_KIND_NAMES[scanner.topKind])}`,
      );
    }
    const { kinds, starts, ends } = scanner;
    // Validate everything before appending anything, so a rejected line leaves no partial row.
    for (let slot = 0; slot < SLOT_TIMESTAMP; slot++) {
      const kind = kinds[slot]!;
      if (kind === JsonKind.string && ends[slot]! - starts[slot]! > 2) continue;
      const field = EVENT_KEYS[slot]!;
      if (kind === JsonKind.string) return reject(`missing_field:${field}`, `${field} is empty`, field);
      if (kind === JsonKind.absent) return reject(`missing_field:${field}`, `${field} is missing`, field);
      if (kind === JsonKind.null) return reject(`missing_field:${field}`, `${field} is null`, field);
      return this.wrongType(bytes, slot, 'a string');
    }
    // A `\uD800`-style escape of an unpaired surrogate is valid JSON but has no UTF-8 form: writing
    // it would silently turn it into U+FFFD (and merge distinct ids), so the line is rejected.
    for (let slot = 0; slot < SLOT_TIMESTAMP; slot++) {
      if (!scanner.escaped[slot] || !hasLoneSurrogate(scanner.stringValue(bytes, slot))) continue;
      const field = EVENT_KEYS[slot]!;
      return reject(
        'invalid_utf8',
        `${field} holds an escaped unpaired surrogate (\\uD800–\\uDFFF alone), which has no UTF-8 form`,
        field,
      );
    }
    const timestampKind = kinds[SLOT_TIMESTAMP]!;
    if (timestampKind === JsonKind.absent || timestampKind === JsonKind.null) {
      const what = timestampKind === JsonKind.absent ? 'missing' : 'null';
      return reject('missing_field:event_timestamp', `event_timestamp is ${what}`, 'event_timestamp');
    }
    if (timestampKind !== JsonKind.string) return this.wrongType(bytes, SLOT_TIMESTAMP, 'a string');
    const timestamp = scanner.escaped[SLOT_TIMESTAMP]
      ? parseTimestampString(scanner.stringValue(bytes, SLOT_TIMESTAMP), this.zone)
      : parseTimestamp(bytes, starts[SLOT_TIMESTAMP]! + 1, ends[SLOT_TIMESTAMP]! - 1, this.zone);
    if (Number.isNaN(timestamp)) {
      return reject(
        'invalid_timestamp:event_timestamp',
        `event_timestamp ${shown(scanner.stringValue(bytes, SLOT_TIMESTAMP))} is not a valid timestamp (${TIMESTAMP_FORMAT})`,
        'event_timestamp',
      );
    }
    const detailsKind = kinds[SLOT_DETAILS]!;
    if (detailsKind !== JsonKind.absent && detailsKind !== JsonKind.null && detailsKind !== JsonKind.object) {
      return this.wrongType(bytes, SLOT_DETAILS, 'an object or null');
    }

    this.appendString(this.eventId, bytes, 0);
    this.appendString(this.sessionId, bytes, 1);
    this.appendString(this.userId, bytes, 2);
    if (scanner.escaped[3]) this.eventType.appendString(scanner.stringValue(bytes, 3));
    else this.eventType.appendBytes(bytes, starts[3]! + 1, ends[3]! - 1);
    this.eventTimestamp.append(timestamp);
    if (detailsKind === JsonKind.object)
      this.eventDetails.appendBytes(bytes, starts[SLOT_DETAILS]!, ends[SLOT_DETAILS]!);
    else this.eventDetails.appendNull();
    this.valid++;
    return undefined;
  }

  private appendString(builder: Utf8Builder, bytes: Uint8Array, slot: number): void {
    const scanner = this.scanner;
    if (scanner.escaped[slot]) builder.appendString(scanner.stringValue(bytes, slot));
    else builder.appendBytes(bytes, scanner.starts[slot]! + 1, scanner.ends[slot]! - 1);
  }

  private wrongType(bytes: Uint8Array, slot: number, expected: string): Rejection {
    const field = EVENT_KEYS[slot]!;
    const scanner = this.scanner;
    const kind = JSON_KIND_NAMES[scanner.kinds[slot]!];
    const text = decoder.decode(bytes.subarray(scanner.starts[slot]!, scanner.ends[slot]!));
    const value = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    return reject(`invalid_type:${field}`, `${field} must be ${expected}, got ${kind} ${value}`, field);
  }
}

/** True when `text` holds a UTF-16 surrogate code unit that is not part of a pair. */
function hasLoneSurrogate(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    const next = text.charCodeAt(i + 1);
    if (c > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return true;
    i++;
  }
  return false;
}

function articled(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/**
 * Reads bronze events (JSON Lines) into the silver events columns, quarantining invalid lines
 * (SPEC §2): `malformed_json` (or `invalid_utf8`), `not_an_object`, then per field in the order
 * event_id, session_id, user_id, event_type (`missing_field:<f>` when absent, null or "",
 * `invalid_type:<f>` when not a string; `invalid_utf8` when one holds an escaped unpaired surrogate
 * such as `"\\uD800"`, which UTF-8 cannot represent), event_timestamp (`missing_field`, `invalid_type`,
 * `invalid_timestamp`), and `invalid_type:event_details` when it is neither an object nor null.
 * `event_details` is kept as its exact JSON text; unknown keys are ignored; for a duplicated key the
 * last value wins, as with `JSON.parse`.
 *
 * Streaming and byte-level: no JS object or string per line on the valid path.
 *
 * @param files - the event files, in arrival order (callers sort paths lexicographically, SPEC §1).
 * @param options - the run's time zone for timestamps without offset; `maxLineBytes`.
 * @example
 * ```ts
 * const result = await readEvents([bytesInput('events.jsonl', text)], { timeZone: TimeZone.of('America/Lima') });
 * result.table.numRows === result.valid; // true
 * result.read === result.valid + result.quarantined.length; // true
 * ```
 */
export async function readEvents(
  files: readonly InputFile[],
  options: ReadOptions,
): Promise<SourceReadResult> {
  checkReadOptions(options);
  const sink = new EventSink(options.timeZone);
  const { read, bytes, quarantined } = await driveRecords('events', files, options, false, sink);
  const table = withSchema(
    {
      event_id: makeVector(sink.eventId.finish()),
      session_id: makeVector(sink.sessionId.finish()),
      user_id: makeVector(sink.userId.finish()),
      event_type: makeVector(sink.eventType.finish()),
      event_timestamp: makeVector(sink.eventTimestamp.finish()),
      event_details: makeVector(sink.eventDetails.finish()),
    },
    silverEventsArrowSchema,
  );
  return { source: 'events', table, quarantined, read, valid: sink.valid, bytes };
}
