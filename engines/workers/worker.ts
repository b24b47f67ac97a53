/**
 * Entry point of a goldsmith worker thread (built as its own file, `dist/engines/workers/worker.js`).
 * Handles one request at a time and answers each with a {@link WorkerResponse}.
 *
 * @module
 */

import { parentPort } from 'node:worker_threads';
import { toWireError, type WorkerRequest, type WorkerResponse } from './protocol.js';
import { WorkerRuntime } from './worker-runtime.js';

const port = parentPort;
if (!port)
  throw new Error(
    'goldsmith: engines/workers/worker is a worker_threads entry point, not a module to import',
  );

const runtime = new WorkerRuntime();
port.on('message', (request: WorkerRequest) => {
  runtime.handle(request).then(
    ({ reply, transfer }) => port.postMessage({ ok: true, reply } satisfies WorkerResponse, transfer),
    (error: unknown) => port.postMessage({ ok: false, error: toWireError(error) } satisfies WorkerResponse),
  );
});
