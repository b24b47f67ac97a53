import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

/** A moto server this test file started. */
export interface Moto {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto.server exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto.server did not answer within 30 s:\n${log()}`);
}

/**
 * Starts `python3 -m moto.server` on a free loopback port before the file's tests and stops it
 * after; points the AWS SDK at it (`AWS_ENDPOINT_URL`, dummy credentials, region `us-east-1`) for
 * this process and the child processes it spawns. moto is installed on every machine and in CI.
 */
export function useMoto(): Moto {
  let child: ChildProcess | undefined;
  let endpoint = '';
  const saved: Record<string, string | undefined> = {};
  const env = (name: string, value: string) => {
    if (!(name in saved)) saved[name] = process.env[name];
    process.env[name] = value;
  };
  beforeAll(async () => {
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    let output = '';
    child = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    child.stderr?.on('data', (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    });
    await waitUntilUp(endpoint, child, () => output);
    env('AWS_ENDPOINT_URL', endpoint);
    env('AWS_ACCESS_KEY_ID', 'testing');
    env('AWS_SECRET_ACCESS_KEY', 'testing');
    env('AWS_SESSION_TOKEN', 'testing');
    env('AWS_REGION', 'us-east-1');
    env('AWS_DEFAULT_REGION', 'us-east-1');
  }, 40_000);
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (running.exitCode === null) running.kill('SIGKILL');
  });
  return {
    get endpoint() {
      return endpoint;
    },
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
  };
}
