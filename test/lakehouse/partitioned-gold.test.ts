import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFileIO } from '../../src/iceberg/file-io.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import {
  commitPartitionedGold,
  computeGoldPartition,
  deserializeFile,
  planPartitionedGold,
  readWorkItems,
  serializeFile,
} from '../../src/lakehouse/partitioned-gold.js';
import { readTable } from '../../src/lakehouse/warehouse.js';
import { bytesInput } from '../../src/read/input-file.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { sortedRows } from '../conformance/compare.js';

const GOLD = 'gold.user_session_analysis';
const USERS =
  'user_id,signup_date,device_type,country,updated_at\nU1,2024-03-15,iOS,PE,2025-01-01\nU2,2024-05-01,Android,CL,2025-01-01\n';
const TX = 'transaction_id,session_id,user_id,amount,currency,transaction_timestamp\n';
const event = (id: string, session: string, user: string, type: string, at: string) =>
  `${JSON.stringify({ event_id: id, session_id: session, user_id: user, event_type: type, event_timestamp: at })}\n`;

/** Batch 1, then batch 2 with the late data that exercises every gold change. */
const batches = [
  {
    users: [bytesInput('users-1.csv', USERS)],
    transactions: [bytesInput('tx-1.csv', `${TX}T1,S2,U1,12.50,USD,2025-03-02 09:10:00\n`)],
    events: [
      bytesInput(
        'events-1.jsonl',
        event('E1', 'S1', 'U1', 'page_view', '2025-03-01T10:00:00') +
          event('E2', 'S2', 'U1', 'click', '2025-03-02T09:00:00') +
          event('E3', 'S3', 'U2', 'page_view', '2025-03-03T12:00:00') +
          event('E4', 'S3', 'U2', 'add_to_cart', '2025-03-03T12:05:00'),
      ),
    ],
  },
  {
    users: [],
    transactions: [bytesInput('tx-2.csv', `${TX}T2,S3,U2,3.00,USD,2025-03-03 12:06:00\n`)],
    events: [
      bytesInput(
        'events-2.jsonl',
        // E1 re-sent under S2 (later timestamp wins): S1 is left without events → deleted; S2 updated.
        event('E1', 'S2', 'U1', 'page_view', '2025-03-02T08:59:00') +
          // A late event moves S3's session_date from 2025-03-03 to 2025-03-02: its old row is in
          // another partition than its new one.
          event('E5', 'S3', 'U2', 'page_view', '2025-03-02T23:59:00') +
          event('E6', 'S4', 'U2', 'click', '2025-03-04T08:00:00'),
      ),
    ],
  },
];

describe('partitioned gold (the Distributed Map variant in the library)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'goldsmith-partitioned-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('manifest records survive JSON (bigints as strings, bytes as base64)', () => {
    const record = {
      content: 0,
      file_path: 's3://b/t/data/x.parquet',
      file_format: 'PARQUET',
      partition: { session_date_day: 20150 },
      record_count: 12n,
      file_size_in_bytes: 9_007_199_254_740_993n,
      value_counts: [{ key: 1, value: 12n }],
      lower_bounds: [{ key: 1, value: Buffer.from([0, 255, 7]) }],
      sort_order_id: 0,
    };
    const json = JSON.parse(JSON.stringify(serializeFile(record)));
    expect(deserializeFile(json)).toEqual(record);
  });

  it('plan → items → one commit per run: the same gold as runPipeline, with updates, deletes and a moved partition', async () => {
    const io = localFileIO();
    const location = join(dir, 'fanned');
    const reference = localWarehouse(join(dir, 'single'));
    const counts: Array<{ inserted: number; updated: number; deleted: number } | undefined> = [];
    for (const inputs of batches) {
      const { plan, items } = await planPartitionedGold({ io, location, inputs, maxItems: 2 });
      expect(await readWorkItems(io, location, plan.run_id)).toEqual(items);
      expect(items.length).toBeLessThanOrEqual(2);
      const parts = await Promise.all(items.map((item) => computeGoldPartition(io, location, plan, item)));
      const { report, snapshot } = await commitPartitionedGold(io, location, plan, parts);
      expect(snapshot).toBeDefined();
      counts.push(report.merge?.gold);
      await runPipeline({ inputs, warehouse: reference });
    }
    expect(counts[0]).toMatchObject({ inserted: 3, updated: 0, deleted: 0 });
    // S2 and S3 replaced, S1 deleted, S4 new.
    expect(counts[1]).toMatchObject({ inserted: 1, updated: 2, deleted: 1 });
    const gold = await localWarehouse(location).table(GOLD);
    expect(gold.snapshots()).toHaveLength(2);
    const drop = ['processing_timestamp'];
    expect(sortedRows(await gold.read(), drop)).toEqual(sortedRows(await readTable(reference, GOLD), drop));

    // A file read again under a new name with rows silver already has: no row changes, but gold
    // records the file as ingested (as runPipeline does), so the next run skips it.
    const resent = {
      users: [],
      transactions: [],
      events: [bytesInput('events-2-copy.jsonl', event('E6', 'S4', 'U2', 'click', '2025-03-04T07:00:00'))],
    };
    const stale = await planPartitionedGold({ io, location, inputs: resent });
    expect(stale.items).toEqual([]);
    await commitPartitionedGold(io, location, stale.plan, []);
    await gold.refresh();
    expect(gold.snapshots()).toHaveLength(3);
    expect(gold.currentSnapshot()!.summary['goldsmith.ingested.events']).toContain('events-2-copy.jsonl');
    expect((await planPartitionedGold({ io, location, inputs: resent })).plan.commit).toBe(false);

    // Re-running the same input: nothing new, no item, no snapshot.
    const again = await planPartitionedGold({ io, location, inputs: batches[1]! });
    expect(again.items).toEqual([]);
    await commitPartitionedGold(io, location, again.plan, []);
    await gold.refresh();
    expect(gold.snapshots()).toHaveLength(3);
  });

  it('quarantines like runPipeline: the same records, invalid UTF-8 kept exactly (raw_base64)', async () => {
    const bytes = new TextEncoder().encode(event('E1', 'S1', 'U1', 'page_view', '2025-03-01T10:00:00'));
    const corrupt = Uint8Array.of(...bytes, 0x7b, 0x22, 0xff, 0x22, 0x7d, 0x0a); // {"<0xff>"}
    const inputs = {
      users: [bytesInput('users.csv', USERS)],
      transactions: [],
      events: [bytesInput('e.jsonl', corrupt)],
    };
    const location = join(dir, 'quarantine-fanned');
    const { plan } = await planPartitionedGold({ io: localFileIO(), location, inputs, runId: 'R1' });
    const single = join(dir, 'quarantine-single');
    await runPipeline({ inputs, warehouse: localWarehouse(single), runId: 'R1' });
    const fanned = await readFile(join(location, 'quarantine/events/R1.jsonl'), 'utf8');
    expect(fanned).toBe(await readFile(join(single, 'quarantine/events/R1.jsonl'), 'utf8'));
    const [record] = fanned
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { raw_base64?: string });
    expect(Buffer.from(record!.raw_base64!, 'base64')).toEqual(
      Buffer.from(corrupt.subarray(bytes.length, -1)),
    );
    expect(plan.run_id).toBe('R1');
  });
});
