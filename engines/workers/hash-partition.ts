/**
 * Hash partitioning of a table's rows by key columns: rows with equal keys (as the kernels'
 * `groupRows` compares them: string bytes, exact numbers, null as its own value) land in the same
 * partition, and each partition keeps the rows' relative order.
 *
 * @module
 */

import { DataType, type Table } from 'apache-arrow';
import { numberView, stringView } from '../../src/columns/column-views.js';
import { hashBytes } from '../../src/columns/key-index.js';
import { column } from '../../src/kernels/index.js';
import { takeRows } from './arrival-merge.js';

const NULL_MARK = 0x9e3779b9;
const NAN_MARK = 0x7ff80001;

/** murmur3's finalizer: spreads FNV's bits before the modulo. */
function mix(h: number): number {
  let x = h >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The partition (0 … `partitions` − 1) of every row by a hash of `key`. Deterministic across
 * threads and runs, so two relations hashed by the same key are co-partitioned.
 */
export function partitionOf(table: Table, key: readonly string[], partitions: number): Uint16Array {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 65535) {
    throw new RangeError(`partitions must be an integer in [1, 65535], got ${partitions}`);
  }
  const n = table.numRows;
  const out = new Uint16Array(n);
  if (partitions === 1 || n === 0) return out;
  const hashes = new Uint32Array(n).fill(0x811c9dc5);
  for (const name of key) {
    const vector = column(table, name);
    const type = vector.type as DataType;
    if (DataType.isUtf8(type) || DataType.isDictionary(type)) {
      const { bytes, starts, ends, nulls } = stringView(vector);
      for (let i = 0; i < n; i++) {
        const h = nulls?.[i]
          ? Math.imul(hashes[i]! ^ NULL_MARK, 0x01000193)
          : hashBytes(bytes, starts[i]!, ends[i]!, hashes[i]!);
        // A separator after each part, so ("ab","c") and ("a","bc") are apart.
        hashes[i] = Math.imul(h ^ 0xff, 0x01000193);
      }
    } else {
      const values = numberView(vector);
      const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        let h = hashes[i]!;
        if (Number.isNaN(v)) h = Math.imul(h ^ NAN_MARK, 0x01000193);
        else {
          h = Math.imul(h ^ words[2 * i]!, 0x01000193);
          h = Math.imul(h ^ words[2 * i + 1]!, 0x01000193);
        }
        hashes[i] = h;
      }
    }
  }
  for (let i = 0; i < n; i++) out[i] = mix(hashes[i]!) % partitions;
  return out;
}

/**
 * Splits `table` into `partitions` tables by {@link partitionOf} (stable: each keeps input order).
 * With one partition the table itself is returned.
 */
export function splitByKey(table: Table, key: readonly string[], partitions: number): Table[] {
  if (partitions === 1) return [table];
  return splitByPartition(table, partitionOf(table, key, partitions), partitions);
}

/** Splits `table` by a given partition per row (stable); a partition that has every row is `table` itself. */
export function splitByPartition(table: Table, partition: Uint16Array, partitions: number): Table[] {
  const counts = new Int32Array(partitions);
  for (let i = 0; i < partition.length; i++) counts[partition[i]!]!++;
  const whole = counts.indexOf(partition.length);
  if (whole >= 0 && partition.length > 0) {
    const none = new Int32Array(0);
    return Array.from(counts, (_, p) => (p === whole ? table : takeRows(table, none)));
  }
  const indices = Array.from(counts, (c) => new Int32Array(c));
  const fill = new Int32Array(partitions);
  for (let i = 0; i < partition.length; i++) {
    const p = partition[i]!;
    indices[p]![fill[p]!++] = i;
  }
  return indices.map((rows) => takeRows(table, rows));
}
