import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';
import { expect } from 'vitest';
import { tableToRows } from '../../../src/columns/table-rows.js';
import { localFileIO } from '../../../src/iceberg/file-io.js';
import { readManifest, readManifestList } from '../../../src/iceberg/manifest.js';
import { NoSuchTableError } from '../../../src/iceberg/table.js';
import { localWarehouse } from '../../../src/io/local-warehouse.js';
import { TABLE_NAMES } from '../../../src/lakehouse/warehouse.js';
import { ROOT } from '../../support/paths.js';

/** One table's state as {@link checkWarehouse} found it. */
export interface TableState {
  readonly version: number;
  readonly current: string | undefined;
  /** Parent of each snapshot id. */
  readonly parents: ReadonlyMap<string, string | undefined>;
  readonly rows: number;
}

/**
 * Asserts that every table of the warehouse loads, that every snapshot of its metadata reaches
 * only files that exist (manifest list, manifests, data and delete files), and that its current
 * snapshot reads. Returns each existing table's state (absent tables are left out).
 */
export async function checkWarehouse(root: string): Promise<Map<string, TableState>> {
  const io = localFileIO();
  const warehouse = localWarehouse(root);
  const out = new Map<string, TableState>();
  for (const name of TABLE_NAMES) {
    let table: Awaited<ReturnType<typeof warehouse.table>>;
    try {
      table = await warehouse.table(name);
    } catch (error) {
      if (error instanceof NoSuchTableError) continue;
      throw error;
    }
    for (const snapshot of table.metadata.snapshots) {
      const list = snapshot['manifest-list'];
      expect(await io.exists(list), `${name}: manifest list ${list}`).toBe(true);
      for (const manifest of await readManifestList(io, list)) {
        expect(await io.exists(manifest.manifest_path), `${name}: manifest ${manifest.manifest_path}`).toBe(
          true,
        );
        for (const entry of await readManifest(io, manifest)) {
          if (entry.status === 2) continue; // DELETED: not read by this snapshot
          const file = entry.data_file.file_path;
          expect(await io.exists(file), `${name}: data file ${file}`).toBe(true);
        }
      }
    }
    const rows = (await table.read()).numRows;
    out.set(name, {
      version: table.version,
      current: table.currentSnapshot()?.snapshot_id,
      parents: new Map(table.metadata.snapshots.map((s) => [s['snapshot-id'], s['parent-snapshot-id']])),
      rows,
    });
  }
  return out;
}

/**
 * A table moved at most one commit forward: its current snapshot is the one before, or a new
 * snapshot whose parent is the one before (never a state in between).
 */
export function expectPreviousOrNext(before: Map<string, TableState>, after: Map<string, TableState>) {
  for (const [name, now] of after) {
    const then = before.get(name);
    if (!then) {
      // Created in this attempt: at most its first snapshot.
      if (now.current !== undefined) expect(now.parents.get(now.current), name).toBeUndefined();
      continue;
    }
    expect(now.version, name).toBeGreaterThanOrEqual(then.version);
    if (now.current !== then.current) expect(now.parents.get(now.current!), name).toBe(then.current);
  }
  for (const name of before.keys()) expect(after.has(name), `${name} still exists`).toBe(true);
}

/** Rows in a stable order for comparisons, without `processing_timestamp` (SPEC §6). */
export function comparableRows(table: Table, key: readonly string[]) {
  return tableToRows(table)
    .map(({ processing_timestamp: _, ...row }) => row)
    .sort((a, b) => {
      const ka = key.map((k) => String(a[k])).join('\u0000');
      const kb = key.map((k) => String(b[k])).join('\u0000');
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

/**
 * Bundles the CLI from source (esbuild, packages external) so each child run starts in well under
 * a second instead of transpiling through tsx: the same code `goldsmith` runs. The bundle sits
 * under `node_modules/.cache` so its imports resolve; `remove` deletes it.
 */
export async function bundleCli(): Promise<{ cli: string; remove: () => Promise<void> }> {
  const cache = join(ROOT, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const dir = await mkdtemp(join(cache, 'goldsmith-reliability-'));
  const cli = join(dir, 'cli.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(ROOT, 'src/cli/bin.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: cli,
    logLevel: 'warning',
  });
  return { cli, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** How one child run ended. */
export interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** ms from spawn to exit. */
  readonly ms: number;
  /** The last log message seen on stderr before the end (`run started`, `step done`, …). */
  readonly lastLog: string | undefined;
  /** Log messages with their ms since spawn. */
  readonly logs: ReadonlyArray<{ msg: string; step?: string; at: number }>;
}

/**
 * Runs the bundled CLI as a child process (`run`: with JSON logs at info level); with `kill`, sends
 * SIGKILL that many ms after the `run started` log line (or after spawn with `fromSpawn`).
 */
export function runCli(
  cli: string,
  args: readonly string[],
  kill?: { afterMs: number; fromSpawn: boolean },
): Promise<ChildRun> {
  const started = performance.now();
  const logFlags = args[0] === 'run' ? ['--log-format', 'json', '--log-level', 'info'] : [];
  const child = spawn(process.execPath, [cli, ...args, ...logFlags], {
    cwd: ROOT,
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  const logs: { msg: string; step?: string; at: number }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (kill && timer === undefined) timer = setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
  };
  if (kill?.fromSpawn) arm();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    const text = d.toString();
    stderr += text;
    pending += text;
    let nl = pending.indexOf('\n');
    while (nl >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      nl = pending.indexOf('\n');
      try {
        const record = JSON.parse(line) as { msg?: string; step?: string };
        if (record.msg) {
          logs.push({
            msg: record.msg,
            ...(record.step ? { step: record.step } : {}),
            at: performance.now() - started,
          });
          if (record.msg === 'run started') arm();
        }
      } catch {
        // not a log line
      }
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        ms: performance.now() - started,
        lastLog: logs.at(-1)?.msg,
        logs,
      });
    });
  });
}
