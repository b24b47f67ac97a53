/**
 * Seeded pseudo-random numbers for the mock-data generator.
 *
 * The generator must produce identical bytes for a seed, so it never calls
 * `Math.random()`. Each concern (users, sessions, late arrivals, retries,
 * corruption, …) draws from its own {@link Sfc32} stream derived from
 * `(seed, stream)`, so turning one knob (say `corruptRate`) does not reshuffle
 * the draws of the others.
 */

const TWO_POW_32 = 4_294_967_296;

/** Murmur3's 32-bit finalizer: spreads every input bit over the output. */
function mix32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Chris Doty-Humphrey's SFC32 ("small fast chaotic") generator: 128 bits of
 * state, 32-bit outputs, passes PractRand, and is a handful of integer ops.
 *
 * @example
 * ```ts
 * const rng = new Sfc32(42, 1);
 * rng.next();      // 0 ≤ x < 1
 * rng.int(6);      // 0..5
 * rng.chance(0.05) // true about 5% of the time
 * ```
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param seed - any safe integer (negative and > 2^32 allowed; both halves are used)
   * @param stream - an independent stream number for the same seed
   */
  constructor(seed: number, stream = 0) {
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    this.a = mix32(lo ^ 0x9e3779b9);
    this.b = mix32(hi ^ 0x243f6a88);
    this.c = mix32(Math.imul(stream + 1, 0x85a308d3) ^ lo);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.nextUint32();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t0 = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const t = (t0 + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** An integer in [0, n) for 0 < n ≤ 2^32. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi] (inclusive). */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

/** Stream numbers: one per concern, so knobs stay independent (see {@link Sfc32}). */
export const RandomStream = {
  users: 1,
  userVersions: 2,
  sessions: 3,
  eventAssignment: 4,
  transactionAssignment: 5,
  events: 6,
  lateEvents: 7,
  eventRetries: 8,
  transactions: 9,
  lateTransactions: 10,
  transactionDuplicates: 11,
  corruptUsers: 12,
  corruptEvents: 13,
  corruptTransactions: 14,
} as const;

/** Name of a {@link RandomStream}. */
export type RandomStreamName = keyof typeof RandomStream;
