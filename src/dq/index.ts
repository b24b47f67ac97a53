/**
 * Data-quality rules in the style of AWS Glue Data Quality (DQDL): parse a
 * rule set, evaluate it on Arrow tables straight from their buffers, and
 * report each rule's outcome, failure reason and metrics.
 *
 * @example
 * ```ts
 * import { DEFAULT_RULESET_TEXT, evaluateRuleset, formatReport, parseRuleset } from 'goldsmith';
 *
 * const report = evaluateRuleset(parseRuleset(DEFAULT_RULESET_TEXT), { events, gold });
 * if (!report.passed) throw new Error(formatReport(report));
 * ```
 *
 * @module
 */

export { formatCondition, formatConstraint, formatRule, formatRuleset } from './dqdl-format.js';
export { DEFAULT_RULESET_TEXT, DqdlSyntaxError, parseRuleset } from './dqdl-parser.js';
export {
  COMPARISON_OPERATORS,
  type ColumnValuesRule,
  type ComparisonOperator,
  type CompletenessRule,
  type InValue,
  type IsCompleteRule,
  type IsUniqueRule,
  type NumberConstraint,
  type RowCountRule,
  type Rule,
  type RuleKind,
  type Ruleset,
  type UniquenessRule,
  type ValueCondition,
} from './dqdl-rules.js';
export {
  type DqReport,
  evaluateRuleset,
  meetsConstraint,
  RULE_OUTCOMES,
  type RuleOutcome,
  type RuleResult,
} from './evaluate-rules.js';
export { formatReport } from './format-report.js';
