import { beforeAll, describe, expect, it } from 'vitest';
import { type CellValue, tableToRows } from '../../src/columns/table-rows.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { SPARK_PEER } from '../support/paths.js';
import { sparkGoldRows } from '../support/spark-peer.js';

type Row = Record<string, CellValue>;
const key = (r: Row) => `${r.session_id}|${r.user_id}`;

/** SPEC §7: columns compared as multisets (Spark's collect_list order is arbitrary) or not at all. */
const UNORDERED = ['event_types', 'first_event_type', 'last_event_type'];
const IGNORED = ['processing_timestamp', 'source_system'];

describe('Spark peer parity (SPEC §7, time zone America/Lima)', () => {
  let ours: Map<string, Row>;
  let spark: Map<string, Row>;
  let report: Awaited<ReturnType<typeof runPipeline>>['report'];

  beforeAll(async () => {
    const run = await runPipeline({
      inputs: await discoverInputs(`${SPARK_PEER}bronze`),
      plan: { timeZone: 'America/Lima' },
    });
    report = run.report;
    ours = new Map(tableToRows(run.result.gold).map((r) => [key(r), r]));
    spark = new Map(sparkGoldRows().map((r) => [key(r), r]));
  });

  it('reads the whole peer input with nothing quarantined and 7 duplicate transactions dropped', () => {
    expect(report.sources.events).toMatchObject({ read: 2000, valid: 2000, quarantined: 0 });
    expect(report.sources.transactions).toMatchObject({
      read: 307,
      quarantined: 0,
      duplicates: 7,
      distinct: 300,
    });
    expect(report.sources.users).toMatchObject({ read: 100, quarantined: 0 });
  });

  it('has exactly the same (session_id, user_id) keys as Spark (487 rows)', () => {
    expect(spark.size).toBe(487);
    expect([...ours.keys()].sort()).toEqual([...spark.keys()].sort());
  });

  it('agrees on every deterministic column of every row', () => {
    const columns = Object.keys(spark.values().next().value!).filter(
      (c) => !UNORDERED.includes(c) && !IGNORED.includes(c),
    );
    expect(columns).toHaveLength(17);
    const mismatches: string[] = [];
    for (const [k, theirs] of spark) {
      const mine = ours.get(k)!;
      for (const c of columns)
        if (JSON.stringify(mine[c]) !== JSON.stringify(theirs[c]))
          mismatches.push(`${k}.${c}: ours ${JSON.stringify(mine[c])} spark ${JSON.stringify(theirs[c])}`);
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
  });

  it('has the same event types per session as a multiset, and first/last from that set', () => {
    for (const [k, theirs] of spark) {
      const mine = ours.get(k)!;
      expect([...(mine.event_types as string[])].sort(), k).toEqual(
        [...(theirs.event_types as string[])].sort(),
      );
      expect(mine.event_types as string[]).toContain(mine.first_event_type);
      expect((mine.event_types as string[]).at(-1)).toBe(mine.last_event_type);
    }
  });
});
