import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HourBucket } from './arrival-buckets.js';
import { ArrivalBuckets, arrivalOrder, LineRole } from './arrival-buckets.js';
import { ChunkedWriter } from './chunked-writer.js';
import {
  corruptEventLine,
  corruptTransactionLine,
  corruptUserLine,
  EVENT_CORRUPTIONS,
  LineCorrupter,
  TRANSACTION_CORRUPTIONS,
  USER_CORRUPTIONS,
} from './corrupt-lines.js';
import { EventLineEncoder } from './event-lines.js';
import type { GenerateOptions, GenerateOptionsInput } from './options.js';
import { DEFAULT_DAYS, DEFAULT_START, GenerateOptionsSchema } from './options.js';
import { RandomStream, Sfc32 } from './prng.js';
import { CURRENCIES, TRANSACTIONS_HEADER, TransactionLineEncoder } from './transaction-lines.js';
import {
  MICROS_PER_HOUR,
  MICROS_PER_SECOND,
  parseIsoDate,
  SECONDS_PER_DAY,
  SECONDS_PER_HOUR,
  WallClockFormatter,
} from './wall-clock.js';

/** Device types of users (seed's vocabulary). */
export const DEVICE_TYPES = ['iOS', 'Android', 'Web', 'Tablet'] as const;
/** Countries of users (seed's vocabulary). */
export const COUNTRIES = ['PE', 'US', 'CO', 'AR', 'BR', 'MX', 'CL', 'EC'] as const;

/**
 * Fixed shares of the generated data that have no option of their own.
 * Documented here so tests and pipelines can reason about them.
 */
export const GENERATOR_SHAPE = {
  /** Sessions whose user id is not in the users extract (`USR_` ids above `users`). */
  unknownUserSessionRate: 0.01,
  /** Size of the unknown-user id pool, as a share of `users` (at least 1). */
  unknownUserPoolShare: 0.02,
  /** Sessions deliberately left without events (orphan-transaction targets). */
  eventlessSessionRate: 0.02,
  /** Transactions placed on a session without events (orphans). */
  orphanTransactionRate: 0.03,
  /** Transactions placed on a session that already has one (second purchase). */
  secondTransactionRate: 0.05,
  /** Session length: events fall within [0, window] seconds after the start. */
  sessionWindowSeconds: [60, 3600] as const,
  /** On-time events arrive up to this many µs after their timestamp. */
  eventDelayMicros: 5 * MICROS_PER_SECOND,
  /** Transactions arrive up to this many seconds after their timestamp (when not late). */
  transactionDelaySeconds: 300,
  /** Transactions happen up to this long after the end of the session window. */
  transactionAfterSessionSeconds: 600,
  /** Late arrival delay, µs: [2 h, 48 h). */
  lateDelayMicros: [2 * MICROS_PER_HOUR, 48 * MICROS_PER_HOUR] as const,
  /** Retries arrive 1 s – 10 min after the original. */
  retryDelayMicros: [MICROS_PER_SECOND, 600 * MICROS_PER_SECOND] as const,
  /** Exact duplicate transaction rows arrive 1 s – 3 h after the original. */
  duplicateDelayMicros: [MICROS_PER_SECOND, 3 * MICROS_PER_HOUR] as const,
  /** Users that get a second version with a later `updated_at` (hourly batches only). */
  userUpdateRate: 0.05,
  /** Signups lie within this many days before the end of the session period. */
  signupDays: 365,
} as const;

