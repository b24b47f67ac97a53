/**
 * A small pool of `node:worker_threads` workers: each worker runs one request at a time; a request
 * goes to a given worker (its partitions live there) or to whichever is free first.
 *
 * @module
 */

import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../src/io/worker-entry.js';
import { fromWireError, type ReplyOf, type WorkerRequest, type WorkerResponse } from './protocol.js';

interface Task {
  readonly request: WorkerRequest;
  readonly transfer: readonly ArrayBuffer[];
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly queue: Task[];
  current: Task | undefined;
}

/**
 * The bundled `worker.js`, next to this file or under engines/workers/ when this code sits in a
 * shared chunk; `worker.ts` from source.
 */
const WORKER_PATHS = {
  from: import.meta.url,
  source: './worker.ts',
  bundled: ['./worker.js', './engines/workers/worker.js'],
  what: 'workers engine',
};

/** What the engine needs of a pool: a size and request/reply (the worker pool, or a test double). */
export interface RequestPool {
  readonly size: number;
  run<T extends WorkerRequest>(
    target: number | 'any',
    request: T,
    transfer?: readonly ArrayBuffer[],
  ): Promise<ReplyOf[T['type']]>;
}

/**
 * A fixed-size worker pool. A worker that dies fails every pending request and the pool (the
 * partitions it held are gone); the engine then starts a fresh pool for its next run.
 */
export class WorkerPool implements RequestPool {
  readonly size: number;
  private readonly slots: Slot[];
  private readonly shared: Task[] = [];
  private failure: Error | undefined;
  private closing = false;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`threads must be a positive integer, got ${size}`);
    this.size = size;
    const { script, options } = workerEntry(WORKER_PATHS);
    this.slots = Array.from({ length: size }, (_, index) => {
      const worker = new Worker(script, { ...options, name: `goldsmith-worker-${index}` });
      // Idle workers must not keep the process alive (a caller that forgets close() still exits).
      worker.unref();
      const slot: Slot = { worker, queue: [], current: undefined };
      worker.on('message', (response: WorkerResponse) => this.settle(slot, response));
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closing)
          this.fail(new Error(`goldsmith worker ${index} exited unexpectedly (code ${code})`));
      });
      return slot;
    });
  }

  /** True once a worker died; the pool then accepts no work. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Sends `request` to worker `target` (or the first free one with `'any'`) and resolves with its
   * reply. Buffers in `transfer` move to the worker (they are unusable here afterwards).
   */
  run<T extends WorkerRequest>(
    target: number | 'any',
    request: T,
    transfer: readonly ArrayBuffer[] = [],
  ): Promise<ReplyOf[T['type']]> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (this.closing) return reject(new Error('goldsmith workers engine is closed'));
      const task: Task = { request, transfer, resolve: resolve as (reply: unknown) => void, reject };
      if (target === 'any') {
        this.shared.push(task);
        for (const slot of this.slots) this.dispatch(slot);
      } else {
        const slot = this.slots[target];
        if (!slot) return reject(new RangeError(`no worker ${target} in a pool of ${this.size}`));
        slot.queue.push(task);
        this.dispatch(slot);
      }
    });
  }

  /** Stops every worker. Pending requests fail. Idempotent. */
  async terminate(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.rejectAll(new Error('goldsmith workers engine is closed'));
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(slot: Slot): void {
    if (slot.current || this.failure) return;
    const task = slot.queue.shift() ?? this.shared.shift();
    if (!task) {
      slot.worker.unref();
      return;
    }
    slot.current = task;
    slot.worker.ref();
    slot.worker.postMessage(task.request, task.transfer as ArrayBuffer[]);
  }

  private settle(slot: Slot, response: WorkerResponse): void {
    const task = slot.current;
    slot.current = undefined;
    if (task) {
      if (response.ok) task.resolve(response.reply);
      else task.reject(fromWireError(response.error));
    }
    this.dispatch(slot);
  }

  private fail(error: Error): void {
    if (this.failure || this.closing) return;
    this.failure = error;
    this.rejectAll(error);
    for (const slot of this.slots) void slot.worker.terminate();
  }

  private rejectAll(error: Error): void {
    for (const slot of this.slots) {
      slot.current?.reject(error);
      slot.current = undefined;
      for (const task of slot.queue.splice(0)) task.reject(error);
    }
    for (const task of this.shared.splice(0)) task.reject(error);
  }
}
