import type { Table } from 'apache-arrow';
import type { SourceName } from '../../schemas/bronze.js';
import type { TimeZone } from '../time/index.js';

/**
 * Options of the bronze readers.
 *
 * @example
 * ```ts
 * const options: ReadOptions = { timeZone: TimeZone.of('America/Lima') };
 * ```
 */
export interface ReadOptions {
  /** Zone of timestamps written without `Z`/offset, and of bare dates (SPEC §1). */
  readonly timeZone: TimeZone;
  /**
   * Longest line or CSV record, in bytes, read normally; a longer one is quarantined as
   * `line_too_long` with only its first `min(4096, maxLineBytes)` bytes as raw text, so one
   * runaway line cannot exhaust memory. Default 64 MiB.
   */
  readonly maxLineBytes?: number;
  /**
   * Largest input file, in bytes, the readers accept; a larger one fails the read with an
   * {@link InputFormatError} naming the file, its size and the limit (checked against
   * {@link InputFile.size} before reading when known, else while streaming). A whole file is not
   * quarantined: it is not a line, and its bytes could not be kept. Default: no limit.
   */
  readonly maxFileBytes?: number;
}

/**
 * One quarantined input line or CSV record (SPEC §2). The run id is added by the caller when the
 * record is written (see `QuarantineRecord` in `schemas/quarantine.ts`).
 */
export interface QuarantinedLine {
  readonly source: SourceName;
  /** {@link InputFile.path} of the file. */
  readonly file: string;
  /** 1-based line the line/record starts on. */
  readonly line: number;
  /** Machine-readable reason, e.g. `missing_field:event_id`, `invalid_decimal:amount`. */
  readonly reason: string;
  /** The field the reason is about, when there is one. */
  readonly field?: string;
  /** Human-readable, naming file, line and field, e.g. `events.jsonl:17: event_id is missing`. */
  readonly message: string;
  /**
   * The raw text without its line break (a CSV record's text may span lines). Invalid UTF-8 shows
   * as U+FFFD here, and the exact bytes are in {@link QuarantinedLine.rawBase64}; a
   * `line_too_long` line keeps only its first bytes (its message says so).
   */
  readonly raw: string;
  /**
   * The exact bytes of {@link QuarantinedLine.raw} in base64, present only when they are not
   * valid UTF-8 (so `raw` could not hold them losslessly).
   */
  readonly rawBase64?: string;
}

/**
 * What a reader returns for one source.
 *
 * Invariant: `read === valid + quarantined.length`, where `read` counts non-blank lines (JSON
 * Lines) or records (CSV, header excluded).
 */
export interface SourceReadResult {
  readonly source: SourceName;
  /**
   * Valid rows, exactly the silver schema's columns in order, in input order (files as given,
   * lines in file order): the row index is the arrival order deduplication relies on (SPEC §3).
   */
  readonly table: Table;
  /** Rejected lines/records, in input order. */
  readonly quarantined: QuarantinedLine[];
  /** Non-blank lines/records seen. */
  readonly read: number;
  /** Rows in `table`. */
  readonly valid: number;
  /** Bytes read, BOM and line breaks included. */
  readonly bytes: number;
}

/**
 * A file-level problem that makes a whole file unreadable (not a row-level one, which is
 * quarantined instead), e.g. a CSV header missing a required column.
 *
 * @example
 * ```ts
 * try { await readUsers(files, options); } catch (e) { if (e instanceof InputFormatError) console.error(e.file); }
 * ```
 */
export class InputFormatError extends Error {
  /** The file's {@link InputFile.path}. */
  readonly file: string;
  /** Required columns the header lacks (empty for other problems). */
  readonly missingColumns: readonly string[];

  constructor(file: string, message: string, missingColumns: readonly string[] = []) {
    super(`${file}: ${message}`);
    this.name = 'InputFormatError';
    this.file = file;
    this.missingColumns = missingColumns;
  }
}
