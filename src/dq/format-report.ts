/**
 * Plain-text rendering of a {@link DqReport} for the CLI and logs.
 *
 * @module
 */

import type { DqReport, RuleResult } from './evaluate-rules.js';
import { formatMetric } from './evaluate-rules.js';

/** Rule texts longer than this are shortened in the table (the report keeps them whole). */
const MAX_RULE_WIDTH = 80;

/**
 * Renders a report as an aligned text table (outcome, dataset, rule,
 * metrics), with each failure reason on an indented line under its row and a
 * summary line on top. Plain ASCII, no colours, ends without a newline.
 *
 * @example
 * ```ts
 * console.log(formatReport(evaluateRuleset(ruleset, { events, gold })));
 * // Data quality FAILED: 7 passed, 1 failed, 0 errors
 * // OUTCOME  DATASET  RULE                                          METRICS
 * // Passed   events   IsUnique "event_id"                           Column.event_id.Uniqueness=1
 * // Failed   gold     ColumnValues "session_duration_seconds" >= 0  Column.session_duration_seconds.ColumnValues.Compliance=0.75
 * //          -> Value: 0.75 does not meet the constraint requirement! ...
 * ```
 */
export function formatReport(report: DqReport): string {
  const count = (outcome: RuleResult['outcome']) =>
    report.results.filter((result) => result.outcome === outcome).length;
  const errors = count('Error');
  const summary = `Data quality ${report.passed ? 'PASSED' : 'FAILED'}: ${count('Passed')} passed, ${count(
    'Failed',
  )} failed, ${errors} ${errors === 1 ? 'error' : 'errors'}`;
  if (report.results.length === 0) return `${summary} (no rules)`;

  const header = ['OUTCOME', 'DATASET', 'RULE', 'METRICS'] as const;
  const rows = report.results.map((result) => [
    result.outcome,
    result.dataset,
    shorten(result.rule, MAX_RULE_WIDTH),
    Object.entries(result.evaluatedMetrics)
      .map(([name, value]) => `${name}=${formatMetric(value)}`)
      .join(' '),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const indent = ' '.repeat(widths[0]! + 2);
  const lines = [summary, line(header)];
  report.results.forEach((result, index) => {
    lines.push(line(rows[index]!));
    if (result.failureReason !== undefined) lines.push(`${indent}-> ${result.failureReason}`);
  });
  return lines.join('\n');
}

function shorten(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 3)}...`;
}
