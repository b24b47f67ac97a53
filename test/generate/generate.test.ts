import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateOptionsInput, GenerateSummary } from '../../src/generate/index.js';
import {
  COUNTRIES,
  CURRENCIES,
  DEVICE_TYPES,
  EVENT_TYPES,
  GenerateOptionsSchema,
  generate,
  pyJson,
} from '../../src/generate/index.js';

let root = '';
let dirCount = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'goldsmith-generate-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function run(options: Omit<GenerateOptionsInput, 'outDir'>, outDir?: string) {
  const dir = outDir ?? join(root, `run-${dirCount++}`);
  const summary = await generate(GenerateOptionsSchema.parse({ ...options, outDir: dir }));
  return { dir, summary };
}

async function lines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

interface Event {
  event_id: string;
  session_id: string;
  user_id: string;
  event_type: string;
  event_timestamp: string;
  event_details: Record<string, unknown> | null;
}

/** Seconds of a naive `YYYY-MM-DD[T ]HH:MM:SS[.ffffff]` timestamp (tests may use Date). */
function seconds(text: string): number {
  return Date.parse(`${text.slice(0, 19).replace(' ', 'T')}Z`) / 1000;
}

const EVENT_LINE =
  /^\{"event_id": "EVT_\d{8}", "session_id": "SES_\d{6}", "user_id": "USR_\d{5}", "event_type": "[a-z_]+", "event_timestamp": "\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}", "event_details": (null|\{.*\})\}$/;
const TRANSACTION_LINE =
  /^TXN_\d{7},SES_\d{6},USR_\d{5},\d+\.\d{2},[A-Z]{3},\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const USER_LINE = /^USR_\d{5},\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},[A-Za-z]+,[A-Z]{2}$/;