/** Result of {@link generate}: what was written, for the CLI and for pipeline tests. */
export interface GenerateSummary {
  /** Files written, relative to `outDir` with `/` separators, sorted. */
  files: string[];
  /** Valid user rows written (a later version of a user counts again; equals silver users). */
  users: number;
  /** Distinct valid event ids written (expected silver events). */
  events: number;
  /** Distinct valid transaction ids written (expected silver transactions). */
  transactions: number;
  /** Non-blank data lines per source, headers excluded: valid + corrupt. */
  lines: { users: number; events: number; transactions: number };
  /** Blank lines (empty or only spaces, tabs, `\r`) sprinkled in when `corruptRate > 0`; readers skip them uncounted. */
  blankLines: { users: number; events: number; transactions: number };
  /**
   * Corrupt lines per source and per SPEC §2 reason code. `byKind` sums the
   * sources (e.g. `missing_field:user_id` occurs in all three); `bySource`
   * keeps them apart.
   */
  corrupt: {
    users: number;
    events: number;
    transactions: number;
    byKind: Record<string, number>;
    bySource: {
      users: Record<string, number>;
      events: Record<string, number>;
      transactions: Record<string, number>;
    };
  };
  /** Valid retry lines (same `event_id` as an earlier line): `lines.events = events + eventRetries + corrupt.events`. */
  eventRetries: number;
  /** Valid exact-duplicate transaction rows: `lines.transactions = transactions + transactionDuplicates + corrupt.transactions`. */
  transactionDuplicates: number;
  /** Valid user rows that are a later version of a user (hourly batches only). */
  userVersions: number;
  /** Bytes written per source (headers included). */
  bytes: { users: number; events: number; transactions: number };
  /** Wall-clock seconds the run took. */
  seconds: number;
}

function idWidth(base: number, maxId: number): number {
  return Math.max(base, String(maxId).length);
}

const ZEROS = '0'.repeat(32);

function formatId(prefix: string, n: number, width: number): string {
  const digits = String(n);
  return digits.length >= width ? prefix + digits : prefix + ZEROS.slice(0, width - digits.length) + digits;
}

