import type { Table } from 'apache-arrow';
import { numberView, stringView } from '../columns/column-views.js';
import { appendGathered, column, compareBytes, groupRows, lookupRows } from './key-columns.js';

/** Result of {@link pickTransaction}. */
export interface PickTransactionResult {
  table: Table;
  /** Silver transactions whose `(session_id, user_id)` has no events (SPEC §5). */
  orphans: number;
  /** Sessions that got a transaction. */
  withTransaction: number;
}

const KEY = ['session_id', 'user_id'] as const;

/**
 * Left-joins sessions with their earliest transaction by (`transaction_timestamp`,
 * `transaction_id`) among transactions with the same `(session_id, user_id)` (SPEC §5). Adds
 * `transaction_id`, `transaction_amount`, `transaction_currency`, `transaction_timestamp`
 * (null where the session has none). Every session row is kept, in order.
 */
export function pickTransaction(sessions: Table, transactions: Table): PickTransactionResult {
  const grouped = groupRows(sessions, KEY);
  const { count } = grouped;
  if (count !== sessions.numRows)
    throw new Error('pickTransaction: sessions must have unique (session_id, user_id)');
  const owner = lookupRows(transactions, KEY, grouped);
  const ts = numberView(column(transactions, 'transaction_timestamp'));
  const ids = stringView(column(transactions, 'transaction_id'));
  const best = new Int32Array(count).fill(-1);
  let orphans = 0;
  for (let row = 0; row < owner.length; row++) {
    const s = owner[row]!;
    if (s < 0) {
      orphans++;
      continue;
    }
    const current = best[s]!;
    if (
      current < 0 ||
      ts[row]! < ts[current]! ||
      (ts[row] === ts[current] &&
        compareBytes(
          ids.bytes,
          ids.starts[row]!,
          ids.ends[row]!,
          ids.bytes,
          ids.starts[current]!,
          ids.ends[current]!,
        ) < 0)
    ) {
      best[s] = row;
    }
  }
  let withTransaction = 0;
  for (let s = 0; s < count; s++) if (best[s]! >= 0) withTransaction++;

  const table = appendGathered(
    sessions,
    transactions,
    'transactions',
    [
      ['transaction_id', 'transaction_id'],
      ['transaction_amount', 'amount'],
      ['transaction_currency', 'currency'],
      ['transaction_timestamp', 'transaction_timestamp'],
    ],
    best,
  );
  return { table, orphans, withTransaction };
}
