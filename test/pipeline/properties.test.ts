import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CellValue, tableToRows } from '../../src/columns/table-rows.js';
import { dedupLatest } from '../../src/kernels/index.js';
import { bytesInput } from '../../src/read/index.js';
import { runPipeline } from '../../src/run/run-pipeline.js';
import {
  type NaiveEvent,
  type NaiveTransaction,
  type NaiveUser,
  naiveGold,
  naiveText,
} from '../support/naive-gold.js';

const BASE = Date.UTC(2025, 2, 1, 23, 0, 0) * 1000; // near midnight, so sessions straddle dates
const TYPES = ['page_view', 'click', 'scroll', 'search', 'checkout'] as const;
/** Small id pools force duplicates, shared sessions and timestamp ties. */
/** Few distinct instants (across midnight and a second boundary), so ties are common. */
const instant = fc
  .constantFrom(0, 1, 59, 3600, 3601, 7200)
  .chain((s) => fc.constantFrom(0, 500_000, 999_999).map((us) => BASE + s * 1_000_000 + us));

const eventArb = fc.record({
  event_id: fc.constantFrom('E1', 'E2', 'E3', 'E4', 'E5', 'E6', 'E7', 'E8', 'E10'),
  session_id: fc.constantFrom('S1', 'S2', 'S3', 'S4'),
  user_id: fc.constantFrom('U1', 'U2', 'U3', 'U9'),
  event_type: fc.constantFrom(...TYPES),
  ts: instant,
});
const txnArb = fc.record({
  transaction_id: fc.constantFrom('T1', 'T2', 'T3', 'T4', 'T5', 'T6'),
  session_id: fc.constantFrom('S1', 'S2', 'S5'),
  user_id: fc.constantFrom('U1', 'U2'),
  cents: fc.integer({ min: -9_999_999_999, max: 9_999_999_999 }),
  currency: fc.constantFrom('USD', 'PEN'),
  // Two instants only: transactions of one session often tie on time (the id breaks the tie).
  ts: fc.constantFrom(BASE + 1_000_000, BASE + 3_600_000_000),
});
const userArb = fc.record({
  user_id: fc.constantFrom('U1', 'U2', 'U3'),
  signup: fc.integer({ min: 0, max: 400 }).map((d) => BASE - d * 86_400_000_000),
  device_type: fc.constantFrom('iOS', 'Android', null),
  country: fc.constantFrom('PE', 'CL', null),
  updated_at: fc.option(instant, { nil: null }),
});

const CORRUPT_EVENTS = [
  '{"event_id": "E1", "session_id": "S1"',
  '[1, 2]',
  '"just a string"',
  '{"event_id": 7, "session_id": "S1", "user_id": "U1", "event_type": "click", "event_timestamp": "2025-03-01T10:00:00"}',
  '{"event_id": "E1", "session_id": "S1", "user_id": "U1", "event_type": "click", "event_timestamp": "2025-02-29T10:00:00"}',
  '{"event_id": "E1", "session_id": null, "user_id": "U1", "event_type": "click", "event_timestamp": "2025-03-01T10:00:00"}',
];
const CORRUPT_TXNS = [
  'T1,S1,U1,1.00,USD',
  'T1,S1,U1,1.001,USD,2025-03-01 10:00:00',
  'T1,S1,U1,1.00,usd,2025-03-01 10:00:00',
  ',S1,U1,1.00,USD,2025-03-01 10:00:00',
];

type Line<T> = { valid: T } | { corrupt: string } | { blank: string };
const lines = <T>(valid: fc.Arbitrary<T>, corrupt: string[]) =>
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: valid.map((v): Line<T> => ({ valid: v })) },
      { weight: 1, arbitrary: fc.constantFrom(...corrupt).map((c): Line<T> => ({ corrupt: c })) },
      { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t').map((b): Line<T> => ({ blank: b })) },
    ),
    { maxLength: 40 },
  );

const eventLine = (e: NaiveEvent) =>
  JSON.stringify({
    event_id: e.event_id,
    session_id: e.session_id,
    user_id: e.user_id,
    event_type: e.event_type,
    event_timestamp: naiveText(e.ts),
    event_details: { n: 1 },
  });
const txnLine = (t: NaiveTransaction) =>
  `${t.transaction_id},${t.session_id},${t.user_id},${(t.cents / 100).toFixed(2)},${t.currency},${naiveText(t.ts, ' ')}`;
const userLine = (u: NaiveUser) =>
  `${u.user_id},${naiveText(u.signup, ' ')},${u.device_type ?? ''},${u.country ?? ''},${u.updated_at === null ? '' : naiveText(u.updated_at, ' ')}`;

function render<T>(items: Line<T>[], format: (v: T) => string, header?: string): string {
  const body = items.map((l) => ('valid' in l ? format(l.valid) : 'corrupt' in l ? l.corrupt : l.blank));
  return `${[...(header ? [header] : []), ...body].join('\n')}\n`;
}
const validOf = <T>(items: Line<T>[]) => items.flatMap((l) => ('valid' in l ? [l.valid] : []));
const count = <T>(items: Line<T>[], kind: 'valid' | 'corrupt') => items.filter((l) => kind in l).length;

const byKey = (a: Record<string, CellValue>, b: Record<string, CellValue>) =>
  `${a.session_id}|${a.user_id}` < `${b.session_id}|${b.user_id}` ? -1 : 1;

describe('pipeline properties (fast-check, SPEC §2–§5)', () => {
  it('accounts for every line, keeps gold keys unique, and equals a naive model of the SPEC', async () => {
    await fc.assert(
      fc.asyncProperty(
        lines(eventArb, CORRUPT_EVENTS),
        lines(txnArb, CORRUPT_TXNS),
        fc.array(userArb, { maxLength: 6 }),
        async (ev, tx, us) => {
          // `cents / 100` then toFixed is exact for these magnitudes; the reader parses the text without floats.
          const { report, result } = await runPipeline({
            inputs: {
              events: [bytesInput('events.jsonl', render(ev, eventLine))],
              transactions: [
                bytesInput(
                  'transactions.csv',
                  render(
                    tx,
                    txnLine,
                    'transaction_id,session_id,user_id,amount,currency,transaction_timestamp',
                  ),
                ),
              ],
              users: [
                bytesInput(
                  'users.csv',
                  render(
                    us.map((u) => ({ valid: u })),
                    userLine,
                    'user_id,signup_date,device_type,country,updated_at',
                  ),
                ),
              ],
            },
            plan: { rules: 'Rules = [ IsComplete "user_id" ]' },
          });
          for (const [source, items] of [
            ['events', ev],
            ['transactions', tx],
          ] as const) {
            const c = report.sources[source];
            expect(c.read).toBe(
              count(items as Line<unknown>[], 'valid') + count(items as Line<unknown>[], 'corrupt'),
            );
            expect(c.quarantined).toBe(count(items as Line<unknown>[], 'corrupt'));
            expect(c.read).toBe(c.valid + c.quarantined);
            expect(c.valid).toBe(c.distinct + c.duplicates);
          }
          expect(dedupLatest(result.silver.events, ['event_id'], 'event_timestamp').duplicates).toBe(0);

          const gold = tableToRows(result.gold);
          const keys = gold.map((r) => `${r.session_id}|${r.user_id}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const row of gold) delete row.processing_timestamp;
          const expected = naiveGold(validOf(ev), validOf(tx), us);
          expect(gold.sort(byKey)).toEqual(expected.sort(byKey));
        },
      ),
      { numRuns: 150 },
    );
  });
});