function toRecord(map: ReadonlyMap<string, number>): Record<string, number> {
  const record: Record<string, number> = {};
  for (const [key, value] of [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) record[key] = value;
  return record;
}

/** Indices `0 ≤ s < n` with `keep(s)`. */
function sessionsWhere(n: number, keep: (s: number) => boolean): Int32Array {
  const out = new Int32Array(n);
  let size = 0;
  for (let s = 0; s < n; s++) if (keep(s)) out[size++] = s;
  return out.subarray(0, size);
}

/** Everything decided before streaming: who, when, how many. Typed arrays, no per-row objects. */
interface DatasetPlan {
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly unknownUserPool: number;
  readonly userWidth: number;
  readonly sessionWidth: number;
  readonly eventWidth: number;
  readonly transactionWidth: number;
  readonly sessionStart: Float64Array;
  readonly sessionUser: Int32Array;
  readonly sessionWindow: Int32Array;
  readonly eventCount: Int32Array;
  readonly transactionCount: Int32Array;
}

function planDataset(options: GenerateOptions): DatasetPlan {
  const startDay = parseIsoDate(options.start ?? DEFAULT_START) as number;
  const startSeconds = startDay * SECONDS_PER_DAY;
  const spanSeconds = (options.days ?? DEFAULT_DAYS) * SECONDS_PER_DAY;
  const sessions = options.sessions;
  const unknownUserPool = Math.max(1, Math.ceil(options.users * GENERATOR_SHAPE.unknownUserPoolShare));

  // Session starts: sorted uniform points from normalised exponential spacings (no sort needed).
  const rng = new Sfc32(options.seed, RandomStream.sessions);
  const sessionStart = new Float64Array(sessions);
  let total = 0;
  for (let s = 0; s < sessions; s++) {
    total -= Math.log(1 - rng.next());
    sessionStart[s] = total;
  }
  total -= Math.log(1 - rng.next());
  const sessionUser = new Int32Array(sessions);
  const sessionWindow = new Int32Array(sessions);
  const eventless = new Uint8Array(sessions);
  const [minWindow, maxWindow] = GENERATOR_SHAPE.sessionWindowSeconds;
  for (let s = 0; s < sessions; s++) {
    sessionStart[s] = startSeconds + Math.floor(((sessionStart[s] as number) / total) * spanSeconds);
    sessionUser[s] = rng.chance(GENERATOR_SHAPE.unknownUserSessionRate)
      ? options.users + rng.int(unknownUserPool)
      : rng.int(options.users);
    sessionWindow[s] = rng.between(minWindow, maxWindow);
    eventless[s] = rng.chance(GENERATOR_SHAPE.eventlessSessionRate) ? 1 : 0;
  }

  // Events: each picks a session (multinomial), skipping the deliberately eventless ones.
  const eventCount = new Int32Array(sessions);
  let candidates = sessionsWhere(sessions, (s) => eventless[s] === 0);
  if (candidates.length === 0) candidates = sessionsWhere(sessions, () => true);
  const assign = new Sfc32(options.seed, RandomStream.eventAssignment);
  for (let e = 0; e < options.events; e++) {
    const s = candidates[assign.int(candidates.length)] as number;
    eventCount[s] = (eventCount[s] as number) + 1;
  }

  // Transactions: mostly sessions with events, some orphans, some second purchases.
  const withEvents = sessionsWhere(sessions, (s) => eventCount[s] !== 0);
  const withoutEvents = sessionsWhere(sessions, (s) => eventCount[s] === 0);
  const transactionCount = new Int32Array(sessions);
  const chosen = new Int32Array(options.transactions);
  const tx = new Sfc32(options.seed, RandomStream.transactionAssignment);
  const orphanRate = GENERATOR_SHAPE.orphanTransactionRate;
  const secondRate = orphanRate + GENERATOR_SHAPE.secondTransactionRate;
  for (let t = 0; t < options.transactions; t++) {
    const r = tx.next();
    let s: number;
    if (r < orphanRate && withoutEvents.length > 0) s = withoutEvents[tx.int(withoutEvents.length)] as number;
    else if (r < secondRate && t > 0) s = chosen[tx.int(t)] as number;
    else if (withEvents.length > 0) s = withEvents[tx.int(withEvents.length)] as number;
    else s = tx.int(sessions);
    chosen[t] = s;
    transactionCount[s] = (transactionCount[s] as number) + 1;
  }

  return {
    startSeconds,
    endSeconds: startSeconds + spanSeconds,
    unknownUserPool,
    userWidth: idWidth(5, options.users + unknownUserPool),
    sessionWidth: idWidth(6, sessions),
    eventWidth: idWidth(8, options.events),
    transactionWidth: idWidth(7, options.transactions),
    sessionStart,
    sessionUser,
    sessionWindow,
    eventCount,
    transactionCount,
  };
}

/** Where complete hours of one source go: one file for all, or one file per hour. */
interface HourTarget {
  begin(hour: number): Promise<ChunkedWriter>;
  end(writer: ChunkedWriter): Promise<void>;
  close(): Promise<void>;
  abort(): Promise<void>;
  readonly bytes: number;
}

class SingleFileTarget implements HourTarget {
  private constructor(private readonly writer: ChunkedWriter) {}

  static async create(path: string, header: string): Promise<SingleFileTarget> {
    const writer = await ChunkedWriter.create(path);
    writer.write(header);
    return new SingleFileTarget(writer);
  }

  async begin(): Promise<ChunkedWriter> {
    return this.writer;
  }

  async end(): Promise<void> {}

  async close(): Promise<void> {
    await this.writer.close();
  }

  async abort(): Promise<void> {
    await this.writer.abort();
  }

  get bytes(): number {
    return this.writer.bytes;
  }
}

/** Hour files still closing in the background, per target, before `end` waits. */
const MAX_FILES_CLOSING = 8;

class HourlyFilesTarget implements HourTarget {
  private written = 0;
  private readonly closing = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly dir: string,
    private readonly prefix: string,
    private readonly extension: string,
    private readonly header: string,
    private readonly formatter: WallClockFormatter,
    private readonly files: string[],
  ) {}

  async begin(hour: number): Promise<ChunkedWriter> {
    const name = `${this.prefix}-${this.formatter.compactHour(hour)}.${this.extension}`;
    const writer = await ChunkedWriter.create(join(this.dir, name));
    this.files.push(`${this.prefix}/${name}`);
    writer.write(this.header);
    return writer;
  }

  /** Closes the hour's file in the background (at most {@link MAX_FILES_CLOSING} at once). */
  async end(writer: ChunkedWriter): Promise<void> {
    const closing: Promise<void> = writer.close().then(
      () => {
        this.closing.delete(closing);
        this.written += writer.bytes;
      },
      (error: unknown) => {
        this.closing.delete(closing);
        this.failure ??= error;
      },
    );
    this.closing.add(closing);
    while (this.closing.size >= MAX_FILES_CLOSING) await Promise.race(this.closing);
    if (this.failure !== undefined) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.closing);
    if (this.failure !== undefined) throw this.failure;
  }

  async abort(): Promise<void> {
    await Promise.allSettled(this.closing);
  }

  get bytes(): number {
    return this.written;
  }
}

