import { makeVector, Table, Utf8, vectorFromArray } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupRows, lookupRows } from '../../src/kernels/key-columns.js';

type Row = { lead: string | null; rest: string | null; n: number };

function tableOf(rows: readonly Row[]): Table {
  return new Table({
    lead: vectorFromArray(
      rows.map((r) => r.lead),
      new Utf8(),
    ),
    rest: vectorFromArray(
      rows.map((r) => r.rest),
      new Utf8(),
    ),
    n: makeVector(Float64Array.from(rows.map((r) => r.n))),
  });
}

/** First-seen group ids by a plain Map over the key's values (`Object.is` for numbers: -0 ≠ 0). */
function naiveGroups(rows: readonly Row[], key: readonly (keyof Row)[]) {
  const ids = new Map<string, number>();
  const name = (r: Row) =>
    JSON.stringify(key.map((k) => (k === 'n' ? (Object.is(r.n, -0) ? '-0' : String(r.n)) : r[k])));
  const groups = rows.map((r) => {
    const k = name(r);
    if (!ids.has(k)) ids.set(k, ids.size);
    return ids.get(k)!;
  });
  return { groups, find: (r: Row) => ids.get(name(r)) ?? -1 };
}

const row = fc.record({
  // Few distinct values, so leads repeat and a lead is often shared by different rests.
  lead: fc.constantFrom('S1', 'S2', 'S3', 'S10', ''),
  rest: fc.option(fc.constantFrom('U1', 'U2', 'U10', ''), { nil: null }),
  n: fc.constantFrom(0, -0, 1, 2.5, Number.NaN),
});

/** Probes may have a null lead (grouped rows cannot: that path is for non-null leads). */
const probe = fc.record({
  lead: fc.option(fc.constantFrom('S1', 'S2', 'S3', 'S10', ''), { nil: null }),
  rest: fc.option(fc.constantFrom('U1', 'U2', 'U10', ''), { nil: null }),
  n: fc.constantFrom(0, -0, 1, 2.5, Number.NaN),
});

describe('groupRows / lookupRows on composite keys (the lead-column path)', () => {
  for (const key of [
    ['lead', 'rest'],
    ['lead', 'n'],
    ['lead', 'rest', 'n'],
  ] as const) {
    it(`(${key.join(', ')}): the same first-seen ids as a plain map, and lookups agree (property)`, () => {
      fc.assert(
        fc.property(fc.array(row, { maxLength: 80 }), fc.array(probe, { maxLength: 40 }), (rows, probes) => {
          const naive = naiveGroups(rows, key);
          const grouped = groupRows(tableOf(rows), key);
          expect([...grouped.groups]).toEqual(naive.groups);
          expect(grouped.count).toBe(new Set(naive.groups).size);
          const found = lookupRows(tableOf(probes), key, grouped);
          expect([...found]).toEqual(probes.map((p) => naive.find(p)));
        }),
      );
    });
  }

  it('a lead shared by two rests makes two groups, in first-seen order, and both are found', () => {
    const rows: Row[] = [
      { lead: 'S1', rest: 'U1', n: 0 },
      { lead: 'S1', rest: 'U2', n: 0 },
      { lead: 'S2', rest: 'U1', n: 0 },
      { lead: 'S1', rest: 'U1', n: 0 },
      { lead: 'S1', rest: 'U2', n: 0 },
    ];
    const grouped = groupRows(tableOf(rows), ['lead', 'rest']);
    expect([...grouped.groups]).toEqual([0, 1, 2, 0, 1]);
    const probes: Row[] = [
      { lead: 'S1', rest: 'U2', n: 0 },
      { lead: 'S1', rest: 'U3', n: 0 },
      { lead: null, rest: 'U1', n: 0 },
    ];
    expect([...lookupRows(tableOf(probes), ['lead', 'rest'], grouped)]).toEqual([1, -1, -1]);
  });
});
