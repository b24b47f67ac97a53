import { Field, Int64, makeData, makeVector, Schema, type Table } from 'apache-arrow';
import { withSchema } from '../../src/columns/take.js';
import { MICROS_PER_SECOND, type TimeZone } from '../../src/time/index.js';

const MICROS_PER_HOUR = 3_600_000_000;
const MICROS_PER_DAY = 86_400_000_000;

/** UTC offsets of a zone as half-open intervals `[from, to)` of epoch microseconds. */
export interface OffsetIntervals {
  from: number[];
  to: number[];
  /** Offset in microseconds (local = UTC + offset). */
  offset: number[];
}

/**
 * The zone's offsets over `[lo, hi]` as contiguous intervals, split exactly at each transition.
 * Probes a day apart (transitions are more than two days apart: the same assumption
 * `TimeZone.localToUtc` makes), then finds a switch's hour and, within it, its second by
 * bisection (`TimeZone` offsets are exact to the second).
 *
 * @example
 * offsetIntervals(TimeZone.of('America/New_York'), Date.UTC(2024, 0, 1) * 1000, Date.UTC(2025, 0, 1) * 1000);
 * // three intervals: EST, EDT from 2024-03-10T07:00Z, EST from 2024-11-03T06:00Z
 */
export function offsetIntervals(zone: TimeZone, lo: number, hi: number): OffsetIntervals {
  const out: OffsetIntervals = { from: [lo], to: [], offset: [] };
  const offsetAt = (us: number) => zone.offsetSecondsAt(us) * MICROS_PER_SECOND;
  let current = offsetAt(lo);
  out.offset.push(current);
  const split = (at: number, offset: number) => {
    out.to.push(at);
    out.from.push(at);
    out.offset.push(offset);
    current = offset;
  };
  /** First instant in `(low, high]` (whole seconds) whose offset differs from `current`. */
  const bisect = (low: number, high: number): number => {
    let a = Math.floor(low / MICROS_PER_SECOND);
    let b = Math.ceil(high / MICROS_PER_SECOND);
    while (b - a > 1) {
      const mid = a + Math.floor((b - a) / 2);
      if (offsetAt(mid * MICROS_PER_SECOND) === current) a = mid;
      else b = mid;
    }
    return b * MICROS_PER_SECOND;
  };
  for (let day = lo; day < hi; day += MICROS_PER_DAY) {
    const dayEnd = Math.min(day + MICROS_PER_DAY, hi);
    if (offsetAt(dayEnd) === current) continue;
    for (let hour = day; hour < dayEnd; hour += MICROS_PER_HOUR) {
      const hourEnd = Math.min(hour + MICROS_PER_HOUR, dayEnd);
      let low = hour;
      while (offsetAt(hourEnd) !== current) {
        const at = bisect(low, hourEnd);
        split(at, offsetAt(at));
        low = at;
      }
    }
  }
  out.to.push(hi + 1);
  return out;
}

function int64(values: readonly number[]) {
  const data = BigInt64Array.from(values, (v) => BigInt(v));
  return makeVector(makeData({ type: new Int64(), length: data.length, nullCount: 0, data }));
}

const schema = new Schema(
  ['from_us', 'to_us', 'offset_us'].map((name) => new Field(name, new Int64(), false)),
);

/**
 * The `tz_offsets(from_us, to_us, offset_us)` table (all BIGINT microseconds) the compiled
 * `assemble-gold` range-joins to take dates in the run zone without ICU. Covers `[lo, hi]`.
 */
export function tzOffsetsTable(zone: TimeZone, lo: number, hi: number): Table {
  const { from, to, offset } = offsetIntervals(zone, lo, hi);
  return withSchema({ from_us: int64(from), to_us: int64(to), offset_us: int64(offset) }, schema);
}