/** One arrival-ordered source (events or transactions): buckets, corruption, output. */
class ArrivalStream<R extends string> {
  readonly buckets = new ArrivalBuckets();
  lines = 0;
  copies = 0;

  constructor(
    private readonly target: HourTarget,
    readonly corrupter: LineCorrupter<R>,
  ) {}

  /** Writes every hour before `limitHour` (all hours when omitted). */
  async flush(limitHour?: number): Promise<void> {
    for (const bucket of this.buckets.takeBefore(limitHour)) await this.writeHour(bucket);
  }

  private async writeHour(bucket: HourBucket): Promise<void> {
    const order = arrivalOrder(bucket);
    const writer = await this.target.begin(bucket.hour);
    try {
      const { arena, starts, roles } = bucket;
      const corrupter = this.corrupter;
      for (let k = 0; k < order.length; k++) {
        const i = order[k] as number;
        const role = roles[i];
        if (role === LineRole.copy) this.copies++;
        const reason = corrupter.pick(role === LineRole.plain);
        const full =
          reason === undefined
            ? writer.writeBytes(arena, starts[i] as number, starts[i + 1] as number)
            : writer.write(corrupter.corrupt(reason, bucket.line(i)));
        const blank = corrupter.blank();
        if ((blank !== undefined && writer.write(blank)) || full) await writer.drain();
      }
      this.lines += order.length;
    } finally {
      await this.target.end(writer);
    }
  }

  /** Writes the remaining hours and closes the output. */
  async close(): Promise<void> {
    await this.flush();
    await this.target.close();
  }

  /** Closes the output without writing what is left (after a failure). */
  async abort(): Promise<void> {
    await this.target.abort();
  }

  get bytes(): number {
    return this.target.bytes;
  }
}

const EVENTS_HEADER = '';
const USERS_HEADER = 'user_id,signup_date,device_type,country\n';
const USERS_VERSIONED_HEADER = 'user_id,signup_date,device_type,country,updated_at\n';

const STALE_OUTPUTS: Readonly<Record<string, RegExp>> = {
  events: /^events-\d{8}-\d{2}\.jsonl$/,
  transactions: /^transactions-\d{8}-\d{2}\.csv$/,
  users: /^users-\d{8}\.csv$/,
};

/** Removes what an earlier run may have left (only our own file names), so layouts never mix. */
async function removeStaleOutputs(outDir: string): Promise<void> {
  for (const name of ['users.csv', 'events.jsonl', 'transactions.csv'])
    await rm(join(outDir, name), { force: true });
  for (const [dir, pattern] of Object.entries(STALE_OUTPUTS)) {
    let names: string[];
    try {
      names = await readdir(join(outDir, dir));
    } catch {
      continue;
    }
    for (const name of names) if (pattern.test(name)) await rm(join(outDir, dir, name), { force: true });
  }
}

interface UsersResult {
  lines: number;
  versions: number;
  bytes: number;
  corrupter: LineCorrupter<(typeof USER_CORRUPTIONS)[number]>;
}