describe('generate (flat layout, seed defaults)', () => {
  let dir = '';
  let summary: GenerateSummary;
  let events: Event[] = [];
  let eventLines: string[] = [];
  let transactionRows: string[][] = [];
  let userRows: string[][] = [];

  beforeAll(async () => {
    ({ dir, summary } = await run({}));
    eventLines = await lines(join(dir, 'events.jsonl'));
    events = eventLines.map((line) => JSON.parse(line) as Event);
    transactionRows = (await lines(join(dir, 'transactions.csv'))).map((line) => line.split(','));
    userRows = (await lines(join(dir, 'users.csv'))).map((line) => line.split(','));
  });

  it('writes the three seed files with the seed headers', async () => {
    expect(summary.files).toEqual(['events.jsonl', 'transactions.csv', 'users.csv']);
    expect((await readdir(dir)).sort()).toEqual(['events.jsonl', 'transactions.csv', 'users.csv']);
    expect(userRows[0]?.join(',')).toBe('user_id,signup_date,device_type,country');
    expect(transactionRows[0]?.join(',')).toBe(
      'transaction_id,session_id,user_id,amount,currency,transaction_timestamp',
    );
  });

  it('formats events like Python json.dumps with microsecond naive timestamps', () => {
    for (const line of eventLines) {
      expect(line).toMatch(EVENT_LINE);
      // Python prints 10.0 where JavaScript prints 10; otherwise the re-serialization is identical.
      expect(pyJson(JSON.parse(line))).toBe(line.replace(/(\d)\.0([,}])/g, '$1$2'));
    }
    const types = new Set(events.map((e) => e.event_type));
    for (const type of EVENT_TYPES) expect(types).toContain(type);
    for (const type of types) expect([...EVENT_TYPES, 'purchase']).toContain(type);
  });

  it('shapes event_details by type, sometimes null', () => {
    const keys = (e: Event) => (e.event_details === null ? 'null' : Object.keys(e.event_details).join(','));
    const expected: Record<string, string> = {
      page_view: 'page_url,referrer',
      click: 'element_id,element_type',
      search: 'search_query,results_count',
      add_to_cart: 'product_id,quantity,price',
    };
    let nulls = 0;
    for (const e of events) {
      if (e.event_details === null) {
        nulls++;
        continue;
      }
      expect(keys(e)).toBe(expected[e.event_type] ?? 'action');
      if (keys(e) === 'action') expect(e.event_details.action).toBe(e.event_type);
    }
    expect(nulls).toBeGreaterThan(0);
    expect(nulls).toBeLessThan(events.length * 0.1);
  });

  it('formats transactions and users like the seed', () => {
    for (const row of transactionRows.slice(1)) {
      expect(row.join(',')).toMatch(TRANSACTION_LINE);
      expect(CURRENCIES).toContain(row[4]);
      const amount = Number(row[3]);
      expect(amount).toBeGreaterThanOrEqual(10);
      expect(amount).toBeLessThanOrEqual(5000);
    }
    for (const row of userRows.slice(1)) {
      expect(row.join(',')).toMatch(USER_LINE);
      expect(DEVICE_TYPES).toContain(row[2]);
      expect(COUNTRIES).toContain(row[3]);
    }
    expect(userRows.slice(1).map((r) => r[0])).toEqual(
      Array.from({ length: 100 }, (_, i) => `USR_${String(i + 1).padStart(5, '0')}`),
    );
  });

  it('reports counts that match the files', () => {
    expect(summary.lines).toEqual({
      users: 100,
      events: eventLines.length,
      transactions: transactionRows.length - 1,
    });
    expect(summary.users).toBe(100);
    expect(summary.events).toBe(2000);
    expect(new Set(events.map((e) => e.event_id)).size).toBe(2000);
    expect(summary.eventRetries).toBe(0);
    expect(summary.transactions).toBe(300);
    expect(new Set(transactionRows.slice(1).map((r) => r[0])).size).toBe(300);
    expect(summary.lines.transactions).toBe(300 + summary.transactionDuplicates);
    expect(summary.corrupt).toMatchObject({ users: 0, events: 0, transactions: 0, byKind: {} });
    expect(summary.seconds).toBeGreaterThan(0);
  });

  it('writes exact duplicate transaction rows later in the file', () => {
    const seen = new Map<string, number>();
    let duplicates = 0;
    transactionRows.slice(1).forEach((row, index) => {
      const id = row[0] as string;
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, index);
        return;
      }
      duplicates++;
      expect(row).toEqual(transactionRows[first + 1]);
    });
    expect(duplicates).toBe(summary.transactionDuplicates);
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates).toBeLessThan(300 * 0.06);
  });

  it('ties sessions, users, events and transactions together like the seed, plus orphans and unknown users', () => {
    const sessionUser = new Map<string, string>();
    const sessionTimes = new Map<string, number[]>();
    for (const e of events) {
      const user = sessionUser.get(e.session_id);
      if (user !== undefined) expect(e.user_id).toBe(user);
      sessionUser.set(e.session_id, e.user_id);
      sessionTimes.set(e.session_id, [...(sessionTimes.get(e.session_id) ?? []), seconds(e.event_timestamp)]);
    }
    const knownUsers = new Set(userRows.slice(1).map((r) => r[0]));
    const unknownSessions = [...sessionUser.values()].filter((u) => !knownUsers.has(u));
    expect(unknownSessions.length).toBeGreaterThan(0);
    expect(unknownSessions.length).toBeLessThan(sessionUser.size * 0.05);

    let orphans = 0;
    let near = 0;
    let withEvents = 0;
    const perSession = new Map<string, number>();
    for (const row of transactionRows.slice(1)) {
      const [, session = '', user] = row;
      perSession.set(session, (perSession.get(session) ?? 0) + 1);
      const owner = sessionUser.get(session);
      if (owner === undefined) {
        orphans++;
        continue;
      }
      withEvents++;
      expect(user).toBe(owner);
      const at = seconds(row[5] as string);
      if ((sessionTimes.get(session) ?? []).some((t) => Math.abs(at - t) <= 4200)) near++;
    }
    expect(orphans).toBeGreaterThan(0);
    expect(orphans).toBeLessThan(300 * 0.1);
    expect(near / withEvents).toBeGreaterThan(0.9);
    const distinctPerSession = new Map<string, Set<string>>();
    for (const row of transactionRows.slice(1)) {
      const set = distinctPerSession.get(row[1] as string) ?? new Set<string>();
      set.add(row[0] as string);
      distinctPerSession.set(row[1] as string, set);
    }
    expect([...distinctPerSession.values()].some((ids) => ids.size >= 2)).toBe(true);
  });

  it('keeps a session short, except for late events 2–48 h earlier', () => {
    const bySession = new Map<string, number[]>();
    for (const e of events)
      bySession.set(e.session_id, [...(bySession.get(e.session_id) ?? []), seconds(e.event_timestamp)]);
    let lateLooking = 0;
    for (const times of bySession.values()) {
      const max = Math.max(...times);
      for (const t of times) {
        const before = max - t;
        if (before > 3605) {
          lateLooking++;
          expect(before).toBeLessThanOrEqual(48 * 3600 + 3605);
        }
      }
    }
    // ≈5% late, some of them hidden when a session's latest event is late too.
    expect(lateLooking / events.length).toBeGreaterThan(0.02);
    expect(lateLooking / events.length).toBeLessThan(0.08);
  });

  it('writes events in arrival order: timestamps increase except for late ones', () => {
    let backwards = 0;
    for (let i = 1; i < events.length; i++) {
      const gap =
        seconds((events[i - 1] as Event).event_timestamp) - seconds((events[i] as Event).event_timestamp);
      if (gap > 5) backwards++;
    }
    expect(backwards).toBeGreaterThan(0);
    expect(backwards / events.length).toBeLessThan(0.15);
  });
});

