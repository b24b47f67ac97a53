import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateSummary } from '../../src/generate/index.js';
import { GenerateOptionsSchema, generate } from '../../src/generate/index.js';

const HOUR = 3600;

/** Seconds of a naive timestamp, read as UTC (tests may use Date). */
function seconds(text: string): number {
  return Date.parse(`${text.slice(0, 19).replace(' ', 'T')}Z`) / 1000;
}

/** Hours since the epoch of a `YYYYMMDD-HH` file-name part. */
function fileHour(name: string): number {
  const m = /-(\d{4})(\d{2})(\d{2})-(\d{2})\./.exec(name);
  expect(m).not.toBeNull();
  const [, y, mo, d, h] = (m as RegExpExecArray).map(Number);
  return Date.UTC(y as number, (mo as number) - 1, d as number, h as number) / 1000 / HOUR;
}

function fileDay(name: string): string {
  const m = /users-(\d{4})(\d{2})(\d{2})\.csv$/.exec(name);
  expect(m).not.toBeNull();
  return `${m?.[1]}-${m?.[2]}-${m?.[3]}`;
}

describe('hourly batches', () => {
  let dir = '';
  let summary: GenerateSummary;
  const lateRate = 0.1;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'goldsmith-hourly-'));
    summary = await generate(
      GenerateOptionsSchema.parse({
        outDir: dir,
        batches: 'hourly',
        users: 800,
        sessions: 4000,
        events: 20_000,
        transactions: 3000,
        lateRate,
        eventDuplicateRate: 0.05,
        duplicateRate: 0.05,
        start: '2025-03-01',
        days: 10,
        seed: 9,
      }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lays files out per arrival hour (events, transactions) and per day (users)', async () => {
    const events = (await readdir(join(dir, 'events'))).sort();
    const transactions = (await readdir(join(dir, 'transactions'))).sort();
    const users = (await readdir(join(dir, 'users'))).sort();
    for (const name of events) expect(name).toMatch(/^events-\d{8}-\d{2}\.jsonl$/);
    for (const name of transactions) expect(name).toMatch(/^transactions-\d{8}-\d{2}\.csv$/);
    for (const name of users) expect(name).toMatch(/^users-\d{8}\.csv$/);
    expect(events.length).toBeGreaterThan(200);
    expect(summary.files).toEqual(
      [
        ...events.map((f) => `events/${f}`),
        ...transactions.map((f) => `transactions/${f}`),
        ...users.map((f) => `users/${f}`),
      ].sort(),
    );
    expect(users[0]).toBe('users-20250301.csv');
    for (const name of transactions) {
      const text = await readFile(join(dir, 'transactions', name), 'utf8');
      expect(
        text.startsWith('transaction_id,session_id,user_id,amount,currency,transaction_timestamp\n'),
      ).toBe(true);
      expect(text.split('\n').length).toBeGreaterThan(2);
    }
  });

  it('puts every event in an hour at or after its timestamp; late ones arrive 2–48 h later', async () => {
    let total = 0;
    let late = 0;
    let retriedLate = 0;
    const seen = new Set<string>();
    for (const name of (await readdir(join(dir, 'events'))).sort()) {
      const hour = fileHour(name);
      const text = await readFile(join(dir, 'events', name), 'utf8');
      for (const line of text.slice(0, -1).split('\n')) {
        const e = JSON.parse(line) as { event_id: string; event_timestamp: string };
        const delay = hour - Math.floor(seconds(e.event_timestamp) / HOUR);
        expect(delay).toBeGreaterThanOrEqual(0);
        const retry = seen.has(e.event_id);
        seen.add(e.event_id);
        // A retry arrives up to 10 minutes after its original, which may push it one hour further.
        expect(delay).toBeLessThanOrEqual(retry ? 49 : 48);
        if (retry) {
          if (delay >= 2) retriedLate++;
          continue;
        }
        total++;
        if (delay >= 2) late++;
      }
    }
    expect(total).toBe(summary.events);
    expect(late / total).toBeGreaterThan(lateRate - 0.015);
    expect(late / total).toBeLessThan(lateRate + 0.015);
    expect(retriedLate).toBeGreaterThan(0);
  });

  it('without late data every event lands in its own hour or the next', async () => {
    const quiet = await mkdtemp(join(tmpdir(), 'goldsmith-hourly-quiet-'));
    try {
      const s = await generate(
        GenerateOptionsSchema.parse({ outDir: quiet, batches: 'hourly', lateRate: 0, days: 3, events: 3000 }),
      );
      let checked = 0;
      for (const file of s.files.filter((f) => f.startsWith('events/'))) {
        const hour = fileHour(file);
        for (const line of (await readFile(join(quiet, file), 'utf8')).slice(0, -1).split('\n')) {
          const delay =
            hour -
            Math.floor(seconds((JSON.parse(line) as { event_timestamp: string }).event_timestamp) / HOUR);
          expect([0, 1]).toContain(delay);
          checked++;
        }
      }
      expect(checked).toBe(3000);
    } finally {
      await rm(quiet, { recursive: true, force: true });
    }
  });

  it('puts every transaction in an hour at or after its timestamp, some 2–48 h late', async () => {
    let total = 0;
    let late = 0;
    for (const name of (await readdir(join(dir, 'transactions'))).sort()) {
      const hour = fileHour(name);
      const text = await readFile(join(dir, 'transactions', name), 'utf8');
      for (const line of text.slice(0, -1).split('\n').slice(1)) {
        const delay = hour - Math.floor(seconds(line.split(',')[5] as string) / HOUR);
        expect(delay).toBeGreaterThanOrEqual(0);
        // Late (≤ 48 h) plus a duplicate's re-send (≤ 3 h) at most.
        expect(delay).toBeLessThanOrEqual(51);
        total++;
        if (delay >= 2) late++;
      }
    }
    expect(total).toBe(summary.lines.transactions);
    expect(late / total).toBeGreaterThan(lateRate * 0.6);
    expect(late / total).toBeLessThan(lateRate * 1.6);
  });

  it('writes daily user extracts with updated_at; some users come back with a changed profile', async () => {
    const firstDay = '2025-03-01';
    const versions = new Map<string, string[][]>();
    let rows = 0;
    for (const name of (await readdir(join(dir, 'users'))).sort()) {
      const day = fileDay(name);
      const text = await readFile(join(dir, 'users', name), 'utf8');
      const [header, ...lines] = text.slice(0, -1).split('\n');
      expect(header).toBe('user_id,signup_date,device_type,country,updated_at');
      let previous = '';
      for (const line of lines) {
        const fields = line.split(',');
        expect(fields).toHaveLength(5);
        const updated = fields[4] as string;
        expect(updated >= previous).toBe(true);
        previous = updated;
        const updatedDay = updated.slice(0, 10);
        expect(updatedDay < firstDay ? firstDay : updatedDay).toBe(day);
        versions.set(fields[0] as string, [...(versions.get(fields[0] as string) ?? []), fields]);
        rows++;
      }
    }
    expect(rows).toBe(summary.lines.users);
    expect(versions.size).toBe(800);
    let changed = 0;
    for (const list of versions.values()) {
      const [first, ...later] = list as [string[], ...string[][]];
      expect(first[4]).toBe(first[1]);
      for (const next of later) {
        changed++;
        expect(next[1]).toBe(first[1]);
        expect((next[4] as string) > (first[4] as string)).toBe(true);
        expect(next[2] !== first[2] || next[3] !== first[3]).toBe(true);
      }
    }
    expect(changed).toBe(summary.userVersions);
    expect(changed).toBeGreaterThan(10);
    expect(changed).toBeLessThan(800 * 0.1);
  });
});
