/**
 * A small pool of `node:worker_threads` workers: each worker runs one request at a time; a request
 * goes to a given worker (its partitions live there) or to whichever is free first.
 *
 * @module
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
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

/** How to start a worker: the script (a URL, or bootstrap code with `eval`) and its options. */
export interface WorkerEntry {
  readonly script: URL | string;
  readonly options: WorkerOptions;
}

/**
 * Where the worker entry is and how to start it: from `dist` the bundled `worker.js` loads
 * directly; from TypeScript source (tests, `tsx`), a bootstrap loads `worker.ts` through tsx's
 * `tsImport` (on Node 20 a worker ignores `execArgv: ['--import', 'tsx']`).
 */
export function workerEntry(): WorkerEntry {
  const here = import.meta.url;
  const fromSource = here.endsWith('.ts');
  const candidates = fromSource
    ? [new URL('./worker.ts', here)]
    : // Bundled: next to this file, or under engines/workers/ when this code sits in a shared chunk.
      [new URL('./worker.js', here), new URL('./engines/workers/worker.js', here)];
  const url = candidates.find((c) => existsSync(fileURLToPath(c)));
  if (!url)
    throw new Error(`goldsmith workers engine: worker entry not found (looked at ${candidates.join(', ')})`);
  if (!fromSource) return { script: url, options: {} };
  const api = tsxEsmApi(here);
  const bootstrap = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(url.href)}, ${JSON.stringify(here)}));`;
  return { script: bootstrap, options: { eval: true } };
}

/** The ESM build of `tsx/esm/api` (require.resolve would give the CommonJS one). */
function tsxEsmApi(from: string): string {
  const manifest = createRequire(from).resolve('tsx/package.json');
  const { exports } = JSON.parse(readFileSync(manifest, 'utf8')) as {
    exports: Record<string, { import?: { default?: string } } | string>;
  };
  const entry = exports['./esm/api'];
  const path = typeof entry === 'object' ? entry.import?.default : undefined;
  if (!path)
    throw new Error('goldsmith workers engine: cannot find tsx/esm/api to load worker.ts from source');
  return new URL(path, pathToFileURL(manifest)).href;
}

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
    const { script, options } = workerEntry();
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
