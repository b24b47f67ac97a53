/**
 * The loop shared by the three readers: files in order → lines/records → a source-specific sink
 * that validates and appends, with line-level bookkeeping (counts, `line_too_long`, quarantine
 * records) done once here.
 *
 * @module
 */

import type { SourceName } from '../../schemas/bronze.js';
import { toBase64 } from './base64.js';
import type { InputFile } from './input-file.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, splitLines } from './line-splitter.js';
import { InputFormatError, type QuarantinedLine, type ReadOptions } from './read-result.js';
import { invalidUtf8At } from './utf8.js';

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
  const maxFile = options.maxFileBytes;
  if (maxFile !== undefined && (!Number.isSafeInteger(maxFile) || maxFile < 1)) {
    throw new RangeError(`ReadOptions.maxFileBytes must be a positive integer, got ${maxFile}`);
  }
}

function tooLarge(path: string, size: string, max: number): InputFormatError {
  return new InputFormatError(
    path,
    `the file is ${size} bytes, larger than maxFileBytes (${max}); split it or raise the limit`,
  );
}

/** Fails with {@link InputFormatError} when the file's known size exceeds `max` bytes. */
export function checkFileSize(file: InputFile, max: number | undefined): void {
  if (max !== undefined && file.size !== undefined && file.size > max)
    throw tooLarge(file.path, String(file.size), max);
}

/** The file's chunks, failing with {@link InputFormatError} once more than `max` bytes arrived. */
async function* limitedChunks(file: InputFile, max: number | undefined): AsyncIterable<Uint8Array> {
  if (max === undefined) {
    yield* file.chunks();
    return;
  }
  checkFileSize(file, max);
  let seen = 0;
  for await (const chunk of file.chunks()) {
    seen += chunk.length;
    if (seen > max) throw tooLarge(file.path, `at least ${seen}`, max);
    yield chunk;
  }
}

/**
 * The quarantine record of `bytes[start, end)`: `raw` is its text, plus `rawBase64` with the
 * exact bytes when they are not valid UTF-8 (which `raw` would show as U+FFFD).
 */
function quarantineLine(
  source: SourceName,
  path: string,
  line: number,
  rejection: Rejection,
  bytes: Uint8Array,
  start: number,
  end: number,
): QuarantinedLine {
  const raw = decoder.decode(bytes.subarray(start, end));
  const message = `${path}:${line}: ${rejection.detail}`;
  const base = { source, file: path, line, reason: rejection.reason };
  const withField = rejection.field === undefined ? base : { ...base, field: rejection.field };
  return invalidUtf8At(bytes, start, end) < 0
    ? { ...withField, message, raw }
    : { ...withField, message, raw, rawBase64: toBase64(bytes, start, end) };
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
    for await (const batch of splitLines(limitedChunks(file, options.maxFileBytes), {}, splitter)) {
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
        if (rejection !== undefined)
          quarantined.push(quarantineLine(source, path, line, rejection, bytes, start, end));
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
