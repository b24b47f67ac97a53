/**
 * A small recursive-descent parser for the subset of AWS Glue Data Quality's
 * DQDL that goldsmith evaluates. Grammar:
 *
 * ```text
 * ruleset    := 'Rules' '=' '[' ( rule ( ',' rule )* )? ']'
 * rule       := 'IsUnique' COLUMN
 *             | 'IsComplete' COLUMN
 *             | 'Completeness' COLUMN constraint
 *             | 'Uniqueness' COLUMN constraint
 *             | 'RowCount' constraint
 *             | 'ColumnValues' COLUMN condition ( 'with' 'threshold' constraint )?
 * constraint := OP NUMBER | 'not'? 'between' NUMBER 'and' NUMBER
 * condition  := constraint | 'not'? 'in' '[' item ( ',' item )* ']'
 * item       := STRING | NUMBER | 'NULL'
 * OP         := '>' | '>=' | '<' | '<=' | '=' | '!='
 * ```
 *
 * Rule type names and `Rules` are case-sensitive as in Glue; keywords
 * (`between`, `and`, `in`, `not`, `with`, `threshold`, `NULL`) are not.
 * `#` starts a comment that runs to the end of the line.
 *
 * @module
 */

import { EVENT_TYPES } from '../../schemas/bronze.js';
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type InValue,
  type NumberConstraint,
  type Rule,
  type RuleKind,
  type Ruleset,
  type ValueCondition,
} from './dqdl-rules.js';

/**
 * Thrown by {@link parseRuleset} when the text is not valid DQDL. Carries the
 * 1-based `line` and `column` of the offending token, what the parser
 * `expected` there and what it `found`; the message also quotes the line with a
 * caret under the position.
 *
 * @example
 * ```ts
 * try {
 *   parseRuleset('Rules = [ IsUnique event_id ]');
 * } catch (error) {
 *   if (error instanceof DqdlSyntaxError) {
 *     console.error(error.line, error.column, error.expected); // 1 20 ['a quoted column name ...']
 *   }
 * }
 * ```
 */
export class DqdlSyntaxError extends Error {
  override readonly name = 'DqdlSyntaxError';
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column of the offending token. */
  readonly column: number;
  /** Human-readable descriptions of what would have been valid here. */
  readonly expected: readonly string[];
  /** Description of what was found instead (a quoted token or `end of input`). */
  readonly found: string;

  constructor(
    detail: string,
    position: { readonly line: number; readonly column: number },
    expected: readonly string[],
    found: string,
    source: string,
  ) {
    super(
      `DQDL syntax error at line ${position.line}, column ${position.column}: ${detail}\n${excerpt(source, position)}`,
    );
    this.line = position.line;
    this.column = position.column;
    this.expected = expected;
    this.found = found;
  }
}

/**
 * The default rule set of SPEC §4, as DQDL text: unique `event_id`, complete
 * `user_id`, a closed list of `event_type`s and non-negative
 * `session_duration_seconds` (which only gold has; rules apply to every dataset
 * that has the column).
 *
 * @example
 * ```ts
 * const report = evaluateRuleset(parseRuleset(DEFAULT_RULESET_TEXT), { events, gold });
 * ```
 */
export const DEFAULT_RULESET_TEXT = `Rules = [
  IsUnique "event_id",
  IsComplete "user_id",
  ColumnValues "event_type" in [${EVENT_TYPES.map((t) => `"${t}"`).join(',')}],
  ColumnValues "session_duration_seconds" >= 0
]`;

/**
 * Parses a DQDL document (`Rules = [ rule, rule, ... ]`) into a frozen,
 * JSON-serializable {@link Ruleset}.
 *
 * @throws {DqdlSyntaxError} with line, column and what was expected when the
 *   text is not valid DQDL or uses a rule type goldsmith does not support.
 * @example
 * ```ts
 * const ruleset = parseRuleset(`
 *   Rules = [
 *     IsUnique "event_id",                        # no duplicate events
 *     ColumnValues "price" > 0 with threshold >= 0.99
 *   ]`);
 * ruleset.rules[1]; // { kind: 'ColumnValues', column: 'price', condition: {...}, threshold: {...} }
 * ```
 */
