import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerateSummary } from '../../src/generate/index.js';
import {
  BLANK_LINES,
  corruptEventLine,
  corruptTransactionLine,
  corruptUserLine,
  EVENT_CORRUPTIONS,
  GenerateOptionsSchema,
  generate,
  LineCorrupter,
  Sfc32,
  TRANSACTION_CORRUPTIONS,
  USER_CORRUPTIONS,
} from '../../src/generate/index.js';

// An independent reading of SPEC §2, written from the contract, not from the generator.

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?(?:Z|[+-](\d{2}):(\d{2}))?)?$/;

function validTimestamp(text: string, dateOnlyAllowed: boolean): boolean {
  const m = TIMESTAMP.exec(text);
  if (m === null) return false;
  const [, y, mo, d, h, mi, s, oh, om] = m.map((part) => (part === undefined ? undefined : Number(part)));
  if (h === undefined && !dateOnlyAllowed) return false;
  const date = new Date(Date.UTC(y as number, (mo as number) - 1, d as number));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() + 1 !== mo || date.getUTCDate() !== d) return false;
  if (h !== undefined && (h > 23 || (mi as number) > 59 || (s as number) > 59)) return false;
  if (oh !== undefined && (oh > 23 || (om as number) > 59)) return false;
  return true;
}

function classifyEvent(line: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'malformed_json';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not_an_object';
  const record = value as Record<string, unknown>;
  for (const field of ['event_id', 'session_id', 'user_id', 'event_type']) {
    const v = record[field];
    if (v === undefined || v === null || v === '') return `missing_field:${field}`;
    if (typeof v !== 'string') return `invalid_type:${field}`;
  }
  const ts = record.event_timestamp;
  if (ts === undefined || ts === null) return 'missing_field:event_timestamp';
  if (typeof ts !== 'string' || !validTimestamp(ts, false)) return 'invalid_timestamp:event_timestamp';
  const details = record.event_details;
  if (details !== undefined && details !== null && (typeof details !== 'object' || Array.isArray(details))) {
    return 'invalid_type:event_details';
  }
  return 'valid';
}

function classifyTransaction(line: string): string {
  const f = line.split(',');
  if (f.length !== 6) return 'wrong_field_count';
  const names = ['transaction_id', 'session_id', 'user_id'];
  for (let i = 0; i < 3; i++) if (f[i] === '') return `missing_field:${names[i]}`;
  if (!/^-?\d{1,8}(\.\d{1,2})?$/.test(f[3] as string)) return 'invalid_decimal:amount';
  if (!/^[A-Z]{3}$/.test(f[4] as string)) return 'invalid_currency';
  if (!validTimestamp(f[5] as string, false)) return 'invalid_timestamp:transaction_timestamp';
  return 'valid';
}

function classifyUser(line: string): string {
  const f = line.split(',');
  if (f[0] === '') return 'missing_field:user_id';
  if (!validTimestamp(f[1] ?? '', true)) return 'invalid_timestamp:signup_date';
  return 'valid';
}

function tally(lines: string[], classify: (line: string) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    if (/^[ \t\r]*$/.test(line)) continue;
    const reason = classify(line);
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return counts;
}