async function writeUsers(
  options: GenerateOptions,
  plan: DatasetPlan,
  formatter: WallClockFormatter,
  files: string[],
): Promise<UsersResult> {
  const n = options.users;
  const rng = new Sfc32(options.seed, RandomStream.users);
  const signup = new Float64Array(n);
  const device = new Uint8Array(n);
  const country = new Uint8Array(n);
  const signupSpan = GENERATOR_SHAPE.signupDays * SECONDS_PER_DAY;
  for (let u = 0; u < n; u++) {
    signup[u] = plan.endSeconds - 1 - rng.int(signupSpan);
    device[u] = rng.int(DEVICE_TYPES.length);
    country[u] = rng.int(COUNTRIES.length);
  }
  const corrupter = new LineCorrupter(
    USER_CORRUPTIONS,
    options.corruptRate,
    new Sfc32(options.seed, RandomStream.corruptUsers),
    corruptUserLine,
  );
  const userText = (u: number, d: number, c: number): string =>
    `${formatId('USR_', u + 1, plan.userWidth)},${formatter.dateTime(signup[u] as number, ' ')},${DEVICE_TYPES[d]},${COUNTRIES[c]}`;

  if (options.batches === 'none') {
    const writer = await ChunkedWriter.create(join(options.outDir, 'users.csv'));
    files.push('users.csv');
    try {
      writer.write(USERS_HEADER);
      for (let u = 0; u < n; u++) {
        const line = `${userText(u, device[u] as number, country[u] as number)}\n`;
        const full = writer.write(corrupter.apply(line, true));
        const blank = corrupter.blank();
        if ((blank !== undefined && writer.write(blank)) || full) await writer.drain();
      }
    } finally {
      await writer.close();
    }
    return { lines: n, versions: 0, bytes: writer.bytes, corrupter };
  }

  // Daily incremental extracts: version 1 at signup (pre-period signups in the first extract),
  // a few users get a second version with another device/country and a later updated_at.
  const versions = new Sfc32(options.seed, RandomStream.userVersions);
  const rowUser: number[] = [];
  const rowUpdated: number[] = [];
  const rowDevice: number[] = [];
  const rowCountry: number[] = [];
  for (let u = 0; u < n; u++) {
    rowUser.push(u);
    rowUpdated.push(signup[u] as number);
    rowDevice.push(device[u] as number);
    rowCountry.push(country[u] as number);
    if (!versions.chance(GENERATOR_SHAPE.userUpdateRate)) continue;
    const from = Math.max(signup[u] as number, plan.startSeconds) + 1;
    if (from >= plan.endSeconds) continue;
    const change = versions.int(3);
    let d = device[u] as number;
    let c = country[u] as number;
    if (change !== 1) d = (d + 1 + versions.int(DEVICE_TYPES.length - 1)) % DEVICE_TYPES.length;
    if (change !== 0) c = (c + 1 + versions.int(COUNTRIES.length - 1)) % COUNTRIES.length;
    rowUser.push(u);
    rowUpdated.push(from + versions.int(plan.endSeconds - from));
    rowDevice.push(d);
    rowCountry.push(c);
  }
  const order = Uint32Array.from({ length: rowUser.length }, (_, i) => i).sort(
    (a, b) =>
      (rowUpdated[a] as number) - (rowUpdated[b] as number) ||
      (rowUser[a] as number) - (rowUser[b] as number),
  );
  await mkdir(join(options.outDir, 'users'), { recursive: true });
  const firstDay = Math.floor(plan.startSeconds / SECONDS_PER_DAY);
  let writer: ChunkedWriter | undefined;
  let day = Number.NaN;
  let bytes = 0;
  const seen = new Uint8Array(n);
  let laterVersions = 0;
  try {
    for (const i of order) {
      const updated = rowUpdated[i] as number;
      const rowDay = Math.max(firstDay, Math.floor(updated / SECONDS_PER_DAY));
      if (rowDay !== day) {
        if (writer !== undefined) {
          const previous = writer;
          writer = undefined;
          await previous.close();
          bytes += previous.bytes;
        }
        day = rowDay;
        const name = `users-${formatter.compactDate(day)}.csv`;
        writer = await ChunkedWriter.create(join(options.outDir, 'users', name));
        files.push(`users/${name}`);
        writer.write(USERS_VERSIONED_HEADER);
      }
      const u = rowUser[i] as number;
      const line = `${userText(u, rowDevice[i] as number, rowCountry[i] as number)},${formatter.dateTime(updated, ' ')}\n`;
      const written = corrupter.apply(line, true);
      if (written === line && seen[u] === 1) laterVersions++;
      if (written === line) seen[u] = 1;
      const full = (writer as ChunkedWriter).write(written);
      const blank = corrupter.blank();
      if ((blank !== undefined && (writer as ChunkedWriter).write(blank)) || full) {
        await (writer as ChunkedWriter).drain();
      }
    }
  } finally {
    if (writer !== undefined) {
      await writer.close();
      bytes += writer.bytes;
    }
  }
  return { lines: rowUser.length, versions: laterVersions, bytes, corrupter };
}

