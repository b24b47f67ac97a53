import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tableToRows } from '../../src/columns/table-rows.js';
import { type FileIO, localFileIO } from '../../src/iceberg/file-io.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { localWarehouse } from '../../src/io/local-warehouse.js';
import { icebergWarehouse, readTable, TABLE_NAMES } from '../../src/lakehouse/warehouse.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { SPARK_PEER } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'goldsmith-warehouse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const plan = { timeZone: 'America/Lima' };

/** A local FileIO that fails the n-th write of a data or metadata file. */
function failingAt(n: number): FileIO {
  const io = localFileIO();
  let writes = 0;
  const maybeFail = () => {
    if (++writes === n) throw new Error(`injected failure at write ${n}`);
  };
  return {
    ...io,
    async write(location, bytes) {
      maybeFail();
      return io.write(location, bytes);
    },
    async createExclusive(location, bytes) {
      maybeFail();
      return io.createExclusive(location, bytes);
    },
  };
}

describe('localWarehouse: Iceberg tables on disk (SPEC §6)', () => {
  it('writes four Iceberg tables whose data files hold at most rowsPerFile rows', async () => {
    const root = join(dir, 'split');
    const { result, report } = await runPipeline({
      inputs: await discoverInputs(join(SPARK_PEER, 'bronze')),
      plan,
      warehouse: localWarehouse(root, { rowsPerFile: 300 }),
    });
    const eventFiles = readdirSync(join(root, 'silver/events/data'));
    expect(eventFiles).toHaveLength(Math.ceil(result.silver.events.numRows / 300));
    for (const name of TABLE_NAMES) {
      const [namespace, table] = name.split('.') as [string, string];
      expect(readdirSync(join(root, namespace, table, 'metadata'))).toContain('version-hint.text');
    }
    const warehouse = localWarehouse(root);
    expect(tableToRows(await readTable(warehouse, 'silver.events'))).toEqual(
      tableToRows(result.silver.events),
    );
    expect(tableToRows(await readTable(warehouse, 'gold.user_session_analysis')).length).toBe(487);
    expect(report.timings.at(-1)!.step).toBe('write(iceberg)');
    expect(report.merge).toMatchObject({ mode: 'initial', gold: { inserted: 487, total: 487 } });
  });

  it('a run that fails at any write leaves each table at a snapshot, and the next run completes', async () => {
    const inputs = await discoverInputs(join(SPARK_PEER, 'bronze'));
    const { result } = await runPipeline({ inputs, plan });
    const key = (r: Record<string, unknown>) => `${r.session_id}|${r.user_id}`;
    const strip = (rows: Record<string, unknown>[]) =>
      rows.map(({ processing_timestamp: _, ...r }) => r).sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const expected = strip(tableToRows(result.gold));

    // Count the writes of one good run, then fail at (a spread of) each of them in turn.
    let total = 0;
    const local = localFileIO();
    const counting: FileIO = {
      ...local,
      write: (l, b) => {
        total++;
        return local.write(l, b);
      },
      createExclusive: (l, b) => {
        total++;
        return local.createExclusive(l, b);
      },
    };
    await runPipeline({ inputs, plan, warehouse: icebergWarehouse(counting, join(dir, 'count')) });
    expect(total).toBeGreaterThan(10);
    for (let n = 1; n <= total; n += Math.ceil(total / 16)) {
      const root = join(dir, `failing-${n}`);
      await expect(
        runPipeline({ inputs, plan, warehouse: icebergWarehouse(failingAt(n), root) }),
      ).rejects.toThrow(`injected failure at write ${n}`);
      // Gold is committed last: it holds all of the run or none of it.
      const gold = await readTable(localWarehouse(root), 'gold.user_session_analysis').catch(() => undefined);
      expect([0, expected.length]).toContain(gold?.numRows ?? 0);
      await runPipeline({ inputs, plan, warehouse: localWarehouse(root) });
      expect(strip(tableToRows(await readTable(localWarehouse(root), 'gold.user_session_analysis')))).toEqual(
        expected,
      );
    }
  });

  it('data files are written side by side; a failed commit leaves no staged file of a later table behind', async () => {
    const inputs = await discoverInputs(join(SPARK_PEER, 'bronze'));
    const root = join(dir, 'staged');
    const io = localFileIO();
    // The silver events commit (its new metadata version) fails after every table's data files
    // were written: those of the tables not yet committed are removed again.
    const failing: FileIO = {
      ...io,
      async createExclusive(location, bytes) {
        if (location.includes('silver/events/metadata/v') && !location.endsWith('v1.metadata.json'))
          throw new Error('injected failure at the silver events commit');
        return io.createExclusive(location, bytes);
      },
    };
    await expect(runPipeline({ inputs, plan, warehouse: icebergWarehouse(failing, root) })).rejects.toThrow(
      'injected failure at the silver events commit',
    );
    const dataFiles = (table: string) => {
      try {
        return readdirSync(join(root, table, 'data'), { recursive: true }).filter((f) =>
          String(f).endsWith('.parquet'),
        );
      } catch {
        return [];
      }
    };
    // Tables commit in SOURCES order (users, events, transactions), gold last.
    expect(dataFiles('silver/users').length).toBeGreaterThan(0); // committed
    expect(dataFiles('silver/events').length).toBeGreaterThan(0); // its commit was attempted: kept
    expect(dataFiles('silver/transactions')).toEqual([]);
    expect(dataFiles('gold/user_session_analysis')).toEqual([]);
    // The next run, on a working FileIO, completes.
    const { report } = await runPipeline({ inputs, plan, warehouse: localWarehouse(root) });
    expect(report.status).toBe('succeeded');
    expect(dataFiles('gold/user_session_analysis').length).toBeGreaterThan(0);
  });
});
