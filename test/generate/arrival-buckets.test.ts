import { describe, expect, it } from 'vitest';
import { ArrivalBuckets, arrivalOrder, HourBucket, LineRole } from '../../src/generate/index.js';

const MICROS_PER_HOUR = 3_600_000_000;

function addLine(buckets: ArrivalBuckets, at: number, text: string): HourBucket {
  const bucket = buckets.bucketFor(at);
  bucket.reserve(text.length);
  bucket.arena.write(text, bucket.end, 'latin1');
  bucket.commit(bucket.end + text.length, at, LineRole.plain);
  return bucket;
}

function isArrivalOrder(bucket: HourBucket, order: Int32Array): boolean {
  for (let k = 1; k < order.length; k++) {
    const a = order[k - 1] as number;
    const b = order[k] as number;
    const d = (bucket.at[a] as number) - (bucket.at[b] as number);
    if (d > 0 || (d === 0 && a > b)) return false;
  }
  return new Set(order).size === order.length;
}

describe('ArrivalBuckets', () => {
  it('groups lines by arrival hour and releases complete hours in order', () => {
    const buckets = new ArrivalBuckets();
    const h = 500_000;
    addLine(buckets, (h + 2) * MICROS_PER_HOUR + 5, 'c\n');
    addLine(buckets, h * MICROS_PER_HOUR + 9, 'b\n');
    addLine(buckets, h * MICROS_PER_HOUR + 1, 'a\n');
    addLine(buckets, (h + 1) * MICROS_PER_HOUR, 'd\n');
    const first = buckets.takeBefore(h + 2);
    expect(first.map((b) => b.hour)).toEqual([h, h + 1]);
    const hour = first[0] as HourBucket;
    expect([...arrivalOrder(hour)].map((i) => hour.line(i))).toEqual(['a\n', 'b\n']);
    expect(buckets.takeBefore(h + 2)).toEqual([]);
    expect(buckets.takeBefore().map((b) => b.hour)).toEqual([h + 2]);
  });

  it('grows the arena and copies lines between buckets', () => {
    const buckets = new ArrivalBuckets();
    const long = `${'x'.repeat(70_000)}\n`;
    const source = addLine(buckets, 10, long);
    addLine(buckets, 20, 'short\n');
    const target = buckets.bucketFor(MICROS_PER_HOUR + 1);
    target.copyLine(source, 0, MICROS_PER_HOUR + 1, LineRole.copy);
    source.copyLine(source, 1, 30, LineRole.copy);
    expect(target.line(0)).toBe(long);
    expect(source.line(2)).toBe('short\n');
    expect(source.roles).toEqual([LineRole.plain, LineRole.plain, LineRole.copy]);
  });

  it('orders by arrival with ties in insertion order, also past the packed-key limit', () => {
    const small = new HourBucket(0);
    const times = [5, 3, 5, 0, 3, MICROS_PER_HOUR - 1, 0];
    for (const t of times) small.commit(small.end, t, LineRole.plain);
    expect([...arrivalOrder(small)]).toEqual([3, 6, 1, 4, 0, 2, 5]);

    const big = new HourBucket(7);
    const n = 2 ** 21 + 3;
    for (let i = 0; i < n; i++) big.commit(0, 7 * MICROS_PER_HOUR + ((i * 7919) % 1000), LineRole.plain);
    expect(isArrivalOrder(big, arrivalOrder(big))).toBe(true);
  });
});