/**
 * Generates mock bronze data like the seed's `generate_mock_data.py`, plus
 * what testing a pipeline needs: producer retries, exact duplicates, late
 * arrivals, orphans, unknown users, user versions, hourly arrival batches and
 * corrupt lines of every SPEC §2 quarantine reason.
 *
 * Layout under `outDir`:
 * - `batches: 'none'` — `users.csv`, `events.jsonl`, `transactions.csv`;
 * - `batches: 'hourly'` — `events/events-YYYYMMDD-HH.jsonl` and
 *   `transactions/transactions-YYYYMMDD-HH.csv` per arrival hour, and
 *   `users/users-YYYYMMDD.csv` daily extracts with an `updated_at` column.
 *
 * Events and transactions are written in arrival order, so the single files
 * are exactly the hourly files concatenated (headers aside). Output is a pure
 * function of the options (same seed, same bytes); each concern draws from its
 * own PRNG stream, so e.g. raising `corruptRate` only replaces lines in place.
 * Lines are encoded straight into byte buffers (no per-row strings, objects
 * or `Date`s) and streamed in 1 MiB chunks; memory holds the per-session plan
 * (typed arrays) and the few arrival hours still open. Earlier outputs of
 * this generator in `outDir` (our file names only) are removed first.
 *
 * With `corruptRate > 0`, `corruptRate` of each file's lines are replaced by
 * corrupt ones (one defect each, reasons cycled, see {@link EVENT_CORRUPTIONS})
 * and a few blank lines are added (`blankLines`); lines of duplicate groups
 * are never corrupted, so `events`, `transactions`, `eventRetries` and
 * `transactionDuplicates` are exactly what a correct pipeline keeps and drops.
 *
 * @param input - options; omitted ones take the seed's defaults ({@link GenerateOptionsSchema})
 * @throws ZodError when the options are invalid.
 * @example
 * ```ts
 * const summary = await generate({ outDir: 'data', events: 1_000_000, corruptRate: 0.01 });
 * summary.corrupt.bySource.events['malformed_json']; // lines a pipeline must quarantine for it
 * ```
 */
