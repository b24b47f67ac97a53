import { Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { type DqReport, evaluateRuleset, formatReport, parseRuleset } from '../../src/dq/index.js';

describe('formatReport', () => {
  it('renders an aligned table with failure reasons under their rows', () => {
    const events = new Table({ event_id: vectorFromArray(['e1', 'e2', 'e2'], new Utf8()) });
    const gold = new Table({ session_duration_seconds: vectorFromArray([3, -1], new Int32()) });
    const report = evaluateRuleset(
      parseRuleset(
        'Rules = [ IsUnique "event_id", ColumnValues "session_duration_seconds" >= 0, RowCount > 0, IsComplete "nope" ]',
      ),
      { events, gold },
    );
    expect(formatReport(report)).toBe(
      [
        'Data quality FAILED: 2 passed, 2 failed, 1 error',
        'OUTCOME  DATASET  RULE                                          METRICS',
        'Failed   events   IsUnique "event_id"                           Column.event_id.Uniqueness=0.3333333333',
        '         -> Value: 0.3333333333 does not meet the constraint requirement! 1 value occurs more than once (2 of 3 non-null rows), e.g. "e2".',
        'Failed   gold     ColumnValues "session_duration_seconds" >= 0  Column.session_duration_seconds.ColumnValues.Compliance=0.5',
        '         -> Value: 0.5 does not meet the constraint requirement! Every row must satisfy >= 0, but 1 of 2 rows does not, e.g. -1.',
        'Passed   events   RowCount > 0                                  Dataset.*.RowCount=3',
        'Passed   gold     RowCount > 0                                  Dataset.*.RowCount=2',
        'Error    *        IsComplete "nope"',
        '         -> Column "nope" was not found in any dataset (looked in events, gold); check the name or remove the rule.',
      ].join('\n'),
    );
  });

  it('shortens long rule texts in the table only', () => {
    const rule = `ColumnValues "c" in [${Array.from({ length: 30 }, (_, i) => `"v${i}"`).join(',')}]`;
    const report: DqReport = {
      passed: true,
      results: [{ rule, dataset: 'd', outcome: 'Passed', evaluatedMetrics: {} }],
    };
    const row = formatReport(report).split('\n')[2]!;
    expect(row).toBe(`Passed   d        ${rule.slice(0, 77)}...`);
    expect(report.results[0]!.rule).toBe(rule);
  });

  it('summarises an empty report', () => {
    expect(formatReport({ passed: true, results: [] })).toBe(
      'Data quality PASSED: 0 passed, 0 failed, 0 errors (no rules)',
    );
  });
});
