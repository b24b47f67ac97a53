import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { discoverInputs } from '../src/io/local-inputs.js';
import { type BaselineFiles, type BaselineOptions, baselineScript } from './baseline-sql.js';

/** Timing of one baseline statement (the shape of goldsmith's `StepTiming`). */
export interface BaselineTiming {
  step: string;
  ms: number;
  rows?: number;
}

/** What one baseline run reports (printed as JSON by `baseline-main.ts`). */
export interface BaselineReport {
  engine: 'baseline';
  duckdb_version: string;
  threads: number;
  time_zone: string;
  silver: { events: number; transactions: number; users: number };
  gold: { sessions: number; with_transaction: number };
  timings: BaselineTiming[];
}

/** Thrown when a `check` statement finds violations (the data-quality rules failed). */
export class BaselineCheckError extends Error {
  override readonly name = 'BaselineCheckError';
  constructor(readonly violations: Record<string, number>) {
    super(
      `baseline data-quality rules failed: ${Object.entries(violations)
        .filter(([, n]) => n !== 0)
        .map(([rule, n]) => `${rule}: ${n} violating rows`)
        .join('; ')}`,
    );
  }
}

async function firstLine(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    return text.split(/\r?\n/, 1)[0] ?? '';
  } finally {
    await handle.close();
  }
}

/**
 * Lists an input folder's bronze files the way goldsmith does (`discoverInputs`: the same files
 * in the same order) and finds out whether the users extract has an `updated_at` column.
 */
export async function baselineInputs(
  dir: string,
): Promise<{ files: BaselineFiles; usersHaveUpdatedAt: boolean }> {
  const inputs = await discoverInputs(dir);
  const files: BaselineFiles = {
    events: inputs.events.map((f) => join(dir, f.path)),
    transactions: inputs.transactions.map((f) => join(dir, f.path)),
    users: inputs.users.map((f) => join(dir, f.path)),
  };
  let usersHaveUpdatedAt = false;
  for (const file of files.users) {
    const header = (await firstLine(file)).split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
    if (header.includes('updated_at')) usersHaveUpdatedAt = true;
  }
  return { files, usersHaveUpdatedAt };
}

function toNumber(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  throw new TypeError(`expected a number from DuckDB, got ${String(value)}`);
}

/**
 * Runs the baseline script on a connection, statement by statement, timing each. Throws
 * {@link BaselineCheckError} (before anything is written) when a data-quality rule fails.
 */
export async function runBaseline(
  connection: DuckDBConnection,
  files: BaselineFiles,
  options: BaselineOptions,
): Promise<BaselineReport> {
  const timings: BaselineTiming[] = [];
  const counts: Record<string, number> = {};
  for (const statement of baselineScript(files, options)) {
    if (statement.writesTo !== undefined) await mkdir(statement.writesTo, { recursive: true });
    const started = performance.now();
    if (statement.kind === 'check') {
      const reader = await connection.runAndReadAll(statement.sql);
      const row = reader.getRowObjectsJS()[0] ?? {};
      const violations = Object.fromEntries(Object.entries(row).map(([rule, n]) => [rule, toNumber(n)]));
      if (Object.values(violations).some((n) => n !== 0)) throw new BaselineCheckError(violations);
    } else {
      await connection.run(statement.sql);
    }
    const ms = Math.round((performance.now() - started) * 10) / 10;
    if (statement.table !== undefined) {
      const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM ${statement.table}`);
      counts[statement.table] = toNumber(reader.getRowObjectsJS()[0]?.n);
      timings.push({ step: statement.step, ms, rows: counts[statement.table] as number });
    } else {
      timings.push({ step: statement.step, ms });
    }
  }
  const meta = await connection.runAndReadAll(
    `SELECT version() AS version, current_setting('threads') AS threads,
       (SELECT count(*) FILTER (WHERE has_transaction) FROM gold) AS with_transaction`,
  );
  const row = meta.getRowObjectsJS()[0] ?? {};
  return {
    engine: 'baseline',
    duckdb_version: String(row.version),
    threads: toNumber(row.threads),
    time_zone: options.timeZone ?? 'UTC',
    silver: {
      events: counts.silver_events ?? 0,
      transactions: counts.silver_transactions ?? 0,
      users: counts.silver_users ?? 0,
    },
    gold: { sessions: counts.gold ?? 0, with_transaction: toNumber(row.with_transaction) },
    timings,
  };
}
