/**
 * Parquet encoding on two lanes: this thread and one worker thread. Encoding (parquet-wasm) is
 * most of writing a data file; with a second core, files are encoded side by side.
 *
 * @module
 */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Table, tableToIPC } from 'apache-arrow';
import { arrowByteLength } from '../columns/byte-length.js';
import { dictionaryColumns, tableToParquet } from './parquet.js';
import { workerEntry } from './worker-entry.js';

/** A request to the encoding worker. */
export interface EncodeRequest {
  readonly id: number;
  readonly ipc: Uint8Array;
  readonly dictionary: readonly string[];
}

/** What the encoding worker answers: ready once started, then the bytes or the error of a request. */
export type EncodeReply =
  | { readonly ready: true }
  | { readonly id: number; readonly bytes: Uint8Array }
  | { readonly id: number; readonly error: string };

/** Encodes Arrow tables as Parquet data files (the same bytes on every lane). */
export interface ParquetEncoder {
  /**
   * The Parquet bytes of `table`, with Parquet dictionary encoding for the `dictionary` columns
   * (default: {@link dictionaryColumns} of `table`; a table's files pass its decision once).
   * Settles at once when this thread encoded it.
   */
  encode(table: Table, dictionary?: readonly string[]): Promise<Uint8Array>;
}

/** Encodes on the calling thread only. */
export const inThreadEncoder: ParquetEncoder = {
  encode: (table, dictionary) => Promise.resolve(tableToParquet(table, dictionary)),
};

/**
 * Files of this many Arrow bytes or more are encoded on the worker only, one after another:
 * parquet-wasm's heap grows to about twice the largest file it encoded and never shrinks, so only
 * one lane's heap may grow with the big files (silver events' files of up to 32 MB). This
 * thread's heap stays at twice this size at most, and it is free to do the rest of the job
 * meanwhile. Smaller files (gold's partitions: ~0.6 MB each at 1M events, ~6 MB at 10M) go to
 * whichever lane is free, so a run of many mid-sized files still encodes on both.
 */
const WORKER_ONLY_FROM_BYTES = 16 << 20;

const WORKER_PATHS = {
  from: import.meta.url,
  source: './parquet-worker.ts',
  // Bundled: from a chunk at dist/'s root, or from dist/io/ or dist/engines/<x>/; beside a
  // Lambda bundle (`npm run package:lambda`).
  bundled: [
    './io/parquet-worker.js',
    './parquet-worker.js',
    '../../io/parquet-worker.js',
    './parquet-worker.mjs',
  ],
  what: 'Parquet encoder',
};

/** A file waiting for the worker, or held by it. */
interface EncodeJob {
  readonly table: Table;
  readonly dictionary: readonly string[];
  readonly resolve: (bytes: Uint8Array) => void;
  readonly reject: (error: Error) => void;
}

/**
 * This thread plus one worker:
 * - a big file (from {@link WORKER_ONLY_FROM_BYTES}) waits its turn for the worker, so big files
 *   are encoded side by side with this thread's work, and only the worker's heap grows with them;
 * - a small file goes to the worker when it is idle and is encoded here otherwise, so this thread
 *   never waits for the worker to take it.
 *
 * A waiting file is kept as its table and turned into Arrow IPC only when the worker takes it, so
 * a queue of big files holds no second copy of their rows. The worker is unreferenced while it
 * has nothing to do (it never keeps a process alive); if it dies, the files it held or would have
 * taken, and every later one, are encoded here.
 */
export class TwoLaneEncoder implements ParquetEncoder {
  private readonly worker: Worker;
  private readonly workerOnlyFromBytes: number;
  private ready = false;
  private broken = false;
  private nextId = 0;
  /** Files the worker encoded (for tests and measurements). */
  encodedOnWorker = 0;
  private readonly waiting: EncodeJob[] = [];
  private readonly held = new Map<number, EncodeJob>();

