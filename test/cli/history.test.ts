import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetToTable } from '../../src/io/parquet.js';
import { goldsmith } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'goldsmith-history-'));
const warehouse = join(dir, 'w');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SnapshotJson {
  snapshot_id: string;
  parent_id: string | null;
  timestamp_ms: number;
  operation: string;
  summary: Record<string, string>;
}

function ok(args: string[]) {
  const run = goldsmith(args);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const snapshots = (): SnapshotJson[] => JSON.parse(ok(['snapshots', '--warehouse', warehouse, '--json']));
const exportGold = (...flags: string[]) =>
  ok(['export', '--warehouse', warehouse, '--format', 'jsonl', ...flags])
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('SPEC §6 history from the CLI: snapshots, time travel, rollback', () => {
  beforeAll(() => {
    // Two arrival batches: the second holds a late event for a session of the first.
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    cpSync(join(__dirname, '../fixtures/cases/mixed-utc/input'), a, { recursive: true });
    ok(['run', '--input', a, '--warehouse', warehouse, '--json']);
    cpSync(a, b, { recursive: true });
    const late = {
      event_id: 'LATE-1',
      session_id: 'SES-LATE',
      user_id: 'USR-LATE',
      event_type: 'purchase',
      event_timestamp: '2025-01-02T00:00:00Z',
      event_details: null,
    };
    mkdirSync(join(b, 'events'));
    writeFileSync(join(b, 'events', 'late.jsonl'), `${JSON.stringify(late)}\n`);
    ok(['run', '--input', b, '--warehouse', warehouse, '--json']);
  }, 120_000);

  it('lists one snapshot per run, as JSON with the documented fields', () => {
    const list = snapshots();
    expect(list).toHaveLength(2);
    expect(list[1]!.parent_id).toBe(list[0]!.snapshot_id);
    for (const s of list) {
      expect(Object.keys(s).sort()).toEqual([
        'operation',
        'parent_id',
        'snapshot_id',
        'summary',
        'timestamp_ms',
      ]);
      expect(BigInt(s.snapshot_id) > 0n).toBe(true);
      expect(s.summary['goldsmith.run-id']).toBeTruthy();
    }
    const human = ok(['snapshots', '--warehouse', warehouse]);
    expect(human).toContain(`* ${list[1]!.snapshot_id}`);
  });

  it('exports any snapshot, and rollback makes the first one current again', () => {
    const [first, second] = snapshots();
    const now = exportGold();
    const before = exportGold('--snapshot', first!.snapshot_id);
    expect(now.length).toBe(before.length + 1);
    expect(now.some((r) => r.session_id === 'SES-LATE')).toBe(true);
    expect(before.some((r) => r.session_id === 'SES-LATE')).toBe(false);
    expect(exportGold('--as-of', String(first!.timestamp_ms))).toEqual(before);

    const out = join(dir, 'gold.parquet');
    ok(['export', '--warehouse', warehouse, '--format', 'parquet', '--out', out]);
    expect(parquetToTable(readFileSync(out)).numRows).toBe(now.length);
    const csv = ok(['export', '--warehouse', warehouse, '--format', 'csv']).trim().split('\n');
    expect(csv[0]!.startsWith('user_id,session_id,signup_date')).toBe(true);
    expect(csv).toHaveLength(now.length + 1);

    ok(['rollback', '--warehouse', warehouse, '--snapshot', first!.snapshot_id]);
    expect(exportGold()).toEqual(before);
    // Rollback adds no snapshot and deletes none: the second can be restored the same way.
    expect(snapshots().map((s) => s.snapshot_id)).toEqual([first!.snapshot_id, second!.snapshot_id]);
    ok(['rollback', '--warehouse', warehouse, '--snapshot', second!.snapshot_id]);
    expect(exportGold()).toEqual(now);
  });

  it('rejects an unknown snapshot with a usage error', () => {
    const run = goldsmith(['rollback', '--warehouse', warehouse, '--snapshot', '12345']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a snapshot of this table');
  });
});
