import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/** Size of the chunks handed to the file (1 MiB). */
export const CHUNK_BYTES = 1 << 20;
/** Chunks allowed in flight to the file before `drain()` waits (bounds memory to ≈4 MiB per file). */
export const MAX_CHUNKS_IN_FLIGHT = 4;

/**
 * Encodes text into 1 MiB buffers and writes each full buffer to a file.
 *
 * `write` is synchronous and cheap (UTF-8 encodes straight into the current
 * buffer, no string concatenation); when it returns `true` a chunk is full and
 * the caller must `await drain()` before writing more. `drain` starts a
 * positional `FileHandle.write` for each full chunk and waits only while more
 * than {@link MAX_CHUNKS_IN_FLIGHT} are in flight, so generation overlaps disk
 * I/O, yet a slow disk slows the producer instead of growing memory
 * (backpressure) and a whole file is never held in memory. Written buffers
 * are reused.
 *
 * @example
 * ```ts
 * const out = await ChunkedWriter.create('/tmp/x.csv');
 * for (const line of lines) if (out.write(line)) await out.drain();
 * await out.close();
 * ```
 */
export class ChunkedWriter {
  private buffer: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private offset = 0;
  private readonly full: Buffer[] = [];
  private readonly spare: Buffer[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private position = 0;
  private written = 0;
  private failure: unknown;

  private constructor(
    private readonly handle: FileHandle,
    /** The file's path. */
    readonly path: string,
  ) {}

  /** Creates (or truncates) `path`. */
  static async create(path: string): Promise<ChunkedWriter> {
    return new ChunkedWriter(await open(path, 'w'), path);
  }

  /** Appends text; returns `true` when the caller should `await drain()`. */
  write(text: string): boolean {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    if (this.offset + text.length * 3 > this.buffer.length) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (this.offset + bytes > this.buffer.length) {
        this.rotate();
        if (bytes > this.buffer.length) {
          this.full.push(Buffer.from(text, 'utf8'));
          return true;
        }
      }
    }
    this.offset += this.buffer.write(text, this.offset, 'utf8');
    if (this.offset < CHUNK_BYTES) return this.full.length > 0;
    this.rotate();
    return true;
  }

  /** Appends `source[start, end)` (already encoded bytes); returns `true` when the caller should `await drain()`. */
  writeBytes(source: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.offset + length > this.buffer.length) {
      this.rotate();
      if (length > this.buffer.length) {
        this.full.push(Buffer.from(source.subarray(start, end)));
        return true;
      }
    }
    this.buffer.set(source.subarray(start, end), this.offset);
    this.offset += length;
    if (this.offset < CHUNK_BYTES) return this.full.length > 0;
    this.rotate();
    return true;
  }

  private rotate(): void {
    if (this.offset > 0) this.full.push(this.buffer.subarray(0, this.offset));
    this.buffer = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES);
    this.offset = 0;
  }

  /** Hands full chunks to the file; resolves once at most {@link MAX_CHUNKS_IN_FLIGHT} are pending. */
  async drain(): Promise<void> {
    while (this.full.length > 0) {
      while (this.inFlight.size >= MAX_CHUNKS_IN_FLIGHT) await Promise.race(this.inFlight);
      this.throwIfFailed();
      const chunk = this.full.shift() as Buffer;
      const pending = this.writeAt(chunk, this.position).then(
        () => {
          this.inFlight.delete(pending);
          this.written += chunk.length;
          if (chunk.buffer.byteLength === CHUNK_BYTES && chunk.byteOffset === 0 && this.spare.length <= MAX_CHUNKS_IN_FLIGHT) {
            this.spare.push(Buffer.from(chunk.buffer, 0, CHUNK_BYTES));
          }
        },
        (error: unknown) => {
          this.inFlight.delete(pending);
          this.failure ??= error;
        },
      );
      this.inFlight.add(pending);
      this.position += chunk.length;
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private async writeAt(chunk: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, done, chunk.length - done, position + done);
      done += bytesWritten;
    }
  }

  /** Waits for every chunk handed to the file. */
  private async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  /** UTF-8 bytes written to the file so far (excluding what is still buffered). */
  get bytes(): number {
    return this.written;
  }

  /** Writes everything buffered and closes the file. */
  async close(): Promise<void> {
    try {
      this.rotate();
      await this.drain();
      await this.settle();
    } finally {
      await this.handle.close();
    }
  }

  /** Closes the file without writing what is buffered (cleanup after a failure). */
  async abort(): Promise<void> {
    this.full.length = 0;
    this.offset = 0;
    await Promise.allSettled(this.inFlight);
    await this.handle.close();
  }
}