describe('generate determinism and options', () => {
  async function filesOf(dir: string): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile())
        out.set(
          join(entry.parentPath, entry.name).slice(dir.length),
          await readFile(join(entry.parentPath, entry.name)),
        );
    }
    return out;
  }

  const options = { events: 3000, sessions: 700, corruptRate: 0.03, eventDuplicateRate: 0.03 } as const;

  it('gives identical bytes for the same seed and different bytes for another seed', async () => {
    const a = await run({ ...options, seed: 7 });
    const b = await run({ ...options, seed: 7 });
    const c = await run({ ...options, seed: 8 });
    const filesA = await filesOf(a.dir);
    const filesB = await filesOf(b.dir);
    expect([...filesA.keys()].sort()).toEqual([...filesB.keys()].sort());
    for (const [name, bytes] of filesA) expect(bytes.equals(filesB.get(name) as Buffer)).toBe(true);
    const { seconds: _a, ...restA } = a.summary;
    const { seconds: _b, ...restB } = b.summary;
    expect(restA).toEqual(restB);
    const filesC = await filesOf(c.dir);
    for (const [name, bytes] of filesA) expect(bytes.equals(filesC.get(name) as Buffer)).toBe(false);
  });

  it('replaces lines in place: corruption leaves every other line of the clean run untouched', async () => {
    const clean = await run({ ...options, corruptRate: 0, seed: 3 });
    const dirty = await run({ ...options, corruptRate: 0.05, seed: 3 });
    for (const file of ['events.jsonl', 'transactions.csv', 'users.csv']) {
      const a = await lines(join(clean.dir, file));
      const all = await lines(join(dirty.dir, file));
      const b = all.filter((line) => line.trim() !== '');
      const source = file.split('.')[0] as 'events' | 'transactions' | 'users';
      expect(all.length - b.length).toBe(dirty.summary.blankLines[source]);
      expect(b.length).toBe(a.length);
      const changed = a.filter((line, i) => line !== b[i]).length;
      expect(changed).toBe(dirty.summary.corrupt[source]);
    }
    expect(dirty.summary.corrupt.events).toBeGreaterThan(0);
    expect(dirty.summary.blankLines.events).toBeGreaterThan(0);
    expect(clean.summary.blankLines).toEqual({ users: 0, events: 0, transactions: 0 });
  });

  it('writes the flat files as exactly the hourly batches concatenated', async () => {
    const flat = await run({ ...options, seed: 5 });
    const hourly = await run({ ...options, seed: 5, batches: 'hourly' });
    const eventFiles = hourly.summary.files.filter((f) => f.startsWith('events/'));
    const txFiles = hourly.summary.files.filter((f) => f.startsWith('transactions/'));
    expect(eventFiles.length).toBeGreaterThan(24);
    let events = '';
    for (const f of eventFiles) events += await readFile(join(hourly.dir, f), 'utf8');
    expect(events).toBe(await readFile(join(flat.dir, 'events.jsonl'), 'utf8'));
    let transactions = 'transaction_id,session_id,user_id,amount,currency,transaction_timestamp\n';
    for (const f of txFiles)
      transactions += (await readFile(join(hourly.dir, f), 'utf8')).replace(/^[^\n]*\n/, '');
    expect(transactions).toBe(await readFile(join(flat.dir, 'transactions.csv'), 'utf8'));
    expect(hourly.summary.events).toBe(flat.summary.events);
    expect(hourly.summary.corrupt.bySource.events).toEqual(flat.summary.corrupt.bySource.events);
  });

  it('re-emits producer retries later with the same event_id, half identical, half with a later timestamp', async () => {
    const { dir, summary } = await run({
      events: 20_000,
      sessions: 5000,
      eventDuplicateRate: 0.05,
      seed: 11,
    });
    const all = await lines(join(dir, 'events.jsonl'));
    const first = new Map<string, string>();
    let identical = 0;
    let later = 0;
    for (const line of all) {
      const e = JSON.parse(line) as Event;
      const before = first.get(e.event_id);
      if (before === undefined) {
        first.set(e.event_id, line);
        continue;
      }
      const original = JSON.parse(before) as Event;
      if (line === before) identical++;
      else {
        later++;
        expect(e.event_timestamp > original.event_timestamp).toBe(true);
        expect({ ...e, event_timestamp: '' }).toEqual({ ...original, event_timestamp: '' });
      }
    }
    expect(first.size).toBe(20_000);
    expect(summary.events).toBe(20_000);
    expect(identical + later).toBe(summary.eventRetries);
    expect(summary.lines.events).toBe(20_000 + summary.eventRetries);
    expect(summary.eventRetries / 20_000).toBeCloseTo(0.05, 1);
    expect(identical / (identical + later)).toBeGreaterThan(0.4);
    expect(identical / (identical + later)).toBeLessThan(0.6);
  });

  it('widens ids when counts exceed the default width', async () => {
    const { dir } = await run({
      users: 100_000,
      sessions: 1_000_000,
      events: 20,
      transactions: 3,
      lateRate: 0,
    });
    const event = JSON.parse((await lines(join(dir, 'events.jsonl')))[0] as string) as Event;
    expect(event.session_id).toMatch(/^SES_\d{7}$/);
    expect(event.user_id).toMatch(/^USR_\d{6}$/);
    expect(event.event_id).toMatch(/^EVT_\d{8}$/);
    const users = await lines(join(dir, 'users.csv'));
    expect(users[1]).toMatch(/^USR_000001,/);
    expect(users.length).toBe(100_001);
  });

  it('honours start and days', async () => {
    const { dir } = await run({ start: '2024-02-28', days: 2, lateRate: 0, events: 500 });
    const days = new Set(
      (await lines(join(dir, 'events.jsonl'))).map((l) =>
        (JSON.parse(l) as Event).event_timestamp.slice(0, 10),
      ),
    );
    // Events follow session starts by at most ~1 hour, so they may spill into the next day.
    for (const day of days) expect(['2024-02-28', '2024-02-29', '2024-03-01']).toContain(day);
    expect(days.has('2024-02-29')).toBe(true);
  });

  it('removes its own earlier outputs so layouts never mix, and leaves other files alone', async () => {
    const dir = join(root, 'reused');
    await run({ batches: 'hourly', events: 300 }, dir);
    await writeFile(join(dir, 'events', 'notes.txt'), 'keep me');
    const { summary } = await run({ events: 300 }, dir);
    expect(await readdir(join(dir, 'events'))).toEqual(['notes.txt']);
    expect(await readdir(join(dir, 'transactions'))).toEqual([]);
    expect(summary.files).toEqual(['events.jsonl', 'transactions.csv', 'users.csv']);
  });

  it('handles the smallest sizes: one user, one session, no events or transactions', async () => {
    const none = await run({ users: 1, sessions: 1, events: 0, transactions: 0 });
    expect(await readFile(join(none.dir, 'events.jsonl'), 'utf8')).toBe('');
    expect(none.summary.lines).toEqual({ users: 1, events: 0, transactions: 0 });
    const one = await run({ users: 1, sessions: 1, events: 3, transactions: 2, lateRate: 0 });
    const events = (await lines(join(one.dir, 'events.jsonl'))).map((l) => JSON.parse(l) as Event);
    expect(events.map((e) => e.session_id)).toEqual(['SES_000001', 'SES_000001', 'SES_000001']);
    expect(one.summary.transactions).toBe(2);
    const everything = await run({ users: 5, sessions: 5, events: 50, transactions: 5, corruptRate: 1 });
    expect(everything.summary.events).toBe(0);
    expect(everything.summary.corrupt.events).toBe(50);
    expect(everything.summary.corrupt.users).toBe(5);
  });

  it('rejects invalid options before writing anything', async () => {
    await expect(run({ lateRate: 1.5 })).rejects.toThrow();
    await expect(run({ start: '2023-02-29' })).rejects.toThrow(/date/);
    await expect(run({ users: 0 })).rejects.toThrow();
    expect(() => GenerateOptionsSchema.parse({})).toThrow();
  });

  it('applies the seed defaults', () => {
    expect(GenerateOptionsSchema.parse({ outDir: 'x' })).toEqual({
      outDir: 'x',
      users: 100,
      sessions: 500,
      events: 2000,
      transactions: 300,
      lateRate: 0.05,
      duplicateRate: 0.02,
      eventDuplicateRate: 0,
      corruptRate: 0,
      seed: 42,
      batches: 'none',
    });
  });
});
