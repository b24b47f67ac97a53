/**
 * The data model of a DQDL rule set: plain, frozen, JSON-serializable nodes
 * discriminated by `kind`, so a {@link Ruleset} can be cloned to a worker
 * thread or shipped to a Lambda and evaluated there unchanged.
 *
 * The shapes mirror AWS Glue Data Quality's DQDL (see
 * https://docs.aws.amazon.com/glue/latest/dg/dqdl.html); `kind` is the DQDL
 * rule type name, so `parseRuleset` and `formatRule` are each other's inverse.
 *
 * @module
 */

/**
 * Comparison operators accepted after a rule's column (or after `RowCount` and
 * `with threshold`).
 *
 * @example
 * ```ts
 * COMPARISON_OPERATORS.includes('>='); // true
 * ```
 */
export const COMPARISON_OPERATORS = ['>', '>=', '<', '<=', '=', '!='] as const;

/**
 * One of {@link COMPARISON_OPERATORS}.
 *
 * @example
 * ```ts
 * const op: ComparisonOperator = '>=';
 * ```
 */
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/**
 * A numeric constraint, as used for metric rules (`Completeness "c" > 0.95`,
 * `RowCount between 1 and 10`), for `with threshold ...` and for
 * `ColumnValues "c" >= 0`.
 *
 * `between` is **exclusive** at both ends, like Glue DQDL
 * (`between 1 and 5` accepts 2, 3, 4 but not 1 or 5). Write `> 1` with a second
 * rule `<= 5` if you need inclusive bounds.
 *
 * @example
 * ```ts
 * const atLeastZero: NumberConstraint = { kind: 'compare', op: '>=', value: 0 };
 * const open: NumberConstraint = { kind: 'between', low: 0, high: 1, negated: false };
 * ```
 */
export type NumberConstraint =
  | { readonly kind: 'compare'; readonly op: ComparisonOperator; readonly value: number }
  | { readonly kind: 'between'; readonly low: number; readonly high: number; readonly negated: boolean };

/**
 * A literal inside an `in [...]` list: a string, a number, or `null` for DQDL's
 * `NULL` keyword (which makes null rows pass `in` and fail `not in`). A list
 * never mixes strings and numbers.
 *
 * @example
 * ```ts
 * const values: readonly InValue[] = ['US', 'CA', null];
 * ```
 */
export type InValue = string | number | null;

/**
 * The condition of a `ColumnValues` rule, checked row by row.
 *
 * Null rows follow Glue: they fail every condition except the negated ones
 * (`!=`, `not in`, `not between`), which they pass; listing `NULL` inside an
 * `in`/`not in` list flips that.
 *
 * @example
 * ```ts
 * const allowed: ValueCondition = { kind: 'in', values: ['a', 'b'], negated: false };
 * const nonNegative: ValueCondition = { kind: 'compare', op: '>=', value: 0 };
 * ```
 */
export type ValueCondition =
  | NumberConstraint
  | { readonly kind: 'in'; readonly values: readonly InValue[]; readonly negated: boolean };

/**
 * `IsUnique "col"`: every non-null value of the column occurs exactly once.
 *
 * @example
 * ```ts
 * const rule: IsUniqueRule = { kind: 'IsUnique', column: 'event_id' };
 * ```
 */
export interface IsUniqueRule {
  readonly kind: 'IsUnique';
  readonly column: string;
}

/**
 * `IsComplete "col"`: the column has no null values.
 *
 * @example
 * ```ts
 * const rule: IsCompleteRule = { kind: 'IsComplete', column: 'user_id' };
 * ```
 */
export interface IsCompleteRule {
  readonly kind: 'IsComplete';
  readonly column: string;
}

/**
 * `Completeness "col" > 0.95`: the share of non-null rows meets the constraint.
 *
 * @example
 * ```ts
 * const rule: CompletenessRule = {
 *   kind: 'Completeness',
 *   column: 'email',
 *   constraint: { kind: 'compare', op: '>', value: 0.95 },
 * };
 * ```
 */
export interface CompletenessRule {
  readonly kind: 'Completeness';
  readonly column: string;
  readonly constraint: NumberConstraint;
}

/**
 * `Uniqueness "col" >= 0.99`: the share of non-null rows whose value occurs
 * exactly once meets the constraint.
 *
 * @example
 * ```ts
 * const rule: UniquenessRule = {
 *   kind: 'Uniqueness',
 *   column: 'session_id',
 *   constraint: { kind: 'compare', op: '>=', value: 0.99 },
 * };
 * ```
 */
export interface UniquenessRule {
  readonly kind: 'Uniqueness';
  readonly column: string;
  readonly constraint: NumberConstraint;
}

/**
 * `RowCount > 0`: the number of rows meets the constraint. Applies to every
 * dataset.
 *
 * @example
 * ```ts
 * const rule: RowCountRule = { kind: 'RowCount', constraint: { kind: 'compare', op: '>', value: 0 } };
 * ```
 */
export interface RowCountRule {
  readonly kind: 'RowCount';
  readonly constraint: NumberConstraint;
}

/**
 * `ColumnValues "col" <condition> [with threshold <constraint>]`: without a
 * threshold every row must satisfy the condition; with one, the share of rows
 * that do (nulls included in the denominator) must satisfy the threshold.
 *
 * @example
 * ```ts
 * const rule: ColumnValuesRule = {
 *   kind: 'ColumnValues',
 *   column: 'session_duration_seconds',
 *   condition: { kind: 'compare', op: '>=', value: 0 },
 *   threshold: { kind: 'compare', op: '>', value: 0.9 },
 * };
 * ```
 */
export interface ColumnValuesRule {
  readonly kind: 'ColumnValues';
  readonly column: string;
  readonly condition: ValueCondition;
  readonly threshold?: NumberConstraint;
}

/**
 * Any supported DQDL rule, discriminated by `kind` (the DQDL rule type name).
 *
 * @example
 * ```ts
 * const rules: readonly Rule[] = [
 *   { kind: 'IsUnique', column: 'event_id' },
 *   { kind: 'RowCount', constraint: { kind: 'compare', op: '>', value: 0 } },
 * ];
 * ```
 */
export type Rule =
  | IsUniqueRule
  | IsCompleteRule
  | CompletenessRule
  | UniquenessRule
  | RowCountRule
  | ColumnValuesRule;

/**
 * The `kind` of a {@link Rule}.
 *
 * @example
 * ```ts
 * const kind: RuleKind = 'ColumnValues';
 * ```
 */
export type RuleKind = Rule['kind'];

/**
 * A parsed `Rules = [ ... ]` document. Plain data: `structuredClone` and
 * `JSON.parse(JSON.stringify(ruleset))` both give an equivalent rule set.
 *
 * @example
 * ```ts
 * const ruleset: Ruleset = { kind: 'ruleset', rules: [{ kind: 'IsComplete', column: 'user_id' }] };
 * ```
 */
export interface Ruleset {
  readonly kind: 'ruleset';
  readonly rules: readonly Rule[];
}