export function parseRuleset(text: string): Ruleset {
  return new Parser(text).parseDocument();
}

const RULE_KINDS: readonly RuleKind[] = [
  'IsUnique',
  'IsComplete',
  'Completeness',
  'Uniqueness',
  'RowCount',
  'ColumnValues',
];

const RULE_TYPE_EXPECTATION = `a rule type (${RULE_KINDS.join(', ')})`;
const OPERATOR_EXPECTATION = `a comparison (${COMPARISON_OPERATORS.join(' ')})`;
const NUMBER_PATTERN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD_PATTERN = /[A-Za-z_][A-Za-z0-9_.]*/y;

type TokenType = 'word' | 'string' | 'number' | 'op' | '[' | ']' | ',' | 'eof';

interface Token {
  readonly type: TokenType;
  /** The token as written (for error messages). */
  readonly raw: string;
  /** Unescaped string contents, or the operator / word text. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseDocument(): Ruleset {
    this.expectWord('Rules', '"Rules" (the document must start with Rules = [ ... ])');
    this.expectOp('=');
    this.expectType('[', '"["');
    const rules: Rule[] = [];
    if (this.peek().type === ']') {
      this.next();
    } else {
      for (;;) {
        rules.push(this.parseRule());
        const separator = this.peek();
        if (separator.type === ',') {
          this.next();
          continue;
        }
        if (separator.type === ']') {
          this.next();
          break;
        }
        this.fail(separator, ['"," between rules', '"]" to close the rule list']);
      }
    }
    const end = this.peek();
    if (end.type !== 'eof') this.fail(end, ['end of input after "]"']);
    return Object.freeze({ kind: 'ruleset', rules: Object.freeze(rules) });
  }

  private parseRule(): Rule {
    const token = this.peek();
    if (token.type !== 'word') this.fail(token, [RULE_TYPE_EXPECTATION]);
    const kind = RULE_KINDS.find((candidate) => candidate === token.text);
    if (kind === undefined) {
      const nearly = RULE_KINDS.find((candidate) => candidate.toLowerCase() === token.text.toLowerCase());
      const hint = nearly
        ? `rule types are case-sensitive; did you mean "${nearly}"?`
        : `"${token.text}" is not a rule type goldsmith supports`;
      this.fail(token, [RULE_TYPE_EXPECTATION], hint);
    }
    this.next();
    switch (kind) {
      case 'IsUnique':
      case 'IsComplete':
        return Object.freeze({ kind, column: this.parseColumn() });
      case 'Completeness':
      case 'Uniqueness': {
        const column = this.parseColumn();
        return Object.freeze({ kind, column, constraint: this.parseConstraint() });
      }
      case 'RowCount':
        return Object.freeze({ kind, constraint: this.parseConstraint() });
      case 'ColumnValues': {
        const column = this.parseColumn();
        const condition = this.parseCondition();
        if (this.peekKeyword('with')) {
          this.next();
          this.expectKeyword('threshold');
          const threshold = this.parseConstraint();
          return Object.freeze({ kind, column, condition, threshold });
        }
        return Object.freeze({ kind, column, condition });
      }
    }
  }

  private parseColumn(): string {
    const token = this.peek();
    if (token.type !== 'string') {
      const hint =
        token.type === 'word' ? `column names are quoted in DQDL: write "${token.text}"` : undefined;
      this.fail(token, ['a quoted column name such as "event_id"'], hint);
    }
    this.next();
    return token.text;
  }

  /** `OP NUMBER | 'not'? 'between' NUMBER 'and' NUMBER` */
  private parseConstraint(): NumberConstraint {
    const token = this.peek();
    if (token.type === 'op') {
      this.next();
      const op = token.text as ComparisonOperator;
      return Object.freeze({ kind: 'compare', op, value: this.parseNumber(op) });
    }
    if (this.peekKeyword('between')) return this.parseBetween(false);
    if (this.peekKeyword('not') && this.peekKeyword('between', 1)) {
      this.next();
      return this.parseBetween(true);
    }
    return this.fail(token, [OPERATOR_EXPECTATION, '"between"']);
  }

