import { afterAll, describe, expect, it } from 'vitest';
import { silverEventsTable } from '../../schemas/silver.js';
import { arrowByteLength } from '../../src/columns/byte-length.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { parquetToTable } from '../../src/io/parquet.js';
import {
  inThreadEncoder,
  parquetEncoder,
  prepareParquetEncoder,
  TWO_LANES_FROM_BYTES,
  TwoLaneEncoder,
} from '../../src/io/parquet-encoder.js';
import { sortedRows } from '../conformance/compare.js';
import { goldRows, goldTableOf } from '../iceberg/support.js';

// Data files are the same bytes whichever lane encodes them (SPEC §6: the Parquet output of a
// run does not depend on how it was executed).

const events = tableFromRows(
  silverEventsTable,
  Array.from({ length: 500 }, (_, i) => ({
    event_id: `EVT_${String(i).padStart(8, '0')}`,
    session_id: `SES_${String(i >> 3).padStart(6, '0')}`,
    user_id: `USR_${String(i % 17).padStart(5, '0')}`,
    event_type: ['page_view', 'click', 'add_to_cart'][i % 3],
    event_timestamp: `2025-09-05T00:${String(i % 60).padStart(2, '0')}:00.000001Z`,
    event_details: i % 4 === 0 ? null : `{"n": ${i}}`,
  })),
);
const gold = goldTableOf(goldRows(300));

const started: TwoLaneEncoder[] = [];
function twoLanes(options: { workerOnlyFromBytes?: number } = {}): TwoLaneEncoder {
  const encoder = new TwoLaneEncoder(options);
  started.push(encoder);
  return encoder;
}
afterAll(async () => {
  await Promise.all(started.map((e) => e.close()));
});

/** Waits until the worker has loaded (it reports ready once). */
async function untilIdle(encoder: TwoLaneEncoder): Promise<void> {
  for (let i = 0; i < 600 && !encoder.idle; i++) await new Promise((r) => setTimeout(r, 50));
  expect(encoder.idle).toBe(true);
}

describe('Parquet encoding lanes', () => {
  it('the worker lane writes the same bytes as this thread', async () => {
    const encoder = twoLanes();
    await untilIdle(encoder);
    for (const table of [events, gold]) {
      const here = await inThreadEncoder.encode(table);
      const there = await encoder.encode(table);
      expect(Buffer.from(there).equals(Buffer.from(here))).toBe(true);
      expect(sortedRows(parquetToTable(there))).toEqual(sortedRows(table));
    }
    expect(encoder.encodedOnWorker).toBe(2);
  });

  it('encodes on this thread while the worker is busy, and keeps each file its own bytes', async () => {
    const encoder = twoLanes();
    await untilIdle(encoder);
    const tables = [events, gold, events.slice(0, 100), gold.slice(10, 20)];
    const results = await Promise.all(tables.map((t) => encoder.encode(t)));
    expect(encoder.encodedOnWorker).toBe(1); // the first; the others found it busy
    for (const [i, bytes] of results.entries())
      expect(Buffer.from(bytes).equals(Buffer.from(await inThreadEncoder.encode(tables[i]!)))).toBe(true);
  });

  it('a file the worker held when it died is encoded on this thread', async () => {
    const encoder = twoLanes();
    await untilIdle(encoder);
    const pending = encoder.encode(gold);
    await encoder.close();
    const bytes = await pending;
    expect(Buffer.from(bytes).equals(Buffer.from(await inThreadEncoder.encode(gold)))).toBe(true);
    expect(encoder.idle).toBe(false);
    expect(Buffer.from(await encoder.encode(events)).length).toBeGreaterThan(0);
  });

  it('big files wait for the worker, in order, while small ones are encoded here', async () => {
    // Every table of 10 KB or more counts as big here.
    const encoder = twoLanes({ workerOnlyFromBytes: 10_000 });
    expect(arrowByteLength(events)).toBeGreaterThan(10_000);
    expect(arrowByteLength(gold.slice(0, 5))).toBeLessThan(10_000);
    // Queued before the worker is ready: they wait for it instead of growing this thread's heap.
    const big = [events, events.slice(100, 400), gold].map((t) => encoder.encode(t));
    const small = encoder.encode(gold.slice(0, 5));
    const results = await Promise.all([...big, small]);
    expect(encoder.encodedOnWorker).toBe(3);
    const tables = [events, events.slice(100, 400), gold, gold.slice(0, 5)];
    for (const [i, bytes] of results.entries())
      expect(Buffer.from(bytes).equals(Buffer.from(await inThreadEncoder.encode(tables[i]!)))).toBe(true);
  });

  it('files waiting for a worker that died are encoded on this thread', async () => {
    const encoder = twoLanes({ workerOnlyFromBytes: 10_000 });
    await untilIdle(encoder);
    const pending = [encoder.encode(events), encoder.encode(gold)];
    await encoder.close();
    const results = await Promise.all(pending);
    expect(Buffer.from(results[1]!).equals(Buffer.from(await inThreadEncoder.encode(gold)))).toBe(true);
    expect(sortedRows(parquetToTable(results[0]!))).toEqual(sortedRows(events));
  });

  it('counts the Arrow bytes of a slice by its own rows', () => {
    const whole = arrowByteLength(events);
    const half = arrowByteLength(events.slice(0, 250));
    expect(half).toBeGreaterThan(whole * 0.4);
    expect(half).toBeLessThan(whole * 0.6);
    expect(arrowByteLength(events.slice(0, 0))).toBeLessThan(100);
  });

  it('starts the worker lane only for big inputs', () => {
    prepareParquetEncoder(TWO_LANES_FROM_BYTES - 1);
    expect(parquetEncoder()).toBe(inThreadEncoder);
  });
});
