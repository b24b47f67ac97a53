/**
 * Bronze readers: stream raw files into silver-shaped Arrow tables, applying the record contract
 * of SPEC §2 (every non-blank line/record is either a row or a quarantined line with a reason).
 *
 * @example
 * ```ts
 * import { bytesInput, readEvents } from './read/index.js';
 * import { TimeZone } from './time/index.js';
 *
 * const result = await readEvents([bytesInput('events.jsonl', text)], { timeZone: TimeZone.of('America/Lima') });
 * console.log(result.valid, result.quarantined.map((q) => q.reason));
 * ```
 *
 * @module
 */

import type { SourceName } from '../../schemas/bronze.js';
import type { InputFile } from './input-file.js';
import { readEvents } from './read-events.js';
import type { ReadOptions, SourceReadResult } from './read-result.js';
import { readTransactions } from './read-transactions.js';
import { readUsers } from './read-users.js';

export { CsvRecord } from './csv-record.js';
export { parseHundredths } from './decimal.js';
export { type BytesInputOptions, bytesInput, type InputFile } from './input-file.js';
export { JSON_KIND_NAMES, JsonError, JsonKind, JsonScanner } from './json-scanner.js';
export {
  DEFAULT_MAX_LINE_BYTES,
  isBlank,
  type LineBatch,
  LineSplitter,
  type LineSplitterOptions,
  splitLines,
  TOO_LONG_RAW_BYTES,
} from './line-splitter.js';
export { readEvents } from './read-events.js';
export {
  InputFormatError,
  type QuarantinedLine,
  type ReadOptions,
  type SourceReadResult,
} from './read-result.js';
export { readTransactions } from './read-transactions.js';
export { readUsers } from './read-users.js';
export { invalidUtf8At } from './utf8.js';

/** A bronze reader. */
export type SourceReader = (files: readonly InputFile[], options: ReadOptions) => Promise<SourceReadResult>;

/**
 * The reader of each source, so adding a source is a compile error until it has one.
 *
 * @example
 * ```ts
 * const result = await READERS[source](files, { timeZone });
 * ```
 */
export const READERS: { readonly [S in SourceName]: SourceReader } = {
  events: readEvents,
  transactions: readTransactions,
  users: readUsers,
};
