import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Table } from 'apache-arrow';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceName } from '../../schemas/bronze.js';
import { goldTable } from '../../schemas/gold.js';
import { silverEventsTable, silverTransactionsTable, silverUsersTable } from '../../schemas/silver.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { GenerateOptionsSchema, generate } from '../../src/generate/index.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { readTable } from '../../src/lakehouse/warehouse.js';
import type { InputFile } from '../../src/read/index.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { serveDirectory } from '../iceberg/http-server.js';
import { icebirdVersionRows, sortByKey, toMillis } from '../iceberg/icebird-rows.js';

const GOLD = 'gold.user_session_analysis';
const TIME_ZONE = 'America/Lima';

/** Gold rows in key order, without the one column that differs per run (SPEC §6). */
function comparable(table: Table) {
  return tableToRows(table)
    .map(({ processing_timestamp: _, ...row }) => row)
    .sort((a, b) => {
      const ka = `${a.session_id}\u0000${a.user_id}`;
      const kb = `${b.session_id}\u0000${b.user_id}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

/** The arrival day of a generated hourly file (`events-20250301-07.jsonl`, `users-20250301.csv`). */
function arrivalDay(file: InputFile): string {
  const match = /-(\d{8})(?:-\d{2})?\.\w+$/.exec(file.path);
  if (!match) throw new Error(`not an hourly file: ${file.path}`);
  return match[1]!;
}

function only(inputs: Record<SourceName, InputFile[]>, keep: (f: InputFile) => boolean) {
  return {
    users: inputs.users.filter(keep),
    events: inputs.events.filter(keep),
    transactions: inputs.transactions.filter(keep),
  };
}

/** The first metadata version whose current snapshot is `id` (read as text: ids exceed 2^53). */
async function firstVersionWith(tableUrl: string, id: string): Promise<number> {
  for (let version = 1; ; version++) {
    const response = await fetch(`${tableUrl}/metadata/v${version}.metadata.json`);
    if (!response.ok) throw new Error(`no metadata version has current snapshot ${id}`);
    if (new RegExp(`"current-snapshot-id"\\s*:\\s*${id}\\b`).test(await response.text())) return version;
  }
}

describe('SPEC §6: incremental runs over arrival batches converge to one run over everything', () => {
  let dir = '';
  let inputs: Record<SourceName, InputFile[]>;
  let days: string[];
  let oneShot: Table;
  let oneShotOrphans = 0;
  let clock = Date.UTC(2026, 0, 1);
  const now = () => (clock += 1000);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'goldsmith-incremental-'));
    await generate(
      GenerateOptionsSchema.parse({
        outDir: join(dir, 'in'),
        batches: 'hourly',
        users: 300,
        sessions: 1500,
        events: 8000,
        transactions: 900,
        lateRate: 0.15,
        eventDuplicateRate: 0.05,
        duplicateRate: 0.05,
        corruptRate: 0.01,
        start: '2025-03-01',
        days: 5,
        seed: 21,
      }),
    );
    inputs = await discoverInputs(join(dir, 'in'));
    days = [...new Set([...inputs.events, ...inputs.transactions, ...inputs.users].map(arrivalDay))].sort();
    const whole = await runPipeline({ inputs, plan: { timeZone: TIME_ZONE }, now });
    oneShot = whole.result.gold;
    oneShotOrphans = whole.report.orphan_transactions;
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('one run per arrival day ends with exactly the one-shot gold, one snapshot per run', async () => {
    expect(days.length).toBeGreaterThanOrEqual(5);
    const warehouse = localWarehouse(join(dir, 'batches'));
    const modes: string[] = [];
    let lateEvents = 0;
    let orphans = -1;
    for (const day of days) {
      const { report } = await runPipeline({
        inputs: only(inputs, (f) => arrivalDay(f) === day),
        warehouse,
        plan: { timeZone: TIME_ZONE },
        now,
      });
      modes.push(report.merge!.mode);
      orphans = report.orphan_transactions;
      lateEvents += report.merge!.gold!.updated;
    }
    expect(modes[0]).toBe('initial');
    expect(modes.slice(1).every((m) => m === 'incremental')).toBe(true);
    // Late data really changed existing sessions (otherwise this test proves little).
    expect(lateEvents).toBeGreaterThan(0);
    // The report's orphan count is over the whole of silver, as in one run over everything.
    expect(oneShotOrphans).toBeGreaterThan(0);
    expect(orphans).toBe(oneShotOrphans);

    const gold = await readTable(warehouse, GOLD);
    expect(gold.numRows).toBe(oneShot.numRows);
    expect(comparable(gold)).toEqual(comparable(oneShot));
    const table = await warehouse.table(GOLD);
    expect(table.snapshots()).toHaveLength(days.length);

    // An independent reader agrees on every version: icebird, over loopback HTTP. It fetches the
    // absolute paths we wrote, so those are sent to the server.
    const server = await serveDirectory(dir);
    const realFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      return realFetch(url.startsWith(`${dir}/`) ? `${server.url}${url.slice(dir.length)}` : input, init);
    };
    try {
      const tableUrl = `${server.url}/batches/gold/user_session_analysis`;
      const key = ['session_id', 'user_id'] as const;
      let versions = 0;
      for (const snapshot of table.snapshots()) {
        const version = await firstVersionWith(tableUrl, snapshot.snapshot_id);
        const theirs = await icebirdVersionRows(tableUrl, version, goldTable);
        const ours = toMillis(tableToRows(await table.read({ snapshotId: snapshot.snapshot_id })), goldTable);
        expect(sortByKey(theirs, key), snapshot.snapshot_id).toEqual(sortByKey(ours, key));
        versions++;
      }
      expect(versions).toBe(days.length);

      // And the silver tables, as they stand at the end.
      for (const [name, def, key] of [
        ['events', silverEventsTable, ['event_id']],
        ['transactions', silverTransactionsTable, ['transaction_id']],
        ['users', silverUsersTable, ['user_id', 'updated_at']],
      ] as const) {
        const url = `${server.url}/batches/silver/${name}`;
        const silver = await warehouse.table(`silver.${name}`);
        const hint = (await (await fetch(`${url}/metadata/version-hint.text`)).text()).trim();
        const theirs = await icebirdVersionRows(url, hint, def);
        const ours = toMillis(tableToRows(await silver.read()), def);
        expect(ours.length).toBeGreaterThan(0);
        expect(sortByKey(theirs, key), name).toEqual(sortByKey(ours, key));
      }
    } finally {
      globalThis.fetch = realFetch;
      await server.close();
    }
  }, 300_000);

  it('re-running the same input changes nothing', async () => {
    const warehouse = localWarehouse(join(dir, 'rerun'));
    await runPipeline({ inputs, warehouse, plan: { timeZone: TIME_ZONE }, now });
    const before = (await warehouse.table(GOLD)).snapshots();
    const { report } = await runPipeline({ inputs, warehouse, plan: { timeZone: TIME_ZONE }, now });
    const files = inputs.events.length + inputs.transactions.length + inputs.users.length;
    expect(report.merge!.skipped_files).toBe(files);
    expect(report.sources.events.read).toBe(0);
    expect((await warehouse.table(GOLD)).snapshots()).toEqual(before);
    expect(comparable(await readTable(warehouse, GOLD))).toEqual(comparable(oneShot));
  }, 120_000);

  it('--full-refresh recomputes every session and still equals the one-shot gold', async () => {
    const warehouse = localWarehouse(join(dir, 'refresh'));
    const half = days.slice(0, 3);
    await runPipeline({
      inputs: only(inputs, (f) => half.includes(arrivalDay(f))),
      warehouse,
      plan: { timeZone: TIME_ZONE },
      now,
    });
    const { report } = await runPipeline({
      inputs,
      warehouse,
      plan: { timeZone: TIME_ZONE },
      now,
      fullRefresh: true,
    });
    expect(report.merge!.mode).toBe('full-refresh');
    expect(report.merge!.recomputed).toBe(oneShot.numRows);
    expect(comparable(await readTable(warehouse, GOLD))).toEqual(comparable(oneShot));
  }, 120_000);

  it('concurrent runs into one warehouse: each retries on a commit conflict, none loses an update', async () => {
    const warehouse = localWarehouse(join(dir, 'concurrent'));
    const [first, second] = [days.slice(0, 2), days.slice(2)];
    const conflicts: string[] = [];
    const logger = {
      info() {},
      error() {},
      warn(_: object, msg?: string) {
        if (msg?.includes('commit conflict')) conflicts.push(msg);
      },
    };
    const runs = await Promise.all(
      [first, second].map((batch) =>
        runPipeline({
          inputs: only(inputs, (f) => batch.includes(arrivalDay(f))),
          warehouse,
          plan: { timeZone: TIME_ZONE },
          now,
          logger,
        }),
      ),
    );
    expect(runs).toHaveLength(2);
    // They really raced (both read the empty warehouse): at least one had to start over.
    expect(conflicts.length).toBeGreaterThan(0);
    const gold = await readTable(warehouse, GOLD);
    expect(comparable(gold)).toEqual(comparable(oneShot));
    // Nothing twice in silver either (SPEC §3).
    const events = await readTable(warehouse, 'silver.events');
    expect(new Set(tableToRows(events).map((r) => r.event_id)).size).toBe(events.numRows);
  }, 300_000);
});
