import { describe, expect, it } from 'vitest';
import { silverEventsTable, silverTransactionsTable, silverUsersTable } from '../../schemas/index.js';
import { tableFromRows } from '../../src/columns/rows-table.js';
import { tableToRows } from '../../src/columns/table-rows.js';
import {
  assembleGold,
  dedupLatest,
  pickTransaction,
  sessionize,
  snapshotJoin,
} from '../../src/kernels/index.js';
import { TimeZone } from '../../src/time/index.js';

const ev = (
  event_id: string,
  session_id: string,
  user_id: string,
  event_type: string,
  ts: string,
  details: string | null = null,
) => ({
  event_id,
  session_id,
  user_id,
  event_type,
  event_timestamp: ts,
  event_details: details,
});
const txn = (
  transaction_id: string,
  session_id: string,
  user_id: string,
  amount: string,
  ts: string,
  currency = 'USD',
) => ({
  transaction_id,
  session_id,
  user_id,
  amount,
  currency,
  transaction_timestamp: ts,
});
const user = (
  user_id: string,
  signup: string,
  device: string | null,
  country: string | null,
  updated_at: string | null = null,
) => ({
  user_id,
  signup_date: signup,
  device_type: device,
  country,
  updated_at,
});

describe('dedupLatest (SPEC §3)', () => {
  it('keeps the greatest event_timestamp per event_id', () => {
    const t = tableFromRows(silverEventsTable, [
      ev('E1', 'S1', 'U1', 'click', '2025-01-01T10:00:05.000000Z', '{"v":1}'),
      ev('E2', 'S1', 'U1', 'scroll', '2025-01-01T10:00:00.000000Z'),
      ev('E1', 'S1', 'U1', 'click', '2025-01-01T10:00:01.000000Z', '{"v":2}'),
    ]);
    const { table, duplicates } = dedupLatest(t, ['event_id'], 'event_timestamp');
    expect(duplicates).toBe(1);
    const rows = tableToRows(table);
    expect(rows.map((r) => [r.event_id, r.event_details])).toEqual([
      ['E1', '{"v":1}'],
      ['E2', null],
    ]);
  });

  it('on a timestamp tie keeps the row later in the input', () => {
    const t = tableFromRows(silverEventsTable, [
      ev('E1', 'S1', 'U1', 'click', '2025-01-01T10:00:00.000000Z', '{"first":true}'),
      ev('E1', 'S1', 'U1', 'click', '2025-01-01T10:00:00.000000Z', '{"second":true}'),
    ]);
    const rows = tableToRows(dedupLatest(t, ['event_id'], 'event_timestamp').table);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.event_details).toBe('{"second":true}');
  });

  it('is idempotent', () => {
    const t = tableFromRows(silverEventsTable, [
      ev('A', 'S', 'U', 'click', '2025-01-01T10:00:00.000000Z'),
      ev('A', 'S', 'U', 'scroll', '2025-01-01T11:00:00.000000Z'),
      ev('B', 'S', 'U', 'click', '2025-01-01T10:00:00.000000Z'),
    ]);
    const once = dedupLatest(t, ['event_id'], 'event_timestamp').table;
    const twice = dedupLatest(once, ['event_id'], 'event_timestamp');
    expect(twice.duplicates).toBe(0);
    expect(tableToRows(twice.table)).toEqual(tableToRows(once));
  });

  it('users: one row per (user_id, updated_at); without updated_at the later row wins', () => {
    const t = tableFromRows(silverUsersTable, [
      user('U1', '2024-01-01T00:00:00.000000Z', 'iOS', 'PE'),
      user('U1', '2024-01-01T00:00:00.000000Z', 'Android', 'PE'),
      user('U2', '2024-01-01T00:00:00.000000Z', 'Web', 'US', '2025-01-01T00:00:00.000000Z'),
      user('U2', '2024-01-01T00:00:00.000000Z', 'iOS', 'US', '2025-02-01T00:00:00.000000Z'),
    ]);
    const { table, duplicates } = dedupLatest(t, ['user_id', 'updated_at'], null);
    expect(duplicates).toBe(1);
    expect(tableToRows(table).map((r) => [r.user_id, r.device_type])).toEqual([
      ['U1', 'Android'],
      ['U2', 'Web'],
      ['U2', 'iOS'],
    ]);
  });
});

describe('sessionize (SPEC §5)', () => {
  it('orders event_types by (event_timestamp, event_id), keeps repeats, and takes min/max times', () => {
    const t = tableFromRows(silverEventsTable, [
      ev('E3', 'S1', 'U1', 'checkout', '2025-01-01T10:05:00.000000Z'),
      ev('E2', 'S1', 'U1', 'click', '2025-01-01T10:00:00.000000Z'),
      ev('E1', 'S1', 'U1', 'page_view', '2025-01-01T10:00:00.000000Z'),
      ev('E4', 'S1', 'U1', 'click', '2025-01-01T10:01:00.000000Z'),
      ev('E9', 'S2', 'U2', 'login', '2025-01-02T00:00:00.000000Z'),
    ]);
    const rows = tableToRows(sessionize(t));
    expect(rows).toEqual([
      {
        user_id: 'U1',
        session_id: 'S1',
        session_start_time: '2025-01-01T10:00:00.000000Z',
        session_end_time: '2025-01-01T10:05:00.000000Z',
        total_events: 4,
        event_types: ['page_view', 'click', 'click', 'checkout'],
        first_event_type: 'page_view',
        last_event_type: 'checkout',
      },
      {
        user_id: 'U2',
        session_id: 'S2',
        session_start_time: '2025-01-02T00:00:00.000000Z',
        session_end_time: '2025-01-02T00:00:00.000000Z',
        total_events: 1,
        event_types: ['login'],
        first_event_type: 'login',
        last_event_type: 'login',
      },
    ]);
  });

  it('a session id shared by two users makes two sessions', () => {
    const t = tableFromRows(silverEventsTable, [
      ev('E1', 'S1', 'U1', 'click', '2025-01-01T10:00:00.000000Z'),
      ev('E2', 'S1', 'U2', 'click', '2025-01-01T10:00:00.000000Z'),
    ]);
    expect(sessionize(t).numRows).toBe(2);
  });
});

