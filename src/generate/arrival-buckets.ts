import { MICROS_PER_HOUR } from './wall-clock.js';

/** How a line takes part in a duplicate group (exact counts need these lines intact). */
export const LineRole = {
  /** An ordinary line: may be replaced by a corrupt one. */
  plain: 0,
  /** A line that is written again later (its copy or retry follows). */
  original: 1,
  /** The later copy / retry of an `original`. */
  copy: 2,
} as const;

/** One of {@link LineRole}'s values. */
export type LineRoleValue = (typeof LineRole)[keyof typeof LineRole];

const INITIAL_ARENA_BYTES = 1 << 16;

/**
 * Lines that arrive within one wall-clock hour, in insertion order, kept as
 * bytes in one growing arena (line `i` is `arena[starts[i], starts[i + 1])`),
 * so pending lines are neither strings nor objects for the garbage collector.
 *
 * Writing a line: `reserve(maxBytes)`, encode into `arena` from `end`, then
 * `commit(newEnd, …)`.
 */
export class HourBucket {
  /** Arrival instants in microseconds. */
  readonly at: number[] = [];
  /** {@link LineRole} of each line. */
  readonly roles: LineRoleValue[] = [];
  /** Byte offset of each line in `arena`, plus the end as the last entry. */
  readonly starts: number[] = [0];
  /** Encoded lines. */
  arena: Buffer = Buffer.allocUnsafe(INITIAL_ARENA_BYTES);
  /** Where the next line starts. */
  end = 0;

  /** @param hour - hours since the epoch (naive wall clock) */
  constructor(readonly hour: number) {}

  /** Number of lines. */
  get size(): number {
    return this.at.length;
  }

  /** Makes room for `bytes` more bytes after `end` (may replace `arena`). */
  reserve(bytes: number): void {
    if (this.end + bytes <= this.arena.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.end + bytes, this.arena.length * 2));
    this.arena.copy(grown, 0, 0, this.end);
    this.arena = grown;
  }

  /** Records the line just written to `arena[end, newEnd)`. */
  commit(newEnd: number, atMicros: number, role: LineRoleValue): void {
    this.end = newEnd;
    this.starts.push(newEnd);
    this.at.push(atMicros);
    this.roles.push(role);
  }

  /** Appends a copy of `source`'s line `index` (source may be this bucket). */
  copyLine(source: HourBucket, index: number, atMicros: number, role: LineRoleValue): void {
    const start = source.starts[index] as number;
    const stop = source.starts[index + 1] as number;
    this.reserve(stop - start);
    source.arena.copy(this.arena, this.end, start, stop);
    this.commit(this.end + stop - start, atMicros, role);
  }

  /** Line `i` as text (used for the rare lines that get corrupted). */
  line(i: number): string {
    return this.arena.toString('utf8', this.starts[i] as number, this.starts[i + 1] as number);
  }
}

const INDEX_BITS = 2 ** 21;

/**
 * Groups generated lines by arrival hour until the hour is complete, then
 * hands them out. Producers add lines in session-start order and every line
 * arrives at or after its session's start, so once sessions start at hour `h`
 * no line can arrive before `h`: every earlier hour is final. Only the few
 * open hours are ever held in memory.
 */
export class ArrivalBuckets {
  private readonly buckets = new Map<number, HourBucket>();
  private lastHour = Number.NaN;
  private last: HourBucket | undefined;

  /** The bucket of the hour of `atMicros`, created when needed. */
  bucketFor(atMicros: number): HourBucket {
    const hour = Math.floor(atMicros / MICROS_PER_HOUR);
    if (hour === this.lastHour) return this.last as HourBucket;
    let bucket = this.buckets.get(hour);
    if (bucket === undefined) {
      bucket = new HourBucket(hour);
      this.buckets.set(hour, bucket);
    }
    this.lastHour = hour;
    this.last = bucket;
    return bucket;
  }

  /** Removes and returns the buckets of hours `< limitHour` (all when omitted), earliest first. */
  takeBefore(limitHour = Number.POSITIVE_INFINITY): HourBucket[] {
    const taken: HourBucket[] = [];
    for (const [hour, bucket] of this.buckets) if (hour < limitHour) taken.push(bucket);
    if (taken.length === 0) return taken;
    for (const bucket of taken) this.buckets.delete(bucket.hour);
    this.lastHour = Number.NaN;
    this.last = undefined;
    return taken.sort((a, b) => a.hour - b.hour);
  }
}

/**
 * Line indices of a bucket in arrival order, ties in insertion order. Packs
 * `(offset within the hour, index)` into one float so the native numeric sort
 * of a `Float64Array` does the work (offset < 2^32 µs, index < 2^21).
 */
export function arrivalOrder(bucket: HourBucket): Int32Array {
  const n = bucket.size;
  const base = bucket.hour * MICROS_PER_HOUR;
  const order = new Int32Array(n);
  const at = bucket.at;
  if (n <= INDEX_BITS) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = ((at[i] as number) - base) * INDEX_BITS + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = (keys[i] as number) % INDEX_BITS;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => (at[a] as number) - (at[b] as number) || a - b);
}
