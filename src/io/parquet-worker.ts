/**
 * Entry point of the Parquet encoding worker thread (built as its own file,
 * `dist/io/parquet-worker.js`): encodes Arrow IPC streams as Parquet, one at a time.
 *
 * @module
 */

import { parentPort } from 'node:worker_threads';
import { ipcToParquet } from './parquet-encode.js';
import type { EncodeReply, EncodeRequest } from './parquet-encoder.js';

const port = parentPort;
if (!port)
  throw new Error('goldsmith: io/parquet-worker is a worker_threads entry point, not a module to import');

port.postMessage({ ready: true } satisfies EncodeReply);
port.on('message', ({ id, ipc, dictionary }: EncodeRequest) => {
  try {
    const bytes = ipcToParquet(ipc, dictionary);
    // The IPC stream goes back too: this thread allocates so little that its GC would keep the
    // (tens of MB of) buffer alive for long; the main thread's frequent GCs free it at once.
    port.postMessage({ id, bytes } satisfies EncodeReply, [
      bytes.buffer as ArrayBuffer,
      ipc.buffer as ArrayBuffer,
    ]);
  } catch (error) {
    port.postMessage({
      id,
      error: error instanceof Error ? error.message : String(error),
    } satisfies EncodeReply);
  }
});