export async function generate(input: GenerateOptions | GenerateOptionsInput): Promise<GenerateSummary> {
  const began = performance.now();
  const options: GenerateOptions = GenerateOptionsSchema.parse(input);
  const { outDir } = options;
  const plan = planDataset(options);
  const formatter = new WallClockFormatter();
  const files: string[] = [];

  await mkdir(outDir, { recursive: true });
  await removeStaleOutputs(outDir);
  const users = await writeUsers(options, plan, formatter, files);

  const hourly = options.batches === 'hourly';
  if (hourly) {
    await mkdir(join(outDir, 'events'), { recursive: true });
    await mkdir(join(outDir, 'transactions'), { recursive: true });
  } else {
    files.push('events.jsonl', 'transactions.csv');
  }
  const eventTarget = hourly
    ? new HourlyFilesTarget(join(outDir, 'events'), 'events', 'jsonl', EVENTS_HEADER, formatter, files)
    : await SingleFileTarget.create(join(outDir, 'events.jsonl'), EVENTS_HEADER);
  const transactionTarget = hourly
    ? new HourlyFilesTarget(
        join(outDir, 'transactions'),
        'transactions',
        'csv',
        TRANSACTIONS_HEADER,
        formatter,
        files,
      )
    : await SingleFileTarget.create(join(outDir, 'transactions.csv'), TRANSACTIONS_HEADER);
  const events = new ArrivalStream(
    eventTarget,
    new LineCorrupter(
      EVENT_CORRUPTIONS,
      options.corruptRate,
      new Sfc32(options.seed, RandomStream.corruptEvents),
      corruptEventLine,
    ),
  );
  const transactions = new ArrivalStream(
    transactionTarget,
    new LineCorrupter(
      TRANSACTION_CORRUPTIONS,
      options.corruptRate,
      new Sfc32(options.seed, RandomStream.corruptTransactions),
      corruptTransactionLine,
    ),
  );
  try {
    await streamSessions(options, plan, formatter, events, transactions);
    await events.close();
    await transactions.close();
  } catch (error) {
    await events.abort().catch(() => undefined);
    await transactions.abort().catch(() => undefined);
    throw error;
  }

  const byKind = new Map<string, number>();
  for (const source of [
    users.corrupter.byReason,
    events.corrupter.byReason,
    transactions.corrupter.byReason,
  ]) {
    for (const [reason, count] of source) byKind.set(reason, (byKind.get(reason) ?? 0) + count);
  }
  return {
    files: files.sort(),
    users: users.lines - users.corrupter.total,
    events: events.lines - events.corrupter.total - events.copies,
    transactions: transactions.lines - transactions.corrupter.total - transactions.copies,
    lines: { users: users.lines, events: events.lines, transactions: transactions.lines },
    blankLines: {
      users: users.corrupter.blanks,
      events: events.corrupter.blanks,
      transactions: transactions.corrupter.blanks,
    },
    corrupt: {
      users: users.corrupter.total,
      events: events.corrupter.total,
      transactions: transactions.corrupter.total,
      byKind: toRecord(byKind),
      bySource: {
        users: toRecord(users.corrupter.byReason),
        events: toRecord(events.corrupter.byReason),
        transactions: toRecord(transactions.corrupter.byReason),
      },
    },
    eventRetries: events.copies,
    transactionDuplicates: transactions.copies,
    userVersions: users.versions,
    bytes: { users: users.bytes, events: events.bytes, transactions: transactions.bytes },
    seconds: (performance.now() - began) / 1000,
  };
}

/** What {@link streamSessions} needs of an {@link ArrivalStream}. */
type ArrivalSink = Pick<ArrivalStream<string>, 'buckets' | 'flush'>;

