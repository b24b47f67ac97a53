/**
 * IANA time zones with Java/Spark local-time semantics and a hot-path offset cache.
 *
 * Offsets come from `Intl.DateTimeFormat` (the ICU tz data shipped with Node), but only on a cache miss:
 * the hot path is a direct-mapped cache keyed by UTC hour, so 10 million lookups over a few months of data
 * cost a couple of typed-array reads each.
 *
 * @module
 */

const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_HOUR = 3_600_000_000;
const SECONDS_PER_HOUR = 3_600;
const SECONDS_PER_DAY = 86_400;
const MICROS_PER_DAY = 86_400_000_000;

/** Number of hour buckets in a zone's cache (2^14 h ≈ 1.9 years of distinct hours before slots collide). */
const CACHE_SIZE = 1 << 14;
const CACHE_MASK = CACHE_SIZE - 1;

/**
 * Instants before 1800 use the offset in force on 1800-01-01 (local mean time). The tz database has no
 * transition before 1845, and clamping keeps `Intl` away from BC eras and two-digit `Date.UTC` years.
 */
const MIN_EXACT_SECOND = -5_364_662_400; // 1800-01-01T00:00:00Z
/** Upper clamp, two days inside the `Date` range so the ±1 day probes of `localToUtc` stay valid. */
const MAX_EXACT_SECOND = 8_640_000_000_000 - 2 * SECONDS_PER_DAY;

/**
 * Thrown by {@link TimeZone.of} for a name that is not an IANA time zone known to this runtime.
 *
 * @example
 * ```ts
 * try { TimeZone.of('Lima'); } catch (e) { if (e instanceof InvalidTimeZoneError) console.error(e.message); }
 * ```
 */
export class InvalidTimeZoneError extends Error {
  /** The rejected value, exactly as given. */
  readonly value: unknown;

  /** @param value - the rejected time-zone name. */
  constructor(value: unknown) {
    super(
      `Invalid time zone ${JSON.stringify(String(value))}: expected an IANA time-zone name such as ` +
        `'America/Lima' or 'UTC' (fixed offsets like '+05:00' and abbreviations like 'PET' are not accepted).`,
    );
    this.name = 'InvalidTimeZoneError';
    this.value = value;
  }
}

/**
 * An IANA time zone: UTC offsets at any instant and local wall-clock ↔ UTC conversion.
 *
 * Local → UTC follows Java's `ZonedDateTime.ofLocal(local, zone, null)`, which is what Spark uses for
 * `spark.sql.session.timeZone`:
 * - in a DST **overlap** (a local time that happens twice) the earlier instant wins, i.e. the offset in
 *   force before the transition;
 * - in a DST **gap** (a local time that never happens) the time is shifted forward by the gap length, i.e.
 *   it is read with the offset in force before the transition (`2024-03-10 02:30` in New York is
 *   `03:30 EDT` = `07:30Z`).
 *
 * Instances are immutable and shared per name; build them with {@link TimeZone.of}. Offsets are exact to the
 * second (pre-1900 local mean times such as Lima's `-05:08:12` included). Instants before 1800 use the
 * offset in force in 1800.
 *
 * @example
 * ```ts
 * const lima = TimeZone.of('America/Lima');
 * lima.offsetSecondsAt(0); // -18000
 * lima.localToUtc(Date.UTC(2025, 8, 5, 12) * 1000); // 2025-09-05T17:00:00Z in micros
 * ```
 */
export class TimeZone {
  /** The UTC zone (offset 0 at every instant; never touches `Intl`). */
  static readonly UTC: TimeZone = new TimeZone('UTC', null);

  private static readonly cache = new Map<string, TimeZone>([['UTC', TimeZone.UTC]]);

