import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableToRows } from '../../src/columns/table-rows.js';
import { parquetToTable } from '../../src/io/parquet.js';
import { bytesInput, type InputFile, readEvents, readTransactions, readUsers } from '../../src/read/index.js';
import { TimeZone } from '../../src/time/index.js';
import { SPARK_PEER } from '../support/paths.js';

// SPEC §7: the peer ran in America/Lima.
const options = { timeZone: TimeZone.of('America/Lima') };

function bronze(source: string, chunkSize = 65_536): InputFile[] {
  const dir = join(SPARK_PEER, 'bronze', source);
  return readdirSync(dir)
    .sort()
    .map((name) => bytesInput(`${source}/${name}`, readFileSync(join(dir, name)), { chunkSize }));
}

function sparkSilver(table: string): Record<string, unknown>[] {
  const dir = join(SPARK_PEER, 'silver', table, 'data');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.parquet'))
    .flatMap((name) => tableToRows(parquetToTable(readFileSync(join(dir, name)))));
}

const byKey = (key: string) => (a: Record<string, unknown>, b: Record<string, unknown>) =>
  String(a[key]).localeCompare(String(b[key]));

describe('spark-peer bronze fixture (SPEC §7)', () => {
  it('events: 2000 lines, all valid, and equal to the silver events Spark wrote', async () => {
    const result = await readEvents(bronze('events', 4093), options);
    expect(result).toMatchObject({ read: 2000, valid: 2000, quarantined: [] });
    expect(result.read).toBe(result.valid + result.quarantined.length);
    const ours = tableToRows(result.table).map(({ event_details, ...rest }) => {
      expect(typeof event_details).toBe('string');
      return rest;
    });
    const theirs = sparkSilver('events_clean').map((r) => ({
      event_id: r.event_id,
      session_id: r.session_id,
      user_id: r.user_id,
      event_type: r.event_type,
      event_timestamp: r.event_timestamp,
    }));
    expect(ours.sort(byKey('event_id'))).toEqual(theirs.sort(byKey('event_id')));
  });

  it('transactions: 307 rows, all valid; their distinct rows equal Spark’s 300 deduplicated ones', async () => {
    const result = await readTransactions(bronze('transactions', 977), options);
    expect(result).toMatchObject({ read: 307, valid: 307, quarantined: [] });
    const ours = [...new Map(tableToRows(result.table).map((r) => [JSON.stringify(r), r])).values()];
    const theirs = sparkSilver('transactions_clean').map((r) => ({
      transaction_id: r.transaction_id,
      session_id: r.session_id,
      user_id: r.user_id,
      amount: Number(r.amount).toFixed(2),
      currency: r.currency,
      transaction_timestamp: r.transaction_timestamp,
    }));
    expect(ours).toHaveLength(300);
    expect(ours.sort(byKey('transaction_id'))).toEqual(theirs.sort(byKey('transaction_id')));
  });

  it('users: 100 rows, all valid; signup dates in Lima equal Spark’s users_dim', async () => {
    const result = await readUsers(bronze('users', 333), options);
    expect(result).toMatchObject({ read: 100, valid: 100, quarantined: [] });
    const zone = options.timeZone;
    const ours = tableToRows(result.table).map((r) => {
      const micros = Date.parse(String(r.signup_date)) * 1000;
      const day = new Date(zone.localDay(micros) * 86_400_000).toISOString().slice(0, 10);
      return { user_id: r.user_id, signup_date: day, device_type: r.device_type, country: r.country };
    });
    const theirs = sparkSilver('users_dim').map((r) => ({
      user_id: r.user_id,
      signup_date: r.signup_date,
      device_type: r.device_type,
      country: r.country,
    }));
    expect(ours.sort(byKey('user_id'))).toEqual(theirs.sort(byKey('user_id')));
  });
});