function withoutValid(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries(
    [...counts].filter(([reason]) => reason !== 'valid').sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

const GOOD_EVENT =
  '{"event_id": "EVT_00000042", "session_id": "SES_000007", "user_id": "USR_00003", "event_type": "add_to_cart", "event_timestamp": "2025-09-08T12:07:44.832132", "event_details": {"product_id": "PROD_0810", "quantity": 2, "price": 606.03}}';
const GOOD_TRANSACTION = 'TXN_0000001,SES_000412,USR_00039,1893.84,CLP,2025-09-09 12:37:28';
const GOOD_USER = 'USR_00001,2025-09-10 00:24:02,Web,BR';

describe('corrupt line builders', () => {
  it('the reference classifier accepts the good lines', () => {
    expect(classifyEvent(GOOD_EVENT)).toBe('valid');
    expect(classifyEvent(GOOD_EVENT.replace(/"event_details": .*\}$/, '"event_details": null}'))).toBe(
      'valid',
    );
    expect(classifyTransaction(GOOD_TRANSACTION)).toBe('valid');
    expect(classifyUser(GOOD_USER)).toBe('valid');
    expect(classifyUser('USR_00001,2025-09-10,Web,BR,2025-09-11 00:00:00')).toBe('valid');
  });

  it('every event variant violates the contract in exactly the stated way', () => {
    const rng = new Sfc32(1, 99);
    for (const reason of EVENT_CORRUPTIONS) {
      const variants = new Set<string>();
      for (let i = 0; i < 60; i++) {
        const line = corruptEventLine(reason, GOOD_EVENT, rng);
        expect(line).not.toContain('\n');
        expect(line.trim()).not.toBe('');
        expect(classifyEvent(line), line).toBe(reason);
        variants.add(line);
      }
      // A missing timestamp is only ever an absent key (a null one could be read as invalid_timestamp).
      expect(variants.size).toBeGreaterThan(reason === 'missing_field:event_timestamp' ? 0 : 1);
    }
  });

  it('every transaction variant violates the contract in exactly the stated way', () => {
    const rng = new Sfc32(2, 99);
    for (const reason of TRANSACTION_CORRUPTIONS) {
      for (let i = 0; i < 60; i++) {
        const line = corruptTransactionLine(reason, GOOD_TRANSACTION, rng);
        expect(line).not.toMatch(/["\n]/);
        expect(classifyTransaction(line), line).toBe(reason);
      }
    }
    const small = 'TXN_0000001,SES_000412,USR_00039,18.84,CLP,2025-09-09 12:37:28';
    for (let i = 0; i < 30; i++)
      expect(classifyTransaction(corruptTransactionLine('wrong_field_count', small, rng))).toBe(
        'wrong_field_count',
      );
  });

  it('every user variant violates the contract in exactly the stated way', () => {
    const rng = new Sfc32(3, 99);
    for (const reason of USER_CORRUPTIONS) {
      for (let i = 0; i < 30; i++) {
        expect(classifyUser(corruptUserLine(reason, GOOD_USER, rng))).toBe(reason);
        expect(classifyUser(corruptUserLine(reason, `${GOOD_USER},2025-09-10 00:24:02`, rng))).toBe(reason);
      }
    }
  });

  it('LineCorrupter keeps the rate, cycles reasons and never touches ineligible lines', () => {
    const corrupter = new LineCorrupter(USER_CORRUPTIONS, 0.1, new Sfc32(4, 1), corruptUserLine);
    let changedIneligible = 0;
    let changed = 0;
    for (let i = 0; i < 20_000; i++) {
      const line = `${GOOD_USER}\n`;
      const eligible = i % 4 !== 0;
      const out = corrupter.apply(line, eligible);
      expect(out.endsWith('\n')).toBe(true);
      if (out !== line) {
        changed++;
        if (!eligible) changedIneligible++;
      }
    }
    expect(changedIneligible).toBe(0);
    expect(changed).toBe(corrupter.total);
    expect(changed / 20_000).toBeGreaterThan(0.09);
    expect(changed / 20_000).toBeLessThan(0.11);
    const [a = 0, b = 0] = USER_CORRUPTIONS.map((r) => corrupter.byReason.get(r) ?? 0);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1);
    const off = new LineCorrupter(USER_CORRUPTIONS, 0, new Sfc32(4, 1), corruptUserLine);
    expect(off.apply('x\n', true)).toBe('x\n');
    expect(off.blank()).toBeUndefined();
  });

  it('sprinkles blank lines (empty, spaces, tabs, \\r) at an eighth of the corrupt rate', () => {
    const corrupter = new LineCorrupter(USER_CORRUPTIONS, 0.4, new Sfc32(5, 1), corruptUserLine);
    const blanks: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const blank = corrupter.blank();
      if (blank !== undefined) blanks.push(blank);
    }
    expect(blanks.length).toBe(corrupter.blanks);
    expect(blanks.length / 20_000).toBeGreaterThan(0.04);
    expect(blanks.length / 20_000).toBeLessThan(0.06);
    for (const blank of blanks) expect(blank).toMatch(/^[ \t\r]*\n$/);
    expect(new Set(blanks)).toEqual(new Set(BLANK_LINES));
  });
});

describe.each(['none', 'hourly'] as const)('generated corruption (%s batches)', (batches) => {
  let dir = '';
  let summary: GenerateSummary;
  const rate = 0.04;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'goldsmith-corrupt-'));
    summary = await generate(
      GenerateOptionsSchema.parse({
        outDir: dir,
        batches,
        users: 3000,
        sessions: 6000,
        events: 26_000,
        transactions: 5000,
        corruptRate: rate,
        eventDuplicateRate: 0.02,
        duplicateRate: 0.03,
        days: 20,
      }),
    );
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function dataLines(prefix: string, header: boolean): Promise<string[]> {
    const out: string[] = [];
    for (const file of summary.files.filter((f) => f.startsWith(prefix))) {
      const text = await readFile(join(dir, file), 'utf8');
      out.push(
        ...text
          .slice(0, -1)
          .split('\n')
          .slice(header ? 1 : 0),
      );
    }
    return out;
  }

  it('events: the quarantine a SPEC reader would produce matches the summary, reason by reason', async () => {
    const lines = await dataLines('events', false);
    const counts = tally(lines, classifyEvent);
    expect(withoutValid(counts)).toEqual(summary.corrupt.bySource.events);
    const blank = lines.filter((line) => /^[ \t\r]*$/.test(line)).length;
    expect(blank).toBe(summary.blankLines.events);
    expect(blank).toBeGreaterThan(0);
    expect(lines.length - blank).toBe(summary.lines.events);
    expect(counts.get('valid')).toBe(summary.events + summary.eventRetries);
    for (const reason of EVENT_CORRUPTIONS)
      expect(summary.corrupt.bySource.events[reason] ?? 0).toBeGreaterThan(50);
    expect(summary.corrupt.events / summary.lines.events).toBeGreaterThan(rate - 0.006);
    expect(summary.corrupt.events / summary.lines.events).toBeLessThan(rate + 0.006);
  });

  it('events: retries stay intact, so distinct valid ids are exact', async () => {
    const ids = new Set<string>();
    let valid = 0;
    for (const line of await dataLines('events', false)) {
      if (classifyEvent(line) !== 'valid') continue;
      valid++;
      ids.add((JSON.parse(line) as { event_id: string }).event_id);
    }
    expect(ids.size).toBe(summary.events);
    expect(valid - ids.size).toBe(summary.eventRetries);
    expect(summary.eventRetries).toBeGreaterThan(0);
  });

  it('transactions: quarantine per reason matches, duplicates stay exact', async () => {
    const lines = await dataLines('transactions', true);
    const counts = tally(lines, classifyTransaction);
    expect(withoutValid(counts)).toEqual(summary.corrupt.bySource.transactions);
    expect(lines.filter((line) => /^[ \t\r]*$/.test(line)).length).toBe(summary.blankLines.transactions);
    for (const reason of TRANSACTION_CORRUPTIONS) {
      expect(summary.corrupt.bySource.transactions[reason] ?? 0).toBeGreaterThan(15);
    }
    const valid = lines.filter((l) => classifyTransaction(l) === 'valid');
    const distinct = new Set(valid.map((l) => l.split(',')[0]));
    expect(distinct.size).toBe(summary.transactions);
    expect(valid.length - distinct.size).toBe(summary.transactionDuplicates);
    expect(summary.transactionDuplicates).toBeGreaterThan(0);
    expect(summary.corrupt.transactions / summary.lines.transactions).toBeGreaterThan(rate - 0.015);
    expect(summary.corrupt.transactions / summary.lines.transactions).toBeLessThan(rate + 0.015);
  });

  it('users: quarantine per reason matches', async () => {
    const lines = await dataLines('users', true);
    const counts = tally(lines, classifyUser);
    expect(withoutValid(counts)).toEqual(summary.corrupt.bySource.users);
    expect(lines.filter((line) => /^[ \t\r]*$/.test(line)).length).toBe(summary.blankLines.users);
    expect(counts.get('valid')).toBe(summary.users);
    for (const reason of USER_CORRUPTIONS)
      expect(summary.corrupt.bySource.users[reason] ?? 0).toBeGreaterThan(20);
  });

  it('byKind is the per-source counts summed, with SPEC reason codes as keys', () => {
    const sum: Record<string, number> = {};
    for (const source of Object.values(summary.corrupt.bySource)) {
      for (const [reason, n] of Object.entries(source)) sum[reason] = (sum[reason] ?? 0) + n;
    }
    expect(summary.corrupt.byKind).toEqual(sum);
    for (const key of Object.keys(summary.corrupt.byKind)) {
      expect(key).toMatch(
        /^(malformed_json|not_an_object|wrong_field_count|invalid_currency|(missing_field|invalid_type|invalid_timestamp|invalid_decimal):[a-z_]+)$/,
      );
    }
    expect(summary.corrupt.users + summary.corrupt.events + summary.corrupt.transactions).toBe(
      Object.values(summary.corrupt.byKind).reduce((a, b) => a + b, 0),
    );
  });
});