describe('pickTransaction (SPEC §5)', () => {
  const sessions = sessionize(
    tableFromRows(silverEventsTable, [
      ev('E1', 'S1', 'U1', 'click', '2025-01-01T10:00:00.000000Z'),
      ev('E2', 'S2', 'U2', 'click', '2025-01-01T10:00:00.000000Z'),
    ]),
  );

  it('picks the earliest transaction by (timestamp, id), keeps every session, counts orphans', () => {
    const txns = tableFromRows(silverTransactionsTable, [
      txn('T2', 'S1', 'U1', '20.00', '2025-01-01T10:10:00.000000Z'),
      txn('T9', 'S1', 'U1', '30.00', '2025-01-01T10:05:00.000000Z'),
      txn('T1', 'S1', 'U1', '10.00', '2025-01-01T10:05:00.000000Z'),
      txn('T5', 'S1', 'U2', '99.00', '2025-01-01T10:00:00.000000Z'),
      txn('T6', 'S404', 'U1', '1.00', '2025-01-01T10:00:00.000000Z'),
    ]);
    const { table, orphans, withTransaction } = pickTransaction(sessions, txns);
    expect(orphans).toBe(2);
    expect(withTransaction).toBe(1);
    const rows = tableToRows(table);
    expect(
      rows.map((r) => [r.session_id, r.transaction_id, r.transaction_amount, r.transaction_currency]),
    ).toEqual([
      ['S1', 'T1', '10.00', 'USD'],
      ['S2', null, null, null],
    ]);
  });
});

describe('snapshotJoin (SPEC §5: user snapshot valid at the session)', () => {
  const sessions = sessionize(
    tableFromRows(silverEventsTable, [
      ev('E1', 'S1', 'U1', 'click', '2025-01-15T00:00:00.000000Z'),
      ev('E2', 'S2', 'U1', 'click', '2024-06-01T00:00:00.000000Z'),
      ev('E3', 'S3', 'U1', 'click', '2025-03-01T00:00:00.000000Z'),
      ev('E4', 'S4', 'U404', 'click', '2025-03-01T00:00:00.000000Z'),
    ]),
  );
  const users = tableFromRows(silverUsersTable, [
    user('U1', '2024-01-01T00:00:00.000000Z', 'Web', 'PE', '2025-02-01T00:00:00.000000Z'),
    user('U1', '2024-01-01T00:00:00.000000Z', 'iOS', 'CL', '2025-01-01T00:00:00.000000Z'),
  ]);

  it('greatest updated_at ≤ start, else the earliest version, null for unknown users', () => {
    const rows = tableToRows(
      snapshotJoin(pickTransaction(sessions, tableFromRows(silverTransactionsTable, [])).table, users),
    );
    expect(rows.map((r) => [r.session_id, r.device_type, r.country])).toEqual([
      ['S1', 'iOS', 'CL'],
      ['S2', 'iOS', 'CL'],
      ['S3', 'Web', 'PE'],
      ['S4', null, null],
    ]);
  });
});

describe('assembleGold (SPEC §5)', () => {
  const gold = (tz: string) => {
    const events = tableFromRows(silverEventsTable, [
      ev('E1', 'S1', 'U1', 'page_view', '2025-01-01T04:59:59.900000Z'),
      ev('E2', 'S1', 'U1', 'purchase', '2025-01-01T05:00:00.100000Z'),
    ]);
    const txns = tableFromRows(silverTransactionsTable, [
      txn('T1', 'S1', 'U1', '1250.50', '2025-01-01T04:59:58.000000Z', 'PEN'),
    ]);
    const users = tableFromRows(silverUsersTable, [user('U1', '2024-03-15T04:00:00.000000Z', 'iOS', 'PE')]);
    const joined = snapshotJoin(pickTransaction(sessionize(events), txns).table, users);
    return tableToRows(
      assembleGold(joined, {
        timeZone: TimeZone.of(tz),
        processingTimestamp: 1_700_000_000_000_000,
        dataVersion: 3,
        sourceSystem: 'test',
      }),
    );
  };

  it('computes seconds by flooring each instant (Spark unix_timestamp difference), may go negative', () => {
    const [row] = gold('UTC');
    // 04:59:59.9 → 04:59:59 and 05:00:00.1 → 05:00:00: one second, although only 0.2 s elapsed.
    expect(row!.session_duration_seconds).toBe(1);
    // Purchase 2 s before the first event: negative, kept.
    expect(row!.time_to_purchase_seconds).toBe(-1);
    expect(row!.has_transaction).toBe(true);
    expect(row!.transaction_amount).toBe('1250.50');
    expect(row!.processing_timestamp).toBe('2023-11-14T22:13:20.000000Z');
    expect(row!.data_version).toBe(3);
    expect(row!.source_system).toBe('test');
  });

  it('derives session_date and signup_date in the run time zone', () => {
    expect(gold('UTC')[0]).toMatchObject({ session_date: '2025-01-01', signup_date: '2024-03-15' });
    // 04:59:59.9Z is still Dec 31 in Lima (UTC−5); the sign-up at 04:00Z is Mar 14 there.
    expect(gold('America/Lima')[0]).toMatchObject({ session_date: '2024-12-31', signup_date: '2024-03-14' });
  });
});
