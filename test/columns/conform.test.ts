import { join } from 'node:path';
import { Int64, makeData, makeVector, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { goldTable, silverEventsTable } from '../../schemas/index.js';
import { conformToSchema } from '../../src/columns/conform.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { withSchema } from '../../src/columns/take.js';
import { discoverInputs } from '../../src/io/local-inputs.js';
import { parquetToTable, tableToParquet } from '../../src/io/parquet.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import { ROOT, SPARK_PEER } from '../support/paths.js';

describe('conformToSchema (what engines use on tables from other runtimes)', () => {
  let gold: Table;
  let events: Table;
  it('round-trips gold and silver through Parquet unchanged, types included', async () => {
    const { result } = await runPipeline({
      inputs: await discoverInputs(`${ROOT}test/fixtures/cases/mixed-utc/input`),
    });
    gold = result.gold;
    events = result.silver.events;
    for (const [table, def] of [
      [gold, goldTable],
      [events, silverEventsTable],
    ] as const) {
      const back = conformToSchema(parquetToTable(tableToParquet(table)), def);
      expect(back.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`)).toEqual(
        table.schema.fields.map((f) => `${f.name}:${f.type}:${f.nullable}`),
      );
      expect(tableToRows(back)).toEqual(tableToRows(table));
    }
  });

  it('stitches many chunks (tables read file by file, sliced) back into one, nulls and lists included', async () => {
    const { result } = await runPipeline({
      inputs: await discoverInputs(join(SPARK_PEER, 'bronze')),
      plan: { timeZone: 'America/Lima' },
    });
    for (const [table, def] of [
      [result.gold, goldTable],
      [result.silver.events, silverEventsTable],
    ] as const) {
      // Slices of 1, 2, 3, 1, 2, 3, … rows: chunk boundaries everywhere, offsets mid-buffer.
      const pieces: Table[] = [];
      for (let at = 0, k = 0; at < table.numRows; k++) {
        const size = 1 + (k % 3);
        pieces.push(table.slice(at, at + size));
        at += size;
      }
      const chunked = new Table(
        table.schema,
        pieces.flatMap((p) => p.batches),
      );
      expect(chunked.batches.length).toBeGreaterThan(100);
      const back = conformToSchema(chunked, def);
      expect(back.batches).toHaveLength(1);
      expect(tableToRows(back)).toEqual(tableToRows(table));
    }
    expect(tableToRows(result.gold).some((r) => r.transaction_id === null)).toBe(true);
  });

  it('reads Int64 microseconds as timestamps (how SQL engines may hand them back)', () => {
    const ts = events.getChild('event_timestamp')!.data[0]!;
    const asInt64 = makeVector(
      makeData({ type: new Int64(), length: ts.length, nullCount: 0, data: ts.values }),
    );
    const columns = Object.fromEntries(events.schema.fields.map((f) => [f.name, events.getChild(f.name)!]));
    const relabelled = withSchema({ ...columns, event_timestamp: asInt64 }, events.schema);
    expect(String(relabelled.getChild('event_timestamp')!.type)).toBe('Int64');
    expect(tableToRows(conformToSchema(relabelled, silverEventsTable))).toEqual(tableToRows(events));
  });

  it('accepts an empty table whose list column came back from IPC without a child', () => {
    const empty = gold.slice(0, 0);
    const back = conformToSchema(parquetToTable(tableToParquet(empty)), goldTable);
    expect(back.numRows).toBe(0);
    expect(schemaTypes(back)).toEqual(schemaTypes(gold));
  });
});

function schemaTypes(table: Table): string[] {
  return table.schema.fields.map((f) => `${f.name}:${f.type}`);
}