/** Walks sessions in start order, producing their events and transactions into arrival buckets. */
async function streamSessions(
  options: GenerateOptions,
  plan: DatasetPlan,
  formatter: WallClockFormatter,
  events: ArrivalSink,
  transactions: ArrivalSink,
): Promise<void> {
  const { lateRate, eventDuplicateRate, duplicateRate, seed } = options;
  const rng = new Sfc32(seed, RandomStream.events);
  const eventLines = new EventLineEncoder(rng, formatter, {
    event: plan.eventWidth,
    session: plan.sessionWidth,
    user: plan.userWidth,
  });
  const transactionLines = new TransactionLineEncoder(formatter, {
    transaction: plan.transactionWidth,
    session: plan.sessionWidth,
    user: plan.userWidth,
  });
  const maxEvent = eventLines.maxLineBytes;
  const maxTransaction = transactionLines.maxLineBytes;
  const late = new Sfc32(seed, RandomStream.lateEvents);
  const retry = new Sfc32(seed, RandomStream.eventRetries);
  const txRng = new Sfc32(seed, RandomStream.transactions);
  const lateTx = new Sfc32(seed, RandomStream.lateTransactions);
  const dupTx = new Sfc32(seed, RandomStream.transactionDuplicates);
  const shape = GENERATOR_SHAPE;
  const [lateMin, lateMax] = shape.lateDelayMicros;
  const [retryMin, retryMax] = shape.retryDelayMicros;
  const [dupMin, dupMax] = shape.duplicateDelayMicros;
  const eventBuckets = events.buckets;
  const transactionBuckets = transactions.buckets;

  let nextEvent = 1;
  let nextTransaction = 1;
  let openHour = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < options.sessions; s++) {
    const startSeconds = plan.sessionStart[s] as number;
    const hour = Math.floor(startSeconds / SECONDS_PER_HOUR);
    if (hour > openHour) {
      await events.flush(hour);
      await transactions.flush(hour);
      openHour = hour;
    }
    const user = (plan.sessionUser[s] as number) + 1;
    const window = plan.sessionWindow[s] as number;
    const startMicros = startSeconds * MICROS_PER_SECOND;
    const windowMicros = window * MICROS_PER_SECOND;

    const eventCount = plan.eventCount[s] as number;
    eventLines.beginSession(s + 1, user);
    for (let j = 0; j < eventCount; j++) {
      eventLines.draw();
      const happened = startMicros + rng.int(windowMicros);
      const arrival = happened + rng.int(shape.eventDelayMicros);
      let timestamp = happened;
      if (lateRate > 0 && late.next() < lateRate) timestamp = arrival - lateMin - late.int(lateMax - lateMin);
      const retried = eventDuplicateRate > 0 && retry.next() < eventDuplicateRate;
      const id = nextEvent++;
      const bucket = eventBuckets.bucketFor(arrival);
      bucket.reserve(maxEvent);
      bucket.commit(
        eventLines.put(bucket.arena, bucket.end, id, timestamp),
        arrival,
        retried ? LineRole.original : LineRole.plain,
      );
      if (!retried) continue;
      const identical = retry.next() < 0.5;
      const retryArrival = arrival + retryMin + retry.int(retryMax - retryMin);
      const retryBucket = eventBuckets.bucketFor(retryArrival);
      if (identical) {
        retryBucket.copyLine(bucket, bucket.size - 1, retryArrival, LineRole.copy);
      } else {
        const retryTimestamp = timestamp + 1000 + retry.int(999_000);
        retryBucket.reserve(maxEvent);
        retryBucket.commit(
          eventLines.put(retryBucket.arena, retryBucket.end, id, retryTimestamp),
          retryArrival,
          LineRole.copy,
        );
      }
    }

    const transactionCount = plan.transactionCount[s] as number;
    transactionLines.beginSession(s + 1, user);
    for (let k = 0; k < transactionCount; k++) {
      const cents = 1000 + txRng.int(499_001);
      const currency = txRng.int(CURRENCIES.length);
      const at = startSeconds + txRng.int(window + shape.transactionAfterSessionSeconds);
      let arrival =
        (at + txRng.int(shape.transactionDelaySeconds)) * MICROS_PER_SECOND + txRng.int(MICROS_PER_SECOND);
      if (lateRate > 0 && lateTx.next() < lateRate) arrival += lateMin + lateTx.int(lateMax - lateMin);
      const duplicated = duplicateRate > 0 && dupTx.next() < duplicateRate;
      const bucket = transactionBuckets.bucketFor(arrival);
      bucket.reserve(maxTransaction);
      bucket.commit(
        transactionLines.put(bucket.arena, bucket.end, nextTransaction++, cents, currency, at),
        arrival,
        duplicated ? LineRole.original : LineRole.plain,
      );
      if (duplicated) {
        const copyArrival = arrival + dupMin + dupTx.int(dupMax - dupMin);
        transactionBuckets
          .bucketFor(copyArrival)
          .copyLine(bucket, bucket.size - 1, copyArrival, LineRole.copy);
      }
    }
  }
}
