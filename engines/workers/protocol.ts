/**
 * What the main thread and the workers say to each other. Everything here is a structured-clone
 * value (plan JSON, plain objects, typed arrays whose buffers are transferred), so a worker never
 * needs anything but a message to do its part (STYLE: worker engines are transports).
 *
 * @module
 */

import { type Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import type { SourceName } from '../../schemas/bronze.js';
import { InputFormatError, type QuarantinedLine } from '../../src/read/index.js';

/** One block of one bronze file, cut at a line (CSV: record) boundary. */
export interface BlockFile {
  /** The file's path as quarantine records show it. */
  readonly path: string;
  /**
   * Bytes the worker feeds the reader before `body`: the file's header record for CSV, a single
   * line break for JSON Lines (so a body starting with U+FEFF is not taken for a BOM), or null for
   * a file's first block. Its line breaks shift the reader's line numbers; the main thread
   * shifts them back.
   */
  readonly prefix: Uint8Array | null;
  /** The block's bytes; its buffer is transferred. */
  readonly body: Uint8Array;
}

/** Starts an execution: the plan travels as JSON and is validated again on the worker side. */
export interface BeginRequest {
  readonly type: 'begin';
  readonly exec: string;
  readonly plan: unknown;
  readonly processingTimestamp: number;
}

/**
 * Parses consecutive blocks as one input (several small files, or one block of a large file; no
 * two blocks of one path). With no blocks: an empty table in the source's schema.
 */
export interface ParseRequest {
  readonly type: 'parse';
  readonly exec: string;
  readonly source: SourceName;
  readonly files: readonly BlockFile[];
  /** Columns to hash-partition the valid rows by (empty: all rows go to `fallback`). */
  readonly key: readonly string[];
  readonly partitions: number;
  /** Partition of every row when `key` is empty. */
  readonly fallback: number;
}

/** Stores a relation partition built from pieces merged by arrival (each piece's offset added). */
export interface StoreRequest {
  readonly type: 'store';
  readonly exec: string;
  readonly relation: string;
  /** Arrow IPC streams, each one batch with an `__arrival` column ascending. */
  readonly pieces: readonly Uint8Array[];
  /** Added to each piece's `__arrival` values. */
  readonly offsets: readonly number[];
}

/** Runs plan step `index` on this worker's partitions. */
export interface StepRequest {
  readonly type: 'step';
  readonly exec: string;
  readonly index: number;
  /**
   * Input relations the step reads under another name (a projection shuffled for it), by the
   * plan's name. The worker drops them once the step ran.
   */
  readonly inputs?: Readonly<Record<string, string>>;
}

/**
 * Splits this worker's partition of a relation by a hash of `key` into `partitions` pieces: every
 * column, or only `columns` (and `__arrival`).
 */
export interface SplitRequest {
  readonly type: 'split';
  readonly exec: string;
  readonly relation: string;
  readonly key: readonly string[];
  readonly partitions: number;
  readonly columns?: readonly string[];
}

/** Keeps only the rows of a (broadcast) relation whose key hashes to `partition`. */
export interface FilterRequest {
  readonly type: 'filter';
  readonly exec: string;
  readonly relation: string;
  readonly key: readonly string[];
  readonly partitions: number;
  readonly partition: number;
}

/**
 * Dedup, narrow path, 1/3: project this worker's partition of the dedup step's input to its key
 * columns, order column and `__arrival` (plus `__home`, this worker), split by a hash of the key.
 */
export interface DedupKeysRequest {
  readonly type: 'dedup-keys';
  readonly exec: string;
  readonly index: number;
  readonly partitions: number;
  readonly home: number;
}

/**
 * Dedup, narrow path, 2/3: merge the key pieces hashed to this worker, run the reference dedup on
 * them and return the surviving arrivals, split by the worker that holds their rows.
 */
export interface DedupWinnersRequest {
  readonly type: 'dedup-winners';
  readonly exec: string;
  readonly index: number;
  readonly pieces: readonly Uint8Array[];
  readonly partitions: number;
}

/** Dedup, narrow path, 3/3: keep the rows whose arrivals survived (each list ascending). */
export interface DedupKeepRequest {
  readonly type: 'dedup-keep';
  readonly exec: string;
  readonly index: number;
  readonly keep: readonly Int32Array[];
}

/** Sends this worker's partition of a relation back as Arrow IPC. */
export interface GatherRequest {
  readonly type: 'gather';
  readonly exec: string;
  readonly relation: string;
}

/** Ends an execution: the worker drops everything it holds for it. */
export interface EndRequest {
  readonly type: 'end';
  readonly exec: string;
}

/** Any request. */
export type WorkerRequest =
  | BeginRequest
  | ParseRequest
  | StoreRequest
  | StepRequest
  | SplitRequest
  | FilterRequest
  | GatherRequest
  | DedupKeysRequest
  | DedupWinnersRequest
  | DedupKeepRequest
  | EndRequest;

/** Reply to {@link ParseRequest}. Quarantine lines are numbered as the worker's reader saw them. */
export interface ParseReply {
  readonly read: number;
  readonly valid: number;
  readonly quarantined: QuarantinedLine[];
  /** Per block: line breaks in its prefix and in its body. */
  readonly prefixLines: number[];
  readonly bodyLines: number[];
  /** One IPC stream per partition. */
  readonly pieces: Uint8Array[];
}

/** Reply to {@link StepRequest}: rows produced plus the step's counters. */
export interface StepReply {
  readonly rows: number;
  readonly duplicates?: number;
  readonly orphans?: number;
  readonly withTransaction?: number;
}

/** Reply of every other request. */
export interface RowsReply {
  readonly rows: number;
}

/** Reply to {@link SplitRequest}. */
export interface PiecesReply {
  readonly pieces: Uint8Array[];
}

/** Reply to {@link GatherRequest}. */
export interface IpcReply {
  readonly ipc: Uint8Array;
}

/** Reply to {@link DedupWinnersRequest}. */
export interface WinnersReply {
  /** Input rows (key rows) that lost to a later or greater duplicate. */
  readonly duplicates: number;
  /** Surviving arrivals, one ascending list per worker holding the rows. */
  readonly keep: Int32Array[];
}

/** The reply type of each request type. */
export interface ReplyOf {
  begin: RowsReply;
  parse: ParseReply;
  store: RowsReply;
  step: StepReply;
  split: PiecesReply;
  filter: RowsReply;
  gather: IpcReply;
  'dedup-keys': PiecesReply;
  'dedup-winners': WinnersReply;
  'dedup-keep': RowsReply;
  end: RowsReply;
}

/** An error as it crosses the thread boundary. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** {@link InputFormatError} details. */
  readonly file?: string;
  readonly missingColumns?: readonly string[];
}

