import type { Table } from 'apache-arrow';
import { defineTable, required } from '../../schemas/logical-types.js';
import { numberView } from '../columns/column-views.js';
import { takeTable } from '../columns/take.js';
import {
  assembleGold,
  type GoldSettings,
  pickTransaction,
  sessionize,
  snapshotJoin,
} from '../kernels/index.js';
import { column, groupRows, lookupRows } from '../kernels/key-columns.js';
import { concatTables, type SilverMerge } from './silver-merge.js';

/** The gold key (SPEC §6: MERGE on `(session_id, user_id)`). */
export const GOLD_KEY = ['session_id', 'user_id'] as const;

/** A table of gold keys. */
export const goldKeysTable = defineTable('gold_keys', [
  required('session_id', 'string', 'Session id.'),
  required('user_id', 'string', 'User id.'),
] as const);

const userKeysTable = defineTable('user_keys', [required('user_id', 'string', 'User id.')] as const);

/** Silver after a batch: the merged tables plus what the batch changed. */
export interface SilverDelta {
  events: SilverMerge;
  transactions: SilverMerge;
  users: SilverMerge;
}

/** What gold must change after a batch: the MERGE source and the keys to delete. */
export interface GoldDelta {
  /** Recomputed gold rows of every affected session (unique keys). */
  rows: Table;
  /** Affected keys that have no events left in silver (their event moved to another session). */
  deleteKeys: Table;
  /** Silver transactions whose session has no events (SPEC §5), over the whole silver table. */
  orphanTransactions: number;
  /** Recomputed sessions that got a transaction. */
  sessionsWithTransaction: number;
}

function goldRows(events: Table, silver: SilverDelta, settings: GoldSettings) {
  const sessions = sessionize(events);
  const picked = pickTransaction(sessions, silver.transactions.merged);
  const rows = assembleGold(snapshotJoin(picked.table, silver.users.merged), settings);
  return { rows, orphans: picked.orphans, withTransaction: picked.withTransaction };
}

/** Every session recomputed from the whole of silver (`--full-refresh`). */
export function recomputeAll(silver: SilverDelta, settings: GoldSettings): GoldDelta {
  const { rows, orphans, withTransaction } = goldRows(silver.events.merged, silver, settings);
  return {
    rows,
    deleteKeys: concatTables(goldKeysTable, [rows.slice(0, 0)]),
    orphanTransactions: orphans,
    sessionsWithTransaction: withTransaction,
  };
}

/** Smallest and greatest value of a timestamp column over several tables. */
function timeRange(columns: ReadonlyArray<readonly [Table, string]>): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [table, name] of columns) {
    for (const t of numberView(column(table, name))) {
      if (t < min) min = t;
      if (t > max) max = t;
    }
  }
  return [min, max];
}

/**
 * The sessions a batch touches, recomputed from silver (SPEC §6):
 * - sessions of new or replaced events and transactions (a replaced event's old session too),
 *   from the silver events within `lookbackMicros` of the batch's timestamps — the assumption
 *   (the seed's) is that a session's events lie within the lookback of each other;
 * - every session of a user with a new or replaced version, from all of silver, since a user
 *   version can change which snapshot any of the user's sessions sees.
 * Keys of the first kind left with no events in silver are returned as `deleteKeys`.
 */
export function recomputeAffected(
  silver: SilverDelta,
  settings: GoldSettings,
  lookbackMicros: number,
): GoldDelta {
  const { events, transactions, users } = silver;
  const touched = concatTables(goldKeysTable, [
    events.upserts,
    events.replaced,
    transactions.upserts,
    transactions.replaced,
  ]);
  const touchedKeys = groupRows(touched, GOLD_KEY);
  const [min, max] = timeRange([
    [events.upserts, 'event_timestamp'],
    [events.replaced, 'event_timestamp'],
    [transactions.upserts, 'transaction_timestamp'],
    [transactions.replaced, 'transaction_timestamp'],
  ]);
  const from = min - lookbackMicros;
  const to = max + lookbackMicros;
  const changedUsers = groupRows(concatTables(userKeysTable, [users.upserts, users.replaced]), ['user_id']);

  const all = events.merged;
  const keyOf = lookupRows(all, GOLD_KEY, touchedKeys);
  const userOf = lookupRows(all, ['user_id'], changedUsers);
  const ts = numberView(column(all, 'event_timestamp'));
  const hasEvents = new Uint8Array(touchedKeys.count);
  const picked: number[] = [];
  for (let row = 0; row < all.numRows; row++) {
    const k = keyOf[row]!;
    if (k >= 0) hasEvents[k] = 1;
    if (userOf[row]! >= 0 || (k >= 0 && ts[row]! >= from && ts[row]! <= to)) picked.push(row);
  }
  const { rows, withTransaction } = goldRows(takeTable(all, Int32Array.from(picked)), silver, settings);

  // One row per touched key without events: the first row of each such group.
  const seen = new Uint8Array(touchedKeys.count);
  const gone: number[] = [];
  for (let row = 0; row < touched.numRows; row++) {
    const g = touchedKeys.groups[row]!;
    if (!hasEvents[g] && !seen[g]) {
      seen[g] = 1;
      gone.push(row);
    }
  }
  return {
    rows,
    deleteKeys: takeTable(touched, Int32Array.from(gone)),
    orphanTransactions: orphanTransactions(silver),
    sessionsWithTransaction: withTransaction,
  };
}

/** Silver transactions whose `(session_id, user_id)` has no silver events (SPEC §5), over all of silver. */
function orphanTransactions(silver: SilverDelta): number {
  const owner = lookupRows(silver.transactions.merged, GOLD_KEY, groupRows(silver.events.merged, GOLD_KEY));
  let orphans = 0;
  for (const session of owner) if (session < 0) orphans++;
  return orphans;
}
