/**
 * Canonical DQDL text for rules and rule sets: the inverse of `parseRuleset`.
 *
 * @module
 */

import type { InValue, NumberConstraint, Rule, Ruleset, ValueCondition } from './dqdl-rules.js';

/**
 * Gives back the canonical DQDL text of one rule, used as the rule's name in
 * reports. Canonical means: single spaces, lists without spaces after commas
 * (like Glue), keywords in lower case, `NULL` in upper case, numbers as
 * JavaScript prints them. `parseRuleset` of the text gives back an equal rule.
 *
 * @example
 * ```ts
 * formatRule({ kind: 'ColumnValues', column: 'x', condition: { kind: 'compare', op: '>=', value: 0 } });
 * // 'ColumnValues "x" >= 0'
 * formatRule({ kind: 'ColumnValues', column: 'c', condition: { kind: 'in', values: ['a', null], negated: true } });
 * // 'ColumnValues "c" not in ["a",NULL]'
 * ```
 */
export function formatRule(rule: Rule): string {
  switch (rule.kind) {
    case 'IsUnique':
    case 'IsComplete':
      return `${rule.kind} ${quote(rule.column)}`;
    case 'Completeness':
    case 'Uniqueness':
      return `${rule.kind} ${quote(rule.column)} ${formatConstraint(rule.constraint)}`;
    case 'RowCount':
      return `RowCount ${formatConstraint(rule.constraint)}`;
    case 'ColumnValues': {
      const base = `ColumnValues ${quote(rule.column)} ${formatCondition(rule.condition)}`;
      return rule.threshold ? `${base} with threshold ${formatConstraint(rule.threshold)}` : base;
    }
  }
}

/**
 * Gives back a whole rule set as a DQDL document, one rule per line.
 *
 * @example
 * ```ts
 * formatRuleset(parseRuleset('Rules=[IsUnique "id"]'));
 * // 'Rules = [\n  IsUnique "id"\n]'
 * ```
 */
export function formatRuleset(ruleset: Ruleset): string {
  if (ruleset.rules.length === 0) return 'Rules = []';
  return `Rules = [\n${ruleset.rules.map((rule) => `  ${formatRule(rule)}`).join(',\n')}\n]`;
}

/**
 * DQDL text of a numeric constraint: `>= 0`, `between 1 and 5`,
 * `not between 1 and 5`.
 *
 * @example
 * ```ts
 * formatConstraint({ kind: 'compare', op: '>', value: 0.9 }); // '> 0.9'
 * ```
 */
export function formatConstraint(constraint: NumberConstraint): string {
  if (constraint.kind === 'compare') return `${constraint.op} ${formatNumber(constraint.value)}`;
  const keyword = constraint.negated ? 'not between' : 'between';
  return `${keyword} ${formatNumber(constraint.low)} and ${formatNumber(constraint.high)}`;
}

/**
 * DQDL text of a `ColumnValues` condition: `>= 0`, `in ["a","b"]`,
 * `not in [1,2,NULL]`, `between 0 and 10`.
 *
 * @example
 * ```ts
 * formatCondition({ kind: 'in', values: ['a', 'b'], negated: false }); // 'in ["a","b"]'
 * ```
 */
export function formatCondition(condition: ValueCondition): string {
  if (condition.kind !== 'in') return formatConstraint(condition);
  const keyword = condition.negated ? 'not in' : 'in';
  return `${keyword} [${condition.values.map(formatInValue).join(',')}]`;
}

function formatInValue(value: InValue): string {
  if (value === null) return 'NULL';
  return typeof value === 'string' ? quote(value) : formatNumber(value);
}

function formatNumber(value: number): string {
  // `String(-0)` is '0'; keep the sign so that parse → format → parse is exact.
  return Object.is(value, -0) ? '-0' : String(value);
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