/** What a worker posts back for one request. */
export type WorkerResponse =
  | { readonly ok: true; readonly reply: unknown }
  | { readonly ok: false; readonly error: WireError };

/** Flattens an error for `postMessage` (class identity does not survive structured cloning). */
export function toWireError(error: unknown): WireError {
  if (error instanceof InputFormatError) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
      file: error.file,
      missingColumns: [...error.missingColumns],
    };
  }
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    };
  }
  return { name: 'Error', message: String(error) };
}

/**
 * Rebuilds a worker's error on the main thread: an {@link InputFormatError} comes back as one, with
 * the very message the reference engine throws, so callers (the CLI's exit code 1) see no
 * difference.
 */
export function fromWireError(wire: WireError): Error {
  if (wire.name === 'InputFormatError' && wire.file !== undefined) {
    const prefix = `${wire.file}: `;
    const detail = wire.message.startsWith(prefix) ? wire.message.slice(prefix.length) : wire.message;
    return new InputFormatError(wire.file, detail, wire.missingColumns ?? []);
  }
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.stack !== undefined) error.stack = `${wire.stack}\n    (in a goldsmith worker thread)`;
  return error;
}

/** The buffers of `arrays`, deduplicated, for a transfer list (shared memory is not transferred). */
export function buffersOf(arrays: readonly ArrayBufferView[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}

/** Arrow IPC stream bytes of a table (its buffer is the one to transfer). */
export function toIpc(table: Table): Uint8Array {
  return tableToIPC(table, 'stream');
}

/** A table from IPC bytes (zero-copy views where alignment allows). */
export function fromIpc(bytes: Uint8Array): Table {
  return tableFromIPC(bytes);
}