  /** `constraint | 'not'? 'in' list` */
  private parseCondition(): ValueCondition {
    if (this.peekKeyword('in')) {
      this.next();
      return Object.freeze({ kind: 'in', values: this.parseList(), negated: false });
    }
    if (this.peekKeyword('not')) {
      const after = this.peek(1);
      if (after.type === 'word' && after.text.toLowerCase() === 'in') {
        this.next();
        this.next();
        return Object.freeze({ kind: 'in', values: this.parseList(), negated: true });
      }
      if (after.type === 'word' && after.text.toLowerCase() === 'between') {
        this.next();
        return this.parseBetween(true);
      }
      this.next();
      return this.fail(after, ['"in"', '"between"']);
    }
    const token = this.peek();
    if (token.type === 'op' || this.peekKeyword('between')) return this.parseConstraint();
    return this.fail(token, [OPERATOR_EXPECTATION, '"between"', '"in"', '"not in"']);
  }

  private parseBetween(negated: boolean): NumberConstraint {
    this.expectKeyword('between');
    const low = this.parseNumber('between');
    this.expectKeyword('and');
    const highToken = this.peek();
    const high = this.parseNumber('and');
    if (!(low < high)) {
      this.fail(
        highToken,
        [`a number greater than ${low}`],
        'the upper bound of "between" must be greater than the lower bound (bounds are exclusive)',
      );
    }
    return Object.freeze({ kind: 'between', low, high, negated });
  }

  private parseNumber(after: string): number {
    const token = this.peek();
    if (token.type !== 'number') {
      let hint: string | undefined;
      if (token.type === 'string')
        hint = `text cannot follow "${after}"; to compare with text use in ["${token.text}"]`;
      else if (token.type === 'op' && after === '=') hint = `did you mean "${token.text}="?`;
      this.fail(token, [`a number after "${after}"`], hint);
    }
    this.next();
    return Number(token.text);
  }

  private parseList(): readonly InValue[] {
    this.expectType('[', '"[" to open the list of values');
    const values: InValue[] = [];
    let listType: 'string' | 'number' | undefined;
    for (;;) {
      const token = this.peek();
      let value: InValue;
      if (token.type === 'string') value = token.text;
      else if (token.type === 'number') value = Number(token.text);
      else if (token.type === 'word' && token.text.toLowerCase() === 'null') value = null;
      else this.fail(token, ['a quoted string', 'a number', 'NULL']);
      if (value !== null) {
        const valueType = typeof value === 'string' ? 'string' : 'number';
        if (listType !== undefined && listType !== valueType) {
          this.fail(token, [`a ${listType} (or NULL)`], 'a list cannot mix strings and numbers');
        }
        listType = valueType;
      }
      this.next();
      values.push(value);
      const separator = this.peek();
      if (separator.type === ',') {
        this.next();
        continue;
      }
      if (separator.type === ']') {
        this.next();
        return Object.freeze(values);
      }
      this.fail(separator, ['"," between values', '"]" to close the list']);
    }
  }

  private peek(ahead = 0): Token {
    // The token list always ends with an `eof` token, which `next` never passes.
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'eof') this.index += 1;
    return token;
  }

  private peekKeyword(keyword: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.type === 'word' && token.text.toLowerCase() === keyword;
  }

  private expectKeyword(keyword: string): void {
    if (!this.peekKeyword(keyword)) this.fail(this.peek(), [`"${keyword}"`]);
    this.next();
  }

  private expectWord(word: string, description: string): void {
    const token = this.peek();
    if (token.type !== 'word' || token.text !== word) this.fail(token, [description]);
    this.next();
  }

  private expectOp(op: string): void {
    const token = this.peek();
    if (token.type !== 'op' || token.text !== op) this.fail(token, [`"${op}"`]);
    this.next();
  }

  private expectType(type: TokenType, description: string): void {
    const token = this.peek();
    if (token.type !== type) this.fail(token, [description]);
    this.next();
  }

  private fail(token: Token, expected: readonly string[], hint?: string): never {
    const found = describe(token);
    const wanted =
      expected.length === 1
        ? expected[0]
        : `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}`;
    const detail = `expected ${wanted} but found ${found}${hint ? ` (${hint})` : ''}`;
    throw new DqdlSyntaxError(detail, token, expected, found, this.source);
  }
}

