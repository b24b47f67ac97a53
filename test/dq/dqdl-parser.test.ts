import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPARISON_OPERATORS,
  DEFAULT_RULESET_TEXT,
  DqdlSyntaxError,
  formatRule,
  formatRuleset,
  type NumberConstraint,
  parseRuleset,
  type Rule,
  type ValueCondition,
} from '../../src/dq/index.js';

const one = (rule: string): Rule => {
  const ruleset = parseRuleset(`Rules = [ ${rule} ]`);
  expect(ruleset.rules).toHaveLength(1);
  return ruleset.rules[0]!;
};

const syntaxError = (text: string): DqdlSyntaxError => {
  try {
    parseRuleset(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DqdlSyntaxError);
    return error as DqdlSyntaxError;
  }
  throw new Error(`expected a syntax error for: ${text}`);
};

describe('parseRuleset: rule types', () => {
  it('parses IsUnique and IsComplete', () => {
    expect(one('IsUnique "event_id"')).toEqual({ kind: 'IsUnique', column: 'event_id' });
    expect(one('IsComplete "user_id"')).toEqual({ kind: 'IsComplete', column: 'user_id' });
  });

  it('parses ColumnValues in a list of strings, with NULL', () => {
    expect(one('ColumnValues "country" in [ "US", "CA" , NULL ]')).toEqual({
      kind: 'ColumnValues',
      column: 'country',
      condition: { kind: 'in', values: ['US', 'CA', null], negated: false },
    });
  });

  it('parses not in and numeric lists', () => {
    expect(one('ColumnValues "age" not in [21, 22, -3.5]')).toEqual({
      kind: 'ColumnValues',
      column: 'age',
      condition: { kind: 'in', values: [21, 22, -3.5], negated: true },
    });
  });

  it.each(COMPARISON_OPERATORS)('parses ColumnValues with %s', (op) => {
    expect(one(`ColumnValues "x" ${op} -2.5`)).toEqual({
      kind: 'ColumnValues',
      column: 'x',
      condition: { kind: 'compare', op, value: -2.5 },
    });
  });

  it('parses between and not between (exclusive bounds)', () => {
    expect(one('ColumnValues "x" between 1 and 2000')).toEqual({
      kind: 'ColumnValues',
      column: 'x',
      condition: { kind: 'between', low: 1, high: 2000, negated: false },
    });
    expect(one('ColumnValues "x" not between 0 and 1')).toMatchObject({
      condition: { kind: 'between', low: 0, high: 1, negated: true },
    });
  });

  it.each(['>', '>=', '<', '<=', '='] as const)('parses with threshold %s', (op) => {
    expect(one(`ColumnValues "x" >= 0 with threshold ${op} 0.9`)).toEqual({
      kind: 'ColumnValues',
      column: 'x',
      condition: { kind: 'compare', op: '>=', value: 0 },
      threshold: { kind: 'compare', op, value: 0.9 },
    });
  });

  it('parses metric rules: Completeness, Uniqueness, RowCount', () => {
    expect(one('Completeness "email" > 0.95')).toEqual({
      kind: 'Completeness',
      column: 'email',
      constraint: { kind: 'compare', op: '>', value: 0.95 },
    });
    expect(one('Uniqueness "id" >= 0.99')).toEqual({
      kind: 'Uniqueness',
      column: 'id',
      constraint: { kind: 'compare', op: '>=', value: 0.99 },
    });
    expect(one('RowCount between 10 and 1e6')).toEqual({
      kind: 'RowCount',
      constraint: { kind: 'between', low: 10, high: 1_000_000, negated: false },
    });
  });

  it('accepts keywords in any case, comments, escapes and any whitespace', () => {
    const ruleset = parseRuleset(
      '# leading comment\r\nRules=[# after bracket\n\tColumnValues "a\\"b\\\\c" NOT IN ["x"] WITH THRESHOLD BETWEEN 0.1 AND 0.9 # trailing\n,IsUnique"id"]\n# end',
    );
    expect(ruleset.rules).toEqual([
      {
        kind: 'ColumnValues',
        column: 'a"b\\c',
        condition: { kind: 'in', values: ['x'], negated: true },
        threshold: { kind: 'between', low: 0.1, high: 0.9, negated: false },
      },
      { kind: 'IsUnique', column: 'id' },
    ]);
  });

  it('parses an empty rule list', () => {
    expect(parseRuleset('Rules = [ ]')).toEqual({ kind: 'ruleset', rules: [] });
  });

  it('returns frozen, JSON-serializable data', () => {
    const ruleset = parseRuleset(DEFAULT_RULESET_TEXT);
    expect(Object.isFrozen(ruleset)).toBe(true);
    expect(Object.isFrozen(ruleset.rules[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(ruleset))).toEqual(ruleset);
    expect(structuredClone(ruleset)).toEqual(ruleset);
  });
});

describe('DEFAULT_RULESET_TEXT', () => {
  it('holds exactly the four SPEC §4 defaults', () => {
    const { rules } = parseRuleset(DEFAULT_RULESET_TEXT);
    expect(rules.map(formatRule)).toEqual([
      'IsUnique "event_id"',
      'IsComplete "user_id"',
      'ColumnValues "event_type" in ["page_view","click","scroll","search","add_to_cart","remove_from_cart","checkout","purchase","login","logout","signup"]',
      'ColumnValues "session_duration_seconds" >= 0',
    ]);
  });

  it('is already in canonical form', () => {
    expect(formatRuleset(parseRuleset(DEFAULT_RULESET_TEXT))).toBe(DEFAULT_RULESET_TEXT);
  });
});

describe('formatRule round trips', () => {
  const samples = [
    'IsUnique "event_id"',
    'IsComplete "user_id"',
    'Completeness "c" > 0.95',
    'Uniqueness "c" between 0.5 and 1',
    'RowCount not between 0 and 10',
    'RowCount != 0',
    'ColumnValues "c" in ["a","b",NULL]',
    'ColumnValues "c" not in [1,2,3]',
    'ColumnValues "c" <= -0.5 with threshold >= 0.99',
    'ColumnValues "we\\"ird \\\\ name" = 0',
  ];

  it.each(samples)('formats %s canonically and parses it back', (text) => {
    const rule = one(text);
    expect(formatRule(rule)).toBe(text);
    expect(one(formatRule(rule))).toEqual(rule);
  });

  it('normalises spacing and keyword case', () => {
    expect(formatRule(one('ColumnValues   "c"   IN [ "a" ,  "b" ]  WITH threshold>0.5'))).toBe(
      'ColumnValues "c" in ["a","b"] with threshold > 0.5',
    );
  });

  const column = fc.string({ maxLength: 12 });
  const number = fc.oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  );
  const constraint: fc.Arbitrary<NumberConstraint> = fc.oneof(
    fc.record({
      kind: fc.constant('compare' as const),
      op: fc.constantFrom(...COMPARISON_OPERATORS),
      value: number,
    }),
    fc
      .tuple(number, number, fc.boolean())
      .filter(([a, b]) => a !== b)
      .map(([a, b, negated]) => ({
        kind: 'between' as const,
        low: Math.min(a, b),
        high: Math.max(a, b),
        negated,
      })),
  );
  const condition: fc.Arbitrary<ValueCondition> = fc.oneof(
    constraint,
    fc.record({
      kind: fc.constant('in' as const),
      values: fc.oneof(
        fc.array(fc.option(fc.string({ maxLength: 6 }), { nil: null }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.option(number, { nil: null }), { minLength: 1, maxLength: 4 }),
      ),
      negated: fc.boolean(),
    }),
  );
  const rule: fc.Arbitrary<Rule> = fc.oneof(
    fc.record({ kind: fc.constantFrom('IsUnique' as const, 'IsComplete' as const), column }),
    fc.record({ kind: fc.constantFrom('Completeness' as const, 'Uniqueness' as const), column, constraint }),
    fc.record({ kind: fc.constant('RowCount' as const), constraint }),
    fc.record({ kind: fc.constant('ColumnValues' as const), column, condition }),
    fc.record({ kind: fc.constant('ColumnValues' as const), column, condition, threshold: constraint }),
  );

  it('parse(format(rules)) equals the rules, for any rules (property)', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 5 }), (rules) => {
        const ruleset = { kind: 'ruleset' as const, rules };
        expect(parseRuleset(formatRuleset(ruleset))).toEqual(ruleset);
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseRuleset: syntax errors', () => {
  it('reports line and column of the offending token and what was expected', () => {
    const error = syntaxError('Rules = [\n  IsUnique "a",\n  ColumnValues "x" => 5\n]');
    expect(error.line).toBe(3);
    expect(error.column).toBe(21);
    expect(error.expected).toEqual(['a number after "="']);
    expect(error.found).toBe("'>'");
    expect(error.message).toContain('line 3, column 21');
    expect(error.message).toContain('did you mean ">="?');
    expect(error.message).toContain('3 |   ColumnValues "x" => 5\n  |                     ^');
  });

  it('suggests the right case for a rule type', () => {
    const error = syntaxError('Rules = [ isUnique "a" ]');
    expect([error.line, error.column]).toEqual([1, 11]);
    expect(error.message).toContain('did you mean "IsUnique"?');
  });

  it('names unsupported rule types', () => {
    const error = syntaxError('Rules = [\n  CustomSql "select 1"\n]');
    expect([error.line, error.column]).toEqual([2, 3]);
    expect(error.message).toMatch(/expected a rule type \(IsUnique, .*ColumnValues\) but found 'CustomSql'/);
  });

  it('requires quoted column names', () => {
    const error = syntaxError('Rules = [ IsComplete user_id ]');
    expect(error.column).toBe(22);
    expect(error.message).toContain('column names are quoted in DQDL: write "user_id"');
  });

  it('requires a separator between rules', () => {
    const error = syntaxError('Rules = [ IsUnique "a"\n IsComplete "b" ]');
    expect([error.line, error.column]).toEqual([2, 2]);
    expect(error.expected).toEqual(['"," between rules', '"]" to close the rule list']);
  });

  it('rejects a trailing comma, an unclosed list and trailing text', () => {
    expect(syntaxError('Rules = [ IsUnique "a", ]').expected).toEqual([
      'a rule type (IsUnique, IsComplete, Completeness, Uniqueness, RowCount, ColumnValues)',
    ]);
    const unclosed = syntaxError('Rules = [ IsUnique "a"');
    expect(unclosed.found).toBe('end of input');
    expect(syntaxError('Rules = [ ] extra').expected).toEqual(['end of input after "]"']);
  });

  it('rejects an unterminated string at its opening quote', () => {
    const error = syntaxError('Rules = [\n  IsUnique "abc\n]');
    expect([error.line, error.column]).toEqual([2, 12]);
    expect(error.message).toContain('unterminated string');
  });

  it('rejects mixed lists, empty lists and text after a comparison', () => {
    expect(syntaxError('Rules = [ ColumnValues "x" in ["a", 1] ]').message).toContain(
      'a list cannot mix strings and numbers',
    );
    expect(syntaxError('Rules = [ ColumnValues "x" in [] ]').expected).toEqual([
      'a quoted string',
      'a number',
      'NULL',
    ]);
    expect(syntaxError('Rules = [ ColumnValues "x" = "a" ]').message).toContain('use in ["a"]');
  });

  it('rejects a between whose bounds are not increasing', () => {
    const error = syntaxError('Rules = [ RowCount between 5 and 1 ]');
    expect(error.column).toBe(34);
    expect(error.message).toContain('upper bound of "between" must be greater');
  });

  it('rejects a threshold on rules other than ColumnValues', () => {
    const error = syntaxError('Rules = [ IsUnique "a" with threshold > 0.5 ]');
    expect(error.column).toBe(24);
    expect(error.found).toBe("'with'");
  });

  it('rejects unexpected characters and a document without Rules', () => {
    expect(syntaxError('Rules = [ IsUnique "a" ; ]').found).toBe("';'");
    const error = syntaxError('rules = []');
    expect(error.expected).toEqual(['"Rules" (the document must start with Rules = [ ... ])']);
  });
});
