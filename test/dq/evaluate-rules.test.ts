import {
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  Null,
  type RecordBatch,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  Utf8,
  type Vector,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../schemas/index.js';
import {
  DEFAULT_RULESET_TEXT,
  type DqReport,
  evaluateRuleset,
  formatRule,
  parseRuleset,
  type RuleResult,
} from '../../src/dq/index.js';

const utf8 = (values: readonly (string | null)[]): Vector =>
  vectorFromArray(values as (string | null)[], new Utf8());
const dict = (values: readonly (string | null)[]): Vector =>
  vectorFromArray(values as (string | null)[], new Dictionary(new Utf8(), new Int32()));
const int32 = (values: readonly (number | null)[]): Vector =>
  vectorFromArray(values as (number | null)[], new Int32());

/** Decimal128 with the given scale from unscaled integers, nulls included. */
const decimal = (scale: number, unscaled: readonly (bigint | null)[]): Vector => {
  const words = new Uint32Array(unscaled.length * 4);
  const nullBitmap = new Uint8Array(Math.ceil(unscaled.length / 8));
  unscaled.forEach((value, i) => {
    if (value === null) return;
    nullBitmap[i >> 3]! |= 1 << (i & 7);
    let v = BigInt.asUintN(128, value);
    for (let k = 0; k < 4; k++) {
      words[i * 4 + k] = Number(v & 0xffffffffn);
      v >>= 32n;
    }
  });
  return makeVector(
    makeData({ type: new Decimal(scale, 18, 128), length: unscaled.length, data: words, nullBitmap }),
  );
};

const evaluate = (rules: string, datasets: Record<string, Table>): DqReport =>
  evaluateRuleset(parseRuleset(`Rules = [\n${rules}\n]`), datasets);

const only = (rules: string, datasets: Record<string, Table>): RuleResult => {
  const report = evaluate(rules, datasets);
  expect(report.results).toHaveLength(1);
  return report.results[0]!;
};

const table = (columns: Record<string, Vector>): Table => new Table(columns);

describe('default rule set', () => {
  const events = table({
    event_id: utf8(['e1', 'e2', 'e3', 'e4']),
    user_id: utf8(['u1', 'u1', 'u2', 'u3']),
    event_type: dict(['page_view', 'click', 'purchase', 'signup']),
  });
  const gold = (durations: number[]) =>
    table({ user_id: utf8(durations.map((_, i) => `u${i}`)), session_duration_seconds: int32(durations) });

  it('passes on clean events and gold', () => {
    const report = evaluateRuleset(parseRuleset(DEFAULT_RULESET_TEXT), { events, gold: gold([0, 30]) });
    expect(report.passed).toBe(true);
    expect(
      report.results.map((result) => [result.rule.slice(0, 30), result.dataset, result.outcome]),
    ).toEqual([
      ['IsUnique "event_id"', 'events', 'Passed'],
      ['IsComplete "user_id"', 'events', 'Passed'],
      ['IsComplete "user_id"', 'gold', 'Passed'],
      ['ColumnValues "event_type" in [', 'events', 'Passed'],
      ['ColumnValues "session_duration', 'gold', 'Passed'],
    ]);
  });

  it('fails on a negative session_duration_seconds in gold, naming the value', () => {
    const report = evaluateRuleset(parseRuleset(DEFAULT_RULESET_TEXT), { events, gold: gold([12, -5, 7]) });
    expect(report.passed).toBe(false);
    const failed = report.results.filter((result) => result.outcome !== 'Passed');
    expect(failed).toEqual([
      {
        rule: 'ColumnValues "session_duration_seconds" >= 0',
        dataset: 'gold',
        outcome: 'Failed',
        failureReason:
          'Value: 0.6666666667 does not meet the constraint requirement! Every row must satisfy >= 0, but 1 of 3 rows does not, e.g. -5.',
        evaluatedMetrics: { 'Column.session_duration_seconds.ColumnValues.Compliance': 2 / 3 },
      },
    ]);
  });

  it('accepts every SPEC event type', () => {
    const all = table({
      event_id: utf8(EVENT_TYPES.map((_, i) => `e${i}`)),
      user_id: utf8(EVENT_TYPES.map(() => 'u1')),
      event_type: utf8(EVENT_TYPES),
    });
    const report = evaluateRuleset(parseRuleset(DEFAULT_RULESET_TEXT), { events: all, gold: gold([1]) });
    expect(report.results.map((result) => result.outcome)).toEqual([
      'Passed',
      'Passed',
      'Passed',
      'Passed',
      'Passed',
    ]);
    expect(report.results[3]!.evaluatedMetrics).toEqual({ 'Column.event_type.ColumnValues.Compliance': 1 });
  });

  it('gives an Error for the gold rule when no dataset has its column', () => {
    const report = evaluateRuleset(parseRuleset(DEFAULT_RULESET_TEXT), { events });
    expect(report.passed).toBe(false);
    expect(report.results.at(-1)).toEqual({
      rule: 'ColumnValues "session_duration_seconds" >= 0',
      dataset: '*',
      outcome: 'Error',
      failureReason:
        'Column "session_duration_seconds" was not found in any dataset (looked in events); check the name or remove the rule.',
      evaluatedMetrics: {},
    });
  });

  it('reports an unknown event type with examples', () => {
    const bad = table({
      event_id: utf8(['e1', 'e2', 'e3', 'e4', 'e5']),
      user_id: utf8(['u1', 'u1', 'u2', 'u3', 'u4']),
      event_type: dict(['click', 'hover', null, 'hover', 'tap']),
    });
    const result = evaluateRuleset(parseRuleset(DEFAULT_RULESET_TEXT), { events: bad }).results[2]!;
    expect(result.outcome).toBe('Failed');
    expect(result.evaluatedMetrics).toEqual({ 'Column.event_type.ColumnValues.Compliance': 0.2 });
    expect(result.failureReason).toMatch(
      /^Value: 0.2 does not meet the constraint requirement! Every row must satisfy in \["page_view",.*"signup"\], but 4 of 5 rows do not, e.g. "hover", NULL, "tap".$/,
    );
  });
});

describe('rule applicability', () => {
  it('applies a rule to every dataset that has its column, in dataset order', () => {
    const report = evaluate('IsComplete "user_id"', {
      events: table({ user_id: utf8(['a', null]) }),
      transactions: table({ user_id: utf8(['a']) }),
      other: table({ id: int32([1]) }),
      gold: table({ user_id: dict(['a', 'b']) }),
    });
    expect(report.results.map((result) => [result.dataset, result.outcome])).toEqual([
      ['events', 'Failed'],
      ['transactions', 'Passed'],
      ['gold', 'Passed'],
    ]);
    expect(report.results[0]!.failureReason).toBe(
      'Value: 0.5 does not meet the constraint requirement! 1 of 2 rows is NULL.',
    );
    expect(report.passed).toBe(false);
  });

  it('applies RowCount to every dataset', () => {
    const report = evaluate('RowCount > 1', {
      a: table({ x: int32([1, 2, 3]) }),
      b: table({ x: int32([1]) }),
    });
    expect(report.results).toEqual([
      {
        rule: 'RowCount > 1',
        dataset: 'a',
        outcome: 'Passed',
        evaluatedMetrics: { 'Dataset.*.RowCount': 3 },
      },
      {
        rule: 'RowCount > 1',
        dataset: 'b',
        outcome: 'Failed',
        failureReason: 'Value: 1 does not meet the constraint requirement! Expected RowCount > 1.',
        evaluatedMetrics: { 'Dataset.*.RowCount': 1 },
      },
    ]);
  });

  it('reports RowCount with no datasets as an Error', () => {
    const result = only('RowCount > 0', {});
    expect(result.outcome).toBe('Error');
    expect(result.failureReason).toBe('No dataset to evaluate the rule on (no datasets were given).');
  });

  it('passes an empty rule set and keeps the report JSON-serializable', () => {
    expect(evaluateRuleset(parseRuleset('Rules = []'), { a: table({ x: int32([1]) }) })).toEqual({
      passed: true,
      results: [],
    });
    const report = evaluate('IsUnique "x"', { a: table({ x: int32([1, 1]) }) });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('uses the canonical DQDL text as the rule name', () => {
    const result = only('ColumnValues   "x"  BETWEEN 0 AND 10 WITH THRESHOLD >= 0.5', {
      a: table({ x: int32([1]) }),
    });
    expect(result.rule).toBe('ColumnValues "x" between 0 and 10 with threshold >= 0.5');
    expect(result.rule).toBe(formatRule(parseRuleset(`Rules = [${result.rule}]`).rules[0]!));
  });
});

describe('IsUnique and Uniqueness', () => {
  it('passes unique strings and ignores nulls (like Glue/Deequ)', () => {
    const result = only('IsUnique "id"', { t: table({ id: utf8(['a', null, 'b', null, 'c']) }) });
    expect(result.outcome).toBe('Passed');
    expect(result.evaluatedMetrics).toEqual({ 'Column.id.Uniqueness': 1 });
  });

  it('fails on duplicates with the share of unique rows and examples', () => {
    const result = only('IsUnique "id"', { t: table({ id: utf8(['x', 'y', 'x', 'z', 'y', 'x', 'w']) }) });
    expect(result.outcome).toBe('Failed');
    expect(result.evaluatedMetrics).toEqual({ 'Column.id.Uniqueness': 2 / 7 });
    expect(result.failureReason).toBe(
      'Value: 0.2857142857 does not meet the constraint requirement! 2 values occur more than once (5 of 7 non-null rows), e.g. "x", "y".',
    );
  });

  it('finds duplicates across chunks (Table.concat and new Table(batches))', () => {
    const first = table({ id: utf8(['a', 'b']) });
    const second = table({ id: utf8(['c', 'a']) });
    const concatenated = first.concat(second);
    expect(concatenated.getChild('id')!.data).toHaveLength(2);
    const fromBatches = new Table([...first.batches, ...second.batches] as RecordBatch[]);
    for (const t of [concatenated, fromBatches]) {
      const result = only('IsUnique "id"', { t });
      expect(result.evaluatedMetrics).toEqual({ 'Column.id.Uniqueness': 0.5 });
      expect(result.failureReason).toContain('e.g. "a"');
    }
  });

  it('handles dictionary-encoded strings, with different dictionaries per chunk', () => {
    const first = table({ id: dict(['a', 'b', null]) });
    const second = table({ id: dict(['c', 'b']) });
    const t = first.concat(second);
    const [chunkA, chunkB] = t.getChild('id')!.data;
    expect(chunkA!.dictionary).not.toBe(chunkB!.dictionary);
    const result = only('Uniqueness "id" > 0.5', { t });
    expect(result.evaluatedMetrics).toEqual({ 'Column.id.Uniqueness': 0.5 });
    expect(result.outcome).toBe('Failed');
    expect(result.failureReason).toBe(
      'Value: 0.5 does not meet the constraint requirement! Expected Uniqueness > 0.5; 1 value occurs more than once (2 of 4 non-null rows), e.g. "b".',
    );
  });

  it('handles Int32, Int64, Float64 and Decimal columns', () => {
    const t = table({
      i32: int32([1, 2, null, 2]),
      i64: vectorFromArray([1n, -1n, 1n, 3n], new Int64()),
      f64: vectorFromArray([0.5, 1.5, 2.5, 0.5], new Float64()),
      dec: decimal(2, [100n, -100n, null, -100n]),
    });
    const report = evaluate('IsUnique "i32", IsUnique "i64", IsUnique "f64", IsUnique "dec"', { t });
    expect(report.results.map((result) => result.evaluatedMetrics)).toEqual([
      { 'Column.i32.Uniqueness': 1 / 3 },
      { 'Column.i64.Uniqueness': 0.5 },
      { 'Column.f64.Uniqueness': 0.5 },
      { 'Column.dec.Uniqueness': 1 / 3 },
    ]);
    expect(report.results.map((result) => result.failureReason?.split('e.g. ')[1])).toEqual([
      '2.',
      '1.',
      '0.5.',
      '-1.00.',
    ]);
  });

  it('counts exactly on high-cardinality columns (partitioned path) across chunks', () => {
    const n = 150_000;
    const ints = Int32Array.from({ length: n }, (_, i) => i);
    ints[n - 1] = 4242;
    ints[n - 2] = 4242;
    const strings = Array.from({ length: n }, (_, i) => `id-${i % (n - 3)}`);
    const whole = table({ i: makeVector(ints), s: utf8(strings) });
    const t = whole.slice(0, 70_000).concat(whole.slice(70_000));
    expect(t.getChild('s')!.data.length).toBeGreaterThan(1);
    const report = evaluate('Uniqueness "i" >= 0, Uniqueness "s" >= 0', { t });
    // i: 4242 three times; s: ids 0, 1 and 2 twice each.
    expect(report.results[0]!.evaluatedMetrics).toEqual({ 'Column.i.Uniqueness': (n - 3) / n });
    expect(report.results[1]!.evaluatedMetrics).toEqual({ 'Column.s.Uniqueness': (n - 6) / n });
    const failing = evaluate('IsUnique "s"', { t }).results[0]!;
    expect(failing.failureReason).toContain('3 values occur more than once (6 of 150000 non-null rows)');
  });

  it('scores an all-null or empty column as unique and reports unsupported types as Error', () => {
    const nulls = makeVector(makeData({ type: new Null(), length: 3 }));
    expect(only('IsUnique "n"', { t: table({ n: nulls }) }).evaluatedMetrics).toEqual({
      'Column.n.Uniqueness': 1,
    });
    expect(only('IsUnique "x"', { t: table({ x: utf8([]) }) }).outcome).toBe('Passed');
    const lists = vectorFromArray([[1], [2]], new List(new Field('item', new Int32())));
    const result = only('IsUnique "l"', { t: table({ l: lists }) });
    expect(result.outcome).toBe('Error');
    expect(result.failureReason).toBe('IsUnique/Uniqueness does not support columns of type List<Int32>');
  });
});

describe('IsComplete and Completeness', () => {
  it('measures the share of non-null rows, on sliced chunks too', () => {
    const t = table({ x: utf8([null, 'a', 'b', null, 'c']) });
    expect(only('Completeness "x" >= 0.6', { t }).evaluatedMetrics).toEqual({ 'Column.x.Completeness': 0.6 });
    expect(only('IsComplete "x"', { t: t.slice(1, 3) }).outcome).toBe('Passed');
    const tail = only('Completeness "x" > 0.7', { t: t.slice(2) });
    expect(tail.evaluatedMetrics).toEqual({ 'Column.x.Completeness': 2 / 3 });
    expect(tail.failureReason).toBe(
      'Value: 0.6666666667 does not meet the constraint requirement! Expected Completeness > 0.7; 1 of 3 rows is NULL.',
    );
  });

  it('treats a Null-typed column as all null and an empty table as complete', () => {
    const nulls = makeVector(makeData({ type: new Null(), length: 2 }));
    expect(only('IsComplete "n"', { t: table({ n: nulls }) }).evaluatedMetrics).toEqual({
      'Column.n.Completeness': 0,
    });
    expect(only('IsComplete "x"', { t: table({ x: int32([]) }) }).outcome).toBe('Passed');
  });
});

describe('ColumnValues on strings', () => {
  const values = ['a', 'b', null, 'c', 'é', 'b'];
  for (const [name, make] of [
    ['Utf8', utf8],
    ['Dictionary<Int32, Utf8>', dict],
  ] as const) {
    describe(name, () => {
      const t = table({ s: make(values) });
      const compliance = (condition: string) =>
        only(`ColumnValues "s" ${condition}`, { t }).evaluatedMetrics['Column.s.ColumnValues.Compliance'];

      it('fails nulls for in, passes them for not in (Glue null semantics)', () => {
        expect(compliance('in ["a","b"]')).toBe(3 / 6);
        expect(compliance('not in ["a","b"]')).toBe(3 / 6);
        expect(compliance('in ["a","b",NULL]')).toBe(4 / 6);
        expect(compliance('not in ["a","b",NULL]')).toBe(2 / 6);
      });

      it('compares UTF-8 bytes exactly', () => {
        expect(compliance('in ["é"]')).toBe(1 / 6);
        expect(compliance('in ["e", "A", "bb", ""]')).toBe(0);
      });

      it('reports up to three distinct failing values', () => {
        const result = only('ColumnValues "s" in ["a"]', { t });
        expect(result.failureReason).toBe(
          'Value: 0.1666666667 does not meet the constraint requirement! Every row must satisfy in ["a"], but 5 of 6 rows do not, e.g. "b", NULL, "c".',
        );
      });

      it('applies a threshold to the share of matching rows', () => {
        expect(only('ColumnValues "s" in ["a","b","c"] with threshold >= 0.66', { t }).outcome).toBe(
          'Passed',
        );
        const failed = only('ColumnValues "s" in ["a","b","c"] with threshold > 0.9', { t });
        expect(failed.outcome).toBe('Failed');
        expect(failed.failureReason).toBe(
          'Value: 0.6666666667 does not meet the constraint requirement! The share of rows satisfying in ["a","b","c"] must be > 0.9, but 2 of 6 rows do not, e.g. NULL, "é".',
        );
      });

      it('refuses numeric comparisons on text', () => {
        const result = only('ColumnValues "s" > 1', { t });
        expect(result.outcome).toBe('Error');
        expect(result.failureReason).toMatch(
          /^a numeric comparison needs a numeric column, but the column is /,
        );
      });
    });
  }

  it('matches numbers in a list against their text', () => {
    const t = table({ s: utf8(['1', '2', '2.5']) });
    expect(only('ColumnValues "s" in [1, 2.5]', { t }).evaluatedMetrics).toEqual({
      'Column.s.ColumnValues.Compliance': 2 / 3,
    });
  });
});

describe('ColumnValues on numbers', () => {
  const t = table({ x: int32([-5, 0, 1, null, 10]) });
  const compliance = (condition: string, data: Table = t) =>
    Object.values(only(`ColumnValues "x" ${condition}`, { t: data }).evaluatedMetrics)[0];

  it.each([
    ['>= 0', 3 / 5],
    ['> 0', 2 / 5],
    ['< 1', 2 / 5],
    ['<= 1', 3 / 5],
    ['= 0', 1 / 5],
    ['!= 0', 4 / 5], // the null row passes != (Glue)
    ['between -5 and 10', 2 / 5], // exclusive bounds
    ['not between -5 and 10', 3 / 5],
    ['in [0, 10, NULL]', 3 / 5],
    ['not in [0, 10]', 3 / 5],
    ['in ["10", "x"]', 1 / 5],
  ])('x %s', (condition, expected) => {
    expect(compliance(condition)).toBe(expected);
  });

  it('reads sliced and multi-chunk Int32 columns with nulls', () => {
    const twice = t.concat(t).slice(3, 9); // null, 10, -5, 0, 1, null
    expect(compliance('>= 0', twice)).toBe(3 / 6);
    const result = only('ColumnValues "x" >= 0', { t: twice });
    expect(result.failureReason).toContain('e.g. NULL, -5.');
  });

  it('compares decimals exactly with their scale', () => {
    const d = table({ x: decimal(2, [10n, 9n, -1n, null, 12345678901234567n]) }); // 0.10 0.09 -0.01 NULL 123456789012345.67
    expect(compliance('>= 0.1', d)).toBe(2 / 5);
    expect(compliance('< 0', d)).toBe(1 / 5);
    expect(compliance('= 0.09', d)).toBe(1 / 5);
    expect(compliance('in [0.1, -0.01]', d)).toBe(2 / 5);
    const result = only('ColumnValues "x" > 0', { t: d });
    expect(result.failureReason).toContain('e.g. -0.01, NULL.');
  });

  it('reads Int64, timestamps, Date32 days, Float64 and Bool', () => {
    const big = table({ x: vectorFromArray([-(2n ** 40n), 0n, 2n ** 40n], new Int64()) });
    expect(compliance(`> ${2 ** 39}`, big)).toBe(1 / 3);
    expect(compliance(`< ${-(2 ** 39)}`, big)).toBe(1 / 3);
    const ts = table({ x: vectorFromArray([new Date(0), new Date(5000)], new TimestampMillisecond()) });
    expect(compliance('>= 5000', ts)).toBe(1 / 2);
    const days = table({ x: vectorFromArray([new Date(0), new Date(86_400_000 * 3)], new DateDay()) });
    expect(compliance('= 3', days)).toBe(1 / 2);
    const floats = table({ x: vectorFromArray([0.5, Number.NaN, -0.25], new Float64()) });
    expect(compliance('>= -0.25', floats)).toBe(2 / 3);
    const flags = table({ x: vectorFromArray([true, false, null, true], new Bool()) });
    expect(compliance('= 1', flags)).toBe(2 / 4);
  });

  it('reports failing values of tableFromArrays columns', () => {
    const data = tableFromArrays({ x: Float64Array.from([1, -2, 3, -4, -2]) });
    const result = only('ColumnValues "x" >= 0 with threshold >= 0.5', { t: data });
    expect(result.outcome).toBe('Failed');
    expect(result.failureReason).toBe(
      'Value: 0.4 does not meet the constraint requirement! The share of rows satisfying >= 0 must be >= 0.5, but 3 of 5 rows do not, e.g. -2, -4.',
    );
  });

  it('passes an empty column and a threshold below the share', () => {
    expect(compliance('> 0', table({ x: int32([]) }))).toBe(1);
    expect(only('ColumnValues "x" > 0 with threshold between 0.3 and 0.5', { t }).outcome).toBe('Passed');
  });
});