function describe(token: Token): string {
  return token.type === 'eof' ? 'end of input' : `'${token.raw}'`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  const push = (type: TokenType, start: number, end: number, text: string): void => {
    tokens.push({ type, raw: source.slice(start, end), text, line, column: start - lineStart + 1 });
  };
  const fail = (start: number, detail: string, expected: readonly string[], found: string): never => {
    throw new DqdlSyntaxError(detail, { line, column: start - lineStart + 1 }, expected, found, source);
  };

  while (pos < source.length) {
    const ch = source[pos]!;
    if (ch === '\n') {
      pos += 1;
      line += 1;
      lineStart = pos;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u00a0') {
      pos += 1;
      continue;
    }
    if (ch === '#') {
      while (pos < source.length && source[pos] !== '\n') pos += 1;
      continue;
    }
    if (ch === '[' || ch === ']' || ch === ',') {
      push(ch, pos, pos + 1, ch);
      pos += 1;
      continue;
    }
    if (ch === '>' || ch === '<' || ch === '=' || ch === '!') {
      const two = source.slice(pos, pos + 2);
      const op = COMPARISON_OPERATORS.find((candidate) => candidate === two) ?? ch;
      if (op === '!') fail(pos, `expected "!=" but found '!'`, ['"!="'], "'!'");
      push('op', pos, pos + op.length, op);
      pos += op.length;
      continue;
    }
    if (ch === '"') {
      const start = pos;
      const startLine = line;
      const startColumn = pos - lineStart + 1;
      let text = '';
      pos += 1;
      for (;;) {
        if (pos >= source.length) {
          throw new DqdlSyntaxError(
            "unterminated string: add the closing '\"'",
            { line: startLine, column: startColumn },
            ["'\"' to close the string"],
            'end of input',
            source,
          );
        }
        const c = source[pos]!;
        if (c === '"') {
          pos += 1;
          break;
        }
        if (c === '\\' && (source[pos + 1] === '"' || source[pos + 1] === '\\')) {
          text += source[pos + 1];
          pos += 2;
          continue;
        }
        if (c === '\n') {
          line += 1;
          lineStart = pos + 1;
        }
        text += c;
        pos += 1;
      }
      tokens.push({
        type: 'string',
        raw: source.slice(start, pos),
        text,
        line: startLine,
        column: startColumn,
      });
      continue;
    }
    if (ch === '-' || (ch >= '0' && ch <= '9')) {
      NUMBER_PATTERN.lastIndex = pos;
      const match = NUMBER_PATTERN.exec(source);
      if (match === null) fail(pos, `expected a number after '-'`, ['a number'], `'${ch}'`);
      const raw = match![0];
      push('number', pos, pos + raw.length, raw);
      pos += raw.length;
      continue;
    }
    WORD_PATTERN.lastIndex = pos;
    const word = WORD_PATTERN.exec(source);
    if (word !== null) {
      push('word', pos, pos + word[0].length, word[0]);
      pos += word[0].length;
      continue;
    }
    fail(
      pos,
      `unexpected character '${ch}'`,
      ['a rule, a quoted string, a number, an operator, "[", "]" or ","'],
      `'${ch}'`,
    );
  }
  tokens.push({ type: 'eof', raw: '', text: '', line, column: pos - lineStart + 1 });
  return tokens;
}

function excerpt(source: string, position: { readonly line: number; readonly column: number }): string {
  const text = source.split('\n')[position.line - 1] ?? '';
  const gutter = `${position.line} | `;
  const caretPad = ' '.repeat(gutter.length - 2);
  return `${gutter}${text.replace(/\r$/, '')}\n${caretPad}| ${' '.repeat(Math.max(0, position.column - 1))}^`;
}
