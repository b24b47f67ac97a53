/**
 * The loop shared by the three readers: files in order → lines/records → a source-specific sink
 * that validates and appends, with line-level bookkeeping (counts, `line_too_long`, quarantine
 * records) done once here.
 *
 * @module
 */

import type { SourceName } from '../../schemas/bronze.js';
import type { InputFile } from './input-file.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, splitLines } from './line-splitter.js';
import { InputFormatError, type QuarantinedLine, type ReadOptions } from './read-result.js';

/** Why a record is rejected; built only on the (rare) failure path. */
export interface Rejection {
  readonly reason: string;
  readonly field?: string;
  /** The message after `file:line: `. */
  readonly detail: string;
}

/** Builds a {@link Rejection} (omitting `field` when there is none, for exactOptionalPropertyTypes). */
export function reject(reason: string, detail: string, field?: string): Rejection {
  return field === undefined ? { reason, detail } : { reason, field, detail };
}

/** A source's validation and column building, fed one record at a time. */
export interface RecordSink {
  /** True while the next record is the current file's header (CSV); such a record is not counted. */
  readonly awaitingHeader: boolean;
  /** Called before the first record of each file. */
  startFile(path: string): void;
  /**
   * Validates `bytes[start, end)` and, when valid, appends it to the columns. Must not append
   * anything for a record it rejects.
   * @returns `undefined` when appended (or consumed as the header), else why it is rejected.
   */
  record(bytes: Uint8Array, start: number, end: number, line: number): Rejection | undefined;
}

/** Totals of {@link driveRecords}. */
export interface DriveResult {
  readonly read: number;
  readonly bytes: number;
  readonly quarantined: QuarantinedLine[];
}

// ignoreBOM: a U+FEFF that is not at the start of the file is data and must survive decoding.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Validates {@link ReadOptions} early (a configuration error is thrown, not quarantined). */
export function checkReadOptions(options: ReadOptions): void {
  if (options === null || typeof options !== 'object' || typeof options.timeZone?.localToUtc !== 'function') {
    throw new TypeError('ReadOptions.timeZone is required: pass TimeZone.of("UTC") or another IANA zone');
  }
  const max = options.maxLineBytes;
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new RangeError(`ReadOptions.maxLineBytes must be a positive integer, got ${max}`);
  }
}

/** Runs `sink` over every line (or CSV record, with `csvQuotes`) of `files`, in order. */
export async function driveRecords(
  source: SourceName,
  files: readonly InputFile[],
  options: ReadOptions,
  csvQuotes: boolean,
  sink: RecordSink,
): Promise<DriveResult> {
  const quarantined: QuarantinedLine[] = [];
  let read = 0;
  let bytesRead = 0;
  for (const file of files) {
    const path = file.path;
    sink.startFile(path);
    const splitter = new LineSplitter(
      options.maxLineBytes === undefined ? { csvQuotes } : { csvQuotes, maxLineBytes: options.maxLineBytes },
    );
    for await (const batch of splitLines(file.chunks(), {}, splitter)) {
      const { bytes, starts, ends, lines, lengths } = batch;
      for (let k = 0; k < batch.count; k++) {
        const start = starts[k]!;
        const end = ends[k]!;
        const line = lines[k]!;
        const truncated = lengths[k] !== end - start;
        if (sink.awaitingHeader) {
          if (truncated)
            throw new InputFormatError(path, `the header (line ${line}) is longer than maxLineBytes`);
          sink.record(bytes, start, end, line);
          continue;
        }
        read++;
        const rejection = truncated
          ? reject(
              'line_too_long',
              `line is ${lengths[k]} bytes, longer than maxLineBytes (${options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES}); raw text truncated to its first ${end - start} bytes`,
            )
          : sink.record(bytes, start, end, line);
        if (rejection !== undefined) {
          const raw = decoder.decode(bytes.subarray(start, end));
          const message = `${path}:${line}: ${rejection.detail}`;
          quarantined.push(
            rejection.field === undefined
              ? { source, file: path, line, reason: rejection.reason, message, raw }
              : { source, file: path, line, reason: rejection.reason, field: rejection.field, message, raw },
          );
        }
      }
    }
    bytesRead += splitter.bytesRead;
  }
  return { read, bytes: bytesRead, quarantined };
}

/** A value for a message: quoted, control characters escaped, cut at 80 characters. */
export function shown(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return JSON.stringify(cut);
}