  /**
   * The zone for an IANA name, validated with `Intl` and cached, so repeated calls return the same instance.
   * Names are matched case-insensitively and canonicalised by the runtime (`'etc/utc'` → `'UTC'`).
   *
   * @param name - an IANA time-zone name, e.g. `'America/Lima'`; `'UTC'` is a fast path.
   * @throws {@link InvalidTimeZoneError} when the runtime does not know the name.
   * @example
   * ```ts
   * TimeZone.of('America/New_York') === TimeZone.of('America/New_York'); // true
   * ```
   */
  static of(name: string): TimeZone {
    const cached = TimeZone.cache.get(name);
    if (cached !== undefined) return cached;
    if (typeof name !== 'string' || name.trim() !== name || name === '') throw new InvalidTimeZoneError(name);
    let formatter: Intl.DateTimeFormat;
    try {
      formatter = new Intl.DateTimeFormat('en-US-u-ca-gregory-nu-latn', {
        timeZone: name,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new InvalidTimeZoneError(name);
    }
    const canonical = formatter.resolvedOptions().timeZone;
    let zone = TimeZone.cache.get(canonical);
    if (zone === undefined) {
      zone = canonical === 'UTC' ? TimeZone.UTC : new TimeZone(canonical, formatter);
      TimeZone.cache.set(canonical, zone);
    }
    TimeZone.cache.set(name, zone);
    return zone;
  }

  /** The canonical IANA name, e.g. `'America/Lima'`. */
  readonly name: string;

  /** `null` for UTC: every method short-circuits to offset 0. */
  private readonly formatter: Intl.DateTimeFormat | null;

  // Direct-mapped cache, one slot per UTC hour bucket. A slot holds the offset before and after `transition`
  // (equal when the whole hour has one offset), so hours containing a DST switch are cached exactly too.
  private readonly bucketKeys: Float64Array;
  private readonly transitions: Float64Array; // in micros, so a hit needs no division by 10^6
  private readonly offsetsBefore: Int32Array;
  private readonly offsetsAfter: Int32Array;
  // Direct-mapped cache of local → UTC, one slot per local hour: the offset in micros when every local time
  // of that hour has the same single valid offset, else NaN (DST gap or overlap nearby: take the full path).
  private readonly localKeys: Float64Array;
  private readonly localOffsets: Float64Array;

  private constructor(name: string, formatter: Intl.DateTimeFormat | null) {
    this.name = name;
    this.formatter = formatter;
    const size = formatter === null ? 0 : CACHE_SIZE;
    this.bucketKeys = new Float64Array(size).fill(Number.NaN); // NaN never equals a bucket: empty slot
    this.transitions = new Float64Array(size);
    this.offsetsBefore = new Int32Array(size);
    this.offsetsAfter = new Int32Array(size);
    this.localKeys = new Float64Array(size).fill(Number.NaN);
    this.localOffsets = new Float64Array(size);
  }

  /**
   * The UTC offset, in seconds, in force at an instant (local = UTC + offset).
   *
   * @param utcMicros - microseconds since the Unix epoch, UTC.
   * @returns seconds east of UTC (`-18000` for Lima); `NaN` when `utcMicros` is not finite.
   * @example
   * ```ts
   * TimeZone.of('America/New_York').offsetSecondsAt(Date.UTC(2024, 6, 1) * 1000); // -14400
   * ```
   */
  offsetSecondsAt(utcMicros: number): number {
    if (this.formatter === null) return utcMicros - utcMicros; // 0, or NaN for a non-finite input
    const bucket = Math.floor(utcMicros / MICROS_PER_HOUR);
    const slot = bucket & CACHE_MASK;
    if (this.bucketKeys[slot] === bucket) {
      return utcMicros < this.transitions[slot]! ? this.offsetsBefore[slot]! : this.offsetsAfter[slot]!;
    }
    return this.fillSlot(utcMicros, bucket, slot);
  }

  /**
   * Converts a local wall-clock time to a UTC instant, with Java/Spark gap and overlap rules (see the class
   * description).
   *
   * @param localMicros - the local date-time encoded as if it were UTC, in microseconds since the epoch.
   * @returns the UTC instant in microseconds since the epoch.
   * @example
   * ```ts
   * const ny = TimeZone.of('America/New_York');
   * ny.localToUtc(Date.UTC(2024, 10, 3, 1, 30) * 1000); // 2024-11-03T05:30:00Z (the earlier 01:30, EDT)
   * ```
   */
  localToUtc(localMicros: number): number {
    if (this.formatter === null) return localMicros;
    const bucket = Math.floor(localMicros / MICROS_PER_HOUR);
    const slot = bucket & CACHE_MASK;
    if (this.localKeys[slot] !== bucket) this.fillLocalSlot(bucket, slot);
    const offset = this.localOffsets[slot]!;
    return Number.isNaN(offset) ? this.resolveLocal(localMicros) : localMicros - offset;
  }

  /** The full `ofLocal` rule for one local time: up to four cached offset lookups. */
  private resolveLocal(localMicros: number): number {
    // A transition changes the offset by at most a day and transitions are more than two days apart, so
    // the offsets a day either side are the only two that can apply (the approach of java.time's rules).
    const before = this.offsetSecondsAt(localMicros - MICROS_PER_DAY) * MICROS_PER_SECOND;
    const after = this.offsetSecondsAt(localMicros + MICROS_PER_DAY) * MICROS_PER_SECOND;
    const early = localMicros - before;
    const earlyValid = this.offsetSecondsAt(early) * MICROS_PER_SECOND === before;
    if (before === after && earlyValid) return early;
    const late = localMicros - after;
    const lateValid = this.offsetSecondsAt(late) * MICROS_PER_SECOND === after;
    if (earlyValid && lateValid) return Math.min(early, late); // overlap: the earlier instant
    if (lateValid) return late;
    return early; // valid, or a gap: read with the pre-transition offset, i.e. shifted forward by the gap
  }

  /**
   * The calendar day, in this zone, of an instant.
   *
   * @param utcMicros - microseconds since the Unix epoch, UTC.
   * @returns days since 1970-01-01 of the local date (`NaN` when `utcMicros` is not finite).
   * @example
   * ```ts
   * // 2025-09-06T03:00Z is still 2025-09-05 in Lima
   * TimeZone.of('America/Lima').localDay(Date.UTC(2025, 8, 6, 3) * 1000); // 20336
   * ```
   */
  localDay(utcMicros: number): number {
    return Math.floor((utcMicros + this.offsetSecondsAt(utcMicros) * MICROS_PER_SECOND) / MICROS_PER_DAY);
  }

  /**
   * Local cache miss: decides whether a whole local hour has one valid offset. It does when the offsets a day
   * before its start and a day after its end agree and are valid at both ends, because two transitions never
   * fall within those ~50 hours (the same assumption `resolveLocal` makes).
   */
  private fillLocalSlot(bucket: number, slot: number): void {
    const start = bucket * MICROS_PER_HOUR;
    const end = start + MICROS_PER_HOUR - 1;
    const offset = this.offsetSecondsAt(start - MICROS_PER_DAY) * MICROS_PER_SECOND;
    const uniform =
      this.offsetSecondsAt(end + MICROS_PER_DAY) * MICROS_PER_SECOND === offset &&
      this.offsetSecondsAt(start - offset) * MICROS_PER_SECOND === offset &&
      this.offsetSecondsAt(end - offset) * MICROS_PER_SECOND === offset;
    this.localKeys[slot] = bucket;
    this.localOffsets[slot] = uniform ? offset : Number.NaN;
  }

  /** UTC cache miss: computes the offsets of one hour bucket with `Intl`, stores them and answers `utcMicros`. */
  private fillSlot(utcMicros: number, bucket: number, slot: number): number {
    if (!Number.isFinite(bucket)) return Number.NaN;
    const start = bucket * SECONDS_PER_HOUR;
    const end = start + SECONDS_PER_HOUR - 1;
    const offsetAtStart = this.exactOffset(start);
    const offsetAtEnd = this.exactOffset(end);
    let transition = end + 1;
    let offsetAfter = offsetAtStart;
    if (offsetAtStart !== offsetAtEnd) {
      // Tz transitions fall on whole seconds: bisect for the first second with the new offset.
      let low = start;
      let high = end;
      while (high - low > 1) {
        const middle = low + Math.floor((high - low) / 2);
        if (this.exactOffset(middle) === offsetAtStart) low = middle;
        else high = middle;
      }
      transition = high;
      offsetAfter = offsetAtEnd;
    }
    const transitionMicros = transition * MICROS_PER_SECOND;
    this.bucketKeys[slot] = bucket;
    this.transitions[slot] = transitionMicros;
    this.offsetsBefore[slot] = offsetAtStart;
    this.offsetsAfter[slot] = offsetAfter;
    return utcMicros < transitionMicros ? offsetAtStart : offsetAfter;
  }

  /** The offset at a whole UTC second, straight from `Intl` (slow: microseconds per call). */
  private exactOffset(second: number): number {
    const clamped = Math.min(Math.max(second, MIN_EXACT_SECOND), MAX_EXACT_SECOND);
    const parts = (this.formatter as Intl.DateTimeFormat).formatToParts(clamped * 1000);
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let secondOfMinute = 0;
    for (const part of parts) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value) % 24; // some ICU versions print midnight as 24 even with h23
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          secondOfMinute = Number(part.value);
          break;
        default:
          break;
      }
    }
    const localMillis = Date.UTC(year, month - 1, day, hour, minute, secondOfMinute);
    return Math.round(localMillis / 1000) - clamped;
  }
}
