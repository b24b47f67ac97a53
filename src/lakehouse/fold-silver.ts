import type { Table } from 'apache-arrow';
import type { SourceName } from '../../schemas/bronze.js';
import type { SilverDelta } from './recompute-gold.js';
import { mergeSilver } from './silver-merge.js';
import { TABLES } from './warehouse.js';

/** Columns the dedup of SPEC §3 orders by, per silver table (users: arrival order only). */
const ORDER_BY: Record<SourceName, string | null> = {
  events: 'event_timestamp',
  transactions: 'transaction_timestamp',
  users: null,
};

/** Folds a run's deduplicated batch into each existing silver table (SPEC §3 across runs). */
export function foldSilver(
  existing: Record<SourceName, Table>,
  batch: Record<SourceName, Table>,
): SilverDelta {
  const fold = (source: SourceName) =>
    mergeSilver(TABLES[source].def, existing[source], batch[source], TABLES[source].key, ORDER_BY[source]);
  return { events: fold('events'), transactions: fold('transactions'), users: fold('users') };
}
