import { describe, expect, it } from 'vitest';
import { silverEventsTable, silverTransactionsTable, silverUsersTable } from '../../schemas/index.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import { recomputeAffected, type SilverDelta } from '../../src/lakehouse/recompute-gold.js';
import { mergeSilver } from '../../src/lakehouse/silver-merge.js';
import { TimeZone } from '../../src/time/index.js';

const ev = (event_id: string, session_id: string, user_id: string, event_timestamp: string) => ({
  event_id,
  session_id,
  user_id,
  event_type: 'click',
  event_timestamp,
  event_details: null,
});
const events = (rows: ReturnType<typeof ev>[]) => tableFromRows(silverEventsTable, rows);
const noTransactions = tableFromRows(silverTransactionsTable, []);
const noUsers = tableFromRows(silverUsersTable, []);
const DAY = 86_400e6;
const settings = {
  timeZone: TimeZone.UTC,
  processingTimestamp: Date.UTC(2026, 0, 1) * 1000,
  dataVersion: 1,
  sourceSystem: 'digital-services',
};

function delta(existing: ReturnType<typeof events>, batch: ReturnType<typeof events>): SilverDelta {
  return {
    events: mergeSilver(silverEventsTable, existing, batch, ['event_id'], 'event_timestamp'),
    transactions: mergeSilver(
      silverTransactionsTable,
      noTransactions,
      noTransactions,
      ['transaction_id'],
      'transaction_timestamp',
    ),
    users: mergeSilver(silverUsersTable, noUsers, noUsers, ['user_id', 'updated_at'], null),
  };
}

describe('mergeSilver: SPEC §3 dedup across runs', () => {
  const existing = events([
    ev('E1', 'S1', 'U1', '2025-01-01T10:00:00Z'),
    ev('E2', 'S1', 'U1', '2025-01-01T10:05:00Z'),
  ]);

  it('a later timestamp replaces, an earlier one loses, a tie goes to the later arrival', () => {
    const batch = events([
      ev('E1', 'S1', 'U1', '2025-01-01T10:01:00Z'), // newer: replaces
      ev('E2', 'S9', 'U1', '2025-01-01T10:04:00Z'), // older: loses
      ev('E3', 'S1', 'U1', '2025-01-01T10:06:00Z'), // new key
    ]);
    const merge = mergeSilver(silverEventsTable, existing, batch, ['event_id'], 'event_timestamp');
    expect({ inserted: merge.inserted, updated: merge.updated, unchanged: merge.unchanged }).toEqual({
      inserted: 1,
      updated: 1,
      unchanged: 1,
    });
    expect(tableToRows(merge.merged).map((r) => [r.event_id, r.event_timestamp])).toEqual([
      ['E2', '2025-01-01T10:05:00.000000Z'],
      ['E1', '2025-01-01T10:01:00.000000Z'],
      ['E3', '2025-01-01T10:06:00.000000Z'],
    ]);
    expect(tableToRows(merge.upserts).map((r) => r.event_id)).toEqual(['E1', 'E3']);
    expect(tableToRows(merge.replaced).map((r) => r.event_timestamp)).toEqual([
      '2025-01-01T10:00:00.000000Z',
    ]);

    const tie = mergeSilver(
      silverEventsTable,
      existing,
      events([ev('E2', 'S2', 'U1', '2025-01-01T10:05:00Z')]),
      ['event_id'],
      'event_timestamp',
    );
    expect(tableToRows(tie.merged).find((r) => r.event_id === 'E2')?.session_id).toBe('S2');
  });

  it('silver.users keeps one row per (user_id, updated_at), null updated_at included', () => {
    const user = (id: string, device: string, updated_at: string | null) => ({
      user_id: id,
      signup_date: '2024-01-01T00:00:00Z',
      device_type: device,
      country: 'PE',
      updated_at,
    });
    const before = tableFromRows(silverUsersTable, [
      user('U1', 'iOS', null),
      user('U1', 'Web', '2025-01-02T00:00:00Z'),
    ]);
    const batch = tableFromRows(silverUsersTable, [
      user('U1', 'Android', null),
      user('U1', 'Web', '2025-01-03T00:00:00Z'),
    ]);
    const merge = mergeSilver(silverUsersTable, before, batch, ['user_id', 'updated_at'], null);
    expect(merge.updated).toBe(1);
    expect(merge.inserted).toBe(1);
    expect(tableToRows(merge.merged).map((r) => [r.device_type, r.updated_at])).toEqual([
      ['Web', '2025-01-02T00:00:00.000000Z'],
      ['Android', null],
      ['Web', '2025-01-03T00:00:00.000000Z'],
    ]);
  });
});

describe('recomputeAffected: SPEC §6 touched sessions', () => {
  it('recomputes a session that got a late event, leaves others alone', () => {
    const existing = events([
      ev('E1', 'S1', 'U1', '2025-01-01T10:00:00Z'),
      ev('E2', 'S2', 'U2', '2025-01-01T11:00:00Z'),
    ]);
    const late = events([ev('E3', 'S1', 'U1', '2025-01-01T09:59:00Z')]);
    const gold = recomputeAffected(delta(existing, late), settings, 2 * DAY);
    const rows = tableToRows(gold.rows);
    expect(rows.map((r) => [r.session_id, r.total_events, r.session_start_time])).toEqual([
      ['S1', 2, '2025-01-01T09:59:00.000000Z'],
    ]);
    expect(gold.deleteKeys.numRows).toBe(0);
  });

  it('an event that moves to another session deletes the session it leaves empty', () => {
    const existing = events([ev('E1', 'S1', 'U1', '2025-01-01T10:00:00Z')]);
    const moved = events([ev('E1', 'S2', 'U1', '2025-01-01T10:00:01Z')]);
    const gold = recomputeAffected(delta(existing, moved), settings, 2 * DAY);
    expect(tableToRows(gold.rows).map((r) => r.session_id)).toEqual(['S2']);
    expect(tableToRows(gold.deleteKeys)).toEqual([{ session_id: 'S1', user_id: 'U1' }]);
  });

  it('reads only silver events within the lookback of the batch (the documented assumption)', () => {
    const existing = events([
      ev('E1', 'S1', 'U1', '2025-01-01T10:00:00Z'),
      ev('E2', 'S1', 'U1', '2025-01-05T10:00:00Z'),
    ]);
    const late = events([ev('E3', 'S1', 'U1', '2025-01-05T10:01:00Z')]);
    const narrow = tableToRows(recomputeAffected(delta(existing, late), settings, 2 * DAY).rows);
    expect(narrow[0]?.total_events).toBe(2);
    const wide = tableToRows(recomputeAffected(delta(existing, late), settings, 10 * DAY).rows);
    expect(wide[0]?.total_events).toBe(3);
  });
});
