import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/** Size of the chunks handed to the file (1 MiB). */
export const CHUNK_BYTES = 1 << 20;
/** Chunks allowed in flight to the file before `drain()` waits (bounds memory to ≈4 MiB per file). */
export const MAX_CHUNKS_IN_FLIGHT = 4;

/** Free 1 MiB chunks shared by all writers (hourly layouts open thousands of small files). */
const chunkPool: Buffer[] = [];
const CHUNK_POOL_LIMIT = 16;

function takeChunk(): Buffer {
  return chunkPool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
}

function releaseChunk(chunk: Buffer): void {
  if (chunk.length === CHUNK_BYTES && chunkPool.length < CHUNK_POOL_LIMIT) chunkPool.push(chunk);
}

/** A chunk ready for the file: `bytes[0, length)`. */
interface FullChunk {
  readonly bytes: Buffer;
  readonly length: number;
}

/**
 * Buffers text or bytes into 1 MiB chunks and writes each full chunk to a file.
 *
 * `write` / `writeBytes` are synchronous and cheap (they encode or copy
 * straight into the current chunk); when they return `true` a chunk is full
 * and the caller must `await drain()` before writing more. `drain` starts a
 * positional `FileHandle.write` per full chunk and waits only while more than
 * {@link MAX_CHUNKS_IN_FLIGHT} are in flight, so generation overlaps disk I/O,
 * yet a slow disk slows the producer instead of growing memory
 * (backpressure), and a whole file is never held in memory. Written chunks
 * go back to a small shared pool.
 *
 * @example
 * ```ts
 * const out = await ChunkedWriter.create('/tmp/x.csv');
 * for (const line of lines) if (out.write(line)) await out.drain();
 * await out.close();
 * ```
 */
export class ChunkedWriter {
  private chunk: Buffer = takeChunk();
  private offset = 0;
  private readonly full: FullChunk[] = [];
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

  /** Appends text (UTF-8); returns `true` when the caller should `await drain()`. */
  write(text: string): boolean {
    // A UTF-16 unit never takes more than 3 UTF-8 bytes.
    if (this.offset + text.length * 3 > CHUNK_BYTES) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (this.offset + bytes > CHUNK_BYTES) {
        this.rotate();
        if (bytes > CHUNK_BYTES) {
          this.full.push({ bytes: Buffer.from(text, 'utf8'), length: bytes });
          return true;
        }
      }
    }
    this.offset += this.chunk.write(text, this.offset, 'utf8');
    return this.afterWrite();
  }

  /** Appends `source[start, end)` (already encoded); returns `true` when the caller should `await drain()`. */
  writeBytes(source: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (this.offset + length > CHUNK_BYTES) {
      this.rotate();
      if (length > CHUNK_BYTES) {
        this.full.push({ bytes: Buffer.from(source.subarray(start, end)), length });
        return true;
      }
    }
    this.chunk.set(source.subarray(start, end), this.offset);
    this.offset += length;
    return this.afterWrite();
  }

  private afterWrite(): boolean {
    if (this.offset < CHUNK_BYTES) return this.full.length > 0;
    this.rotate();
    return true;
  }

  private rotate(): void {
    if (this.offset === 0) return;
    this.full.push({ bytes: this.chunk, length: this.offset });
    this.chunk = takeChunk();
    this.offset = 0;
  }

  /** Hands full chunks to the file; resolves once at most {@link MAX_CHUNKS_IN_FLIGHT} are pending. */
  async drain(): Promise<void> {
    while (this.full.length > 0) {
      while (this.inFlight.size >= MAX_CHUNKS_IN_FLIGHT) await Promise.race(this.inFlight);
      this.throwIfFailed();
      const chunk = this.full.shift() as FullChunk;
      const pending: Promise<void> = this.writeAt(chunk, this.position).then(
        () => {
          this.inFlight.delete(pending);
          this.written += chunk.length;
          releaseChunk(chunk.bytes);
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

  private async writeAt(chunk: FullChunk, position: number): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.handle.write(
        chunk.bytes,
        done,
        chunk.length - done,
        position + done,
      );
      done += bytesWritten;
    }
  }

  /** UTF-8 bytes written to the file so far (excluding what is still buffered). */
  get bytes(): number {
    return this.written;
  }

  /** Writes everything buffered and closes the file. */
  async close(): Promise<void> {
    try {
      if (this.offset > 0) this.full.push({ bytes: this.chunk, length: this.offset });
      else releaseChunk(this.chunk);
      this.offset = 0;
      await this.drain();
      while (this.inFlight.size > 0) await Promise.race(this.inFlight);
      this.throwIfFailed();
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
