/**
 * A bronze input file as the readers see it: a name for quarantine records and a stream of bytes.
 * The readers never touch `fs` or S3 themselves (STYLE: backends are injected), so a local file, an
 * S3 object or an in-memory buffer all look the same.
 *
 * @example
 * ```ts
 * const file: InputFile = { path: 'events/2024-11-15.jsonl', chunks: () => someByteStream };
 * ```
 */
export interface InputFile {
  /** The path quarantine records and messages show, e.g. `bronze/events/events.jsonl`. */
  readonly path: string;
  /**
   * Size in bytes when known up front (local files, S3 objects). Incremental runs use path and size
   * to recognise files they ingested before.
   */
  readonly size?: number;
  /**
   * The file's bytes in order, in chunks of any size. Called once per read. A chunk must not be
   * mutated until the next one is requested (the readers look at it in place, zero-copy).
   */
  chunks(): AsyncIterable<Uint8Array>;
}

/** Options of {@link bytesInput}. */
export interface BytesInputOptions {
  /**
   * Deliver the bytes in chunks of this many bytes (default: one chunk), e.g. to test chunking. A
   * list of sizes is used in turn, cycling: `[1, 5]` gives chunks of 1, 5, 1, 5, … bytes.
   */
  readonly chunkSize?: number | readonly number[];
}

const encoder = new TextEncoder();

/**
 * An {@link InputFile} over bytes or a string already in memory (tests, Lambda payloads, Firehose
 * records). Strings are encoded as UTF-8.
 *
 * @param path - the name quarantine records show.
 * @param data - the file's content.
 * @param options - `chunkSize` to deliver the content in pieces (default: one piece).
 * @example
 * ```ts
 * const file = bytesInput('events.jsonl', '{"event_id":"E1", ...}\n', { chunkSize: 7 });
 * const result = await readEvents([file], { timeZone: TimeZone.UTC });
 * ```
 */
export function bytesInput(
  path: string,
  data: Uint8Array | string,
  options: BytesInputOptions = {},
): InputFile {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const given = options.chunkSize ?? Math.max(1, bytes.length);
  const sizes = typeof given === 'number' ? [given] : given;
  if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
    throw new RangeError(`bytesInput: chunkSize must be positive integers, got ${String(given)}`);
  }
  return {
    path,
    async *chunks() {
      let turn = 0;
      for (let at = 0; at < bytes.length; ) {
        const size = sizes[turn++ % sizes.length]!;
        yield bytes.subarray(at, at + size);
        at += size;
      }
    },
  };
}