  /** @param options.workerOnlyFromBytes - what counts as a big file (tests make it small). */
  constructor(options: { workerOnlyFromBytes?: number } = {}) {
    this.workerOnlyFromBytes = options.workerOnlyFromBytes ?? WORKER_ONLY_FROM_BYTES;
    const { script, options: workerOptions } = workerEntry(WORKER_PATHS);
    this.worker = new Worker(script, { ...workerOptions, name: 'goldsmith-parquet-encoder' });
    this.worker.unref();
    this.worker.on('message', (reply: EncodeReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`Parquet encoder worker exited (code ${code})`)));
  }

  /** True while the worker can take a file now. */
  get idle(): boolean {
    return this.ready && !this.broken && this.held.size === 0 && this.waiting.length === 0;
  }

  encode(table: Table, dictionary: readonly string[] = dictionaryColumns(table)): Promise<Uint8Array> {
    const big = arrowByteLength(table) >= this.workerOnlyFromBytes;
    if (this.broken || (!big && !this.idle)) return Promise.resolve(tableToParquet(table, dictionary));
    return new Promise((resolve, reject) => {
      this.waiting.push({ table, dictionary, resolve, reject });
      this.worker.ref(); // keeps the process alive until the file is encoded
      this.dispatch();
    });
  }

  /** Stops the worker; a file it held is encoded here, and so is every later one. */
  async close(): Promise<void> {
    this.broken = true;
    await this.worker.terminate();
  }

  /** Hands the next waiting file to the worker once it is free. */
  private dispatch(): void {
    if (!this.ready || this.broken || this.held.size > 0) return;
    const job = this.waiting.shift();
    if (!job) {
      this.worker.unref();
      return;
    }
    const id = this.nextId++;
    const ipc = tableToIPC(job.table, 'stream');
    this.held.set(id, job);
    this.worker.postMessage({ id, ipc, dictionary: job.dictionary } satisfies EncodeRequest, [
      ipc.buffer as ArrayBuffer,
    ]);
  }

  private settle(reply: EncodeReply): void {
    if ('ready' in reply) {
      this.ready = true;
      this.dispatch();
      return;
    }
    const job = this.held.get(reply.id);
    this.held.delete(reply.id);
    if (job) {
      if ('bytes' in reply) {
        this.encodedOnWorker++;
        job.resolve(reply.bytes);
      } else job.reject(new Error(`Parquet encoding failed in the encoder worker: ${reply.error}`));
    }
    this.dispatch();
  }

  /** The worker is gone: its files are encoded here (an encoding error would recur, so it is thrown). */
  private fail(_cause: Error): void {
    this.broken = true;
    const jobs = [...this.held.values(), ...this.waiting.splice(0)];
    this.held.clear();
    for (const { table, dictionary, resolve, reject } of jobs) {
      try {
        resolve(tableToParquet(table, dictionary));
      } catch (error) {
        reject(error as Error);
      }
    }
  }
}

/** Inputs from this size on start the worker lane (below it, starting a worker costs more than it saves). */
export const TWO_LANES_FROM_BYTES = 32 << 20;

/** Lambda's memory per vCPU of CPU time ("at 1,769 MB a function has the equivalent of one vCPU"). */
export const LAMBDA_MB_PER_VCPU = 1_769;

/**
 * Cores this process may use. On Lambda, CPU follows the memory setting (the OS shows 2 cores
 * even at 128 MB), so a second lane pays only from 2 × 1,769 MB.
 */
function cores(): number {
  const lambdaMb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (lambdaMb > 0) return Math.floor(lambdaMb / LAMBDA_MB_PER_VCPU);
  return availableParallelism();
}

let shared: TwoLaneEncoder | undefined;
let sharedFailed = false;

/**
 * The process's Parquet encoder: the two-lane one once {@link prepareParquetEncoder} started it,
 * else this thread only.
 */
export function parquetEncoder(): ParquetEncoder {
  return shared ?? inThreadEncoder;
}

/**
 * Starts the worker lane ahead of a job of `inputBytes` of input, when it pays: at least
 * {@link TWO_LANES_FROM_BYTES} and two cores (on Lambda: a memory setting of 2 × 1,769 MB or
 * more); `GOLDSMITH_ENCODER_THREADS=0` turns it off. The worker loads while the job parses its
 * input. Safe to call often.
 */
export function prepareParquetEncoder(inputBytes: number): void {
  if (shared || sharedFailed || inputBytes < TWO_LANES_FROM_BYTES) return;
  if (cores() < 2 || process.env.GOLDSMITH_ENCODER_THREADS === '0') return;
  try {
    shared = new TwoLaneEncoder();
  } catch {
    // No bundled worker entry (e.g. code bundled into one file): encode on this thread.
    sharedFailed = true;
  }
}
