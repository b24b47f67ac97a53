import type { Table } from 'apache-arrow';
import { bytesEqual } from '../columns/bytes.js';
import { numberView, type StringView } from '../columns/column-views.js';
import { compactInPlace } from '../columns/compact.js';
import { hashBytes } from '../columns/key-index.js';
import { takeTable } from '../columns/take.js';
import { column, groupRows, singleStringKeyView } from './key-columns.js';

/** Result of {@link dedupLatest}. */
export interface DedupResult {
  table: Table;
  /** Rows dropped as duplicates. */
  duplicates: number;
}

/** The `orderBy` values, read only when some key repeats. */
type OrderOf = () => Float64Array | undefined;

/**
 * One row per key: the row with the greatest `orderBy` value; on a tie (or with no `orderBy`)
 * the row later in the input wins (SPEC §3). Row order of `table` is arrival order. Survivors
 * keep their relative input order.
 *
 * A key of one string column without nulls (`event_id`, `transaction_id`) is deduplicated by
 * sorting row hashes ({@link losersBySortedHash}): nearly every id is unique, and only rows whose
 * hashes collide are compared. Other keys go through {@link groupRows}.
 *
 * With `inPlace`, the survivors are moved down inside `table`'s own buffers ({@link
 * compactInPlace}) instead of being gathered into new ones: `table` must own its buffers and is
 * unusable afterwards.
 *
 * @example
 * dedupLatest(events, ['event_id'], 'event_timestamp')
 */
export function dedupLatest(
  table: Table,
  key: readonly string[],
  orderBy: string | null,
  options: { inPlace?: boolean } = {},
): DedupResult {
  const orderOf: OrderOf = () => (orderBy === null ? undefined : numberView(column(table, orderBy)));
  const single = singleStringKeyView(table, key);
  const losers = single ? losersBySortedHash(single, orderOf) : losersByGroup(table, key, orderOf);
  if (losers === undefined) return { table, duplicates: 0 };
  const n = table.numRows;
  let duplicates = 0;
  for (let row = 0; row < n; row++) duplicates += losers[row]!;
  const compacted = options.inPlace ? compactInPlace(table, losers) : undefined;
  if (compacted) return { table: compacted, duplicates };
  const indices = new Int32Array(n - duplicates);
  for (let row = 0, k = 0; row < n; row++) if (losers[row] === 0) indices[k++] = row;
  return { table: takeTable(table, indices), duplicates };
}

/**
 * Among rows of one key, in input order, the one that stays: the running best is replaced by
 * every later row whose order value is `>=` its own.
 */
function replaces(order: Float64Array | undefined, row: number, best: number): boolean {
  return order === undefined || order[row]! >= order[best]!;
}

/** 1 for each row that loses to another row of its key, or undefined when no key repeats. */
function losersByGroup(table: Table, key: readonly string[], orderOf: OrderOf): Uint8Array | undefined {
  const { groups, count } = groupRows(table, key);
  const n = table.numRows;
  if (count === n) return undefined;
  const order = orderOf();
  const best = new Int32Array(count).fill(-1);
  for (let row = 0; row < n; row++) {
    const g = groups[row]!;
    const current = best[g]!;
    if (current < 0 || replaces(order, row, current)) best[g] = row;
  }
  const losers = new Uint8Array(n).fill(1);
  for (let g = 0; g < count; g++) losers[best[g]!] = 0;
  return losers;
}

/** Bits of the hash a radix pass sorts by: 2,048 buckets stay in cache; three passes cover 32 bits. */
const RADIX_BITS = 11;

/**
 * Row numbers sorted by `hashes` (stable: rows of equal hash stay ascending), with the sorted
 * hashes; an LSD radix sort that moves (hash, row) pairs, so every pass reads sequentially.
 * `hashes` is used as scratch.
 */
function sortByHash(hashes: Uint32Array): { rows: Int32Array; sorted: Uint32Array } {
  const n = hashes.length;
  let keys: Uint32Array = hashes;
  let rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  let nextKeys: Uint32Array = new Uint32Array(n);
  let nextRows = new Int32Array(n);
  const counts = new Int32Array(1 << RADIX_BITS);
  const mask = (1 << RADIX_BITS) - 1;
  for (let shift = 0; shift < 32; shift += RADIX_BITS) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & mask]!++;
    for (let b = 0, sum = 0; b <= mask; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const at = counts[(k >>> shift) & mask]!++;
      nextKeys[at] = k;
      nextRows[at] = rows[i]!;
    }
    [keys, nextKeys] = [nextKeys, keys];
    [rows, nextRows] = [nextRows, rows];
  }
  return { rows, sorted: keys };
}

/**
 * {@link losersByGroup} for a key of one string column: rows are hashed and sorted by hash, and
 * only rows of equal hash (repeated ids, and the rare true collision) are compared byte by byte.
 * Same losers as grouping, without a hash table whose random probes dominate at millions of ids.
 *
 * @param hash - the row hash; a parameter so tests can force collisions.
 * @internal
 */
export function losersBySortedHash(
  view: StringView,
  orderOf: OrderOf,
  hash: (bytes: Uint8Array, start: number, end: number) => number = hashBytes,
): Uint8Array | undefined {
  const { bytes, starts, ends } = view;
  const n = view.length;
  const hashes = new Uint32Array(n);
  for (let row = 0; row < n; row++) hashes[row] = hash(bytes, starts[row]!, ends[row]!);
  const { rows, sorted } = sortByHash(hashes);
  let losers: Uint8Array | undefined;
  let order: Float64Array | undefined;
  let grouped: Uint8Array | undefined;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    if (j - i > 1) {
      // A run of equal hashes, rows ascending: group it by key bytes, oldest member first.
      if (!losers) {
        losers = new Uint8Array(n);
        grouped = new Uint8Array(n);
        order = orderOf();
      }
      for (let a = i; a < j; a++) {
        if (grouped![a]) continue;
        const first = rows[a]!;
        const length = ends[first]! - starts[first]!;
        let best = first;
        for (let b = a + 1; b < j; b++) {
          const row = rows[b]!;
          if (grouped![b] || ends[row]! - starts[row]! !== length) continue;
          if (!bytesEqual(bytes, starts[first]!, bytes, starts[row]!, length)) continue;
          grouped![b] = 1;
          if (replaces(order, row, best)) {
            losers[best] = 1;
            best = row;
          } else {
            losers[row] = 1;
          }
        }
      }
    }
    i = j;
  }
  return losers;
}
