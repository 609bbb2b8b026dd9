// The small language of directive bodies: parameter names for `#@link`, and for `#@exclude`
// comparisons (= != < <= > >=) of names, numbers and "text", joined by and/or, grouped by
// parentheses. Hand-written (tokens, then recursive descent) so every error names its column
// and token, and bounded in length and nesting so no input can exhaust the stack or the clock.
import { parseDecimal, type Decimal } from './decimal.ts';
import { SweepError, excerpt } from './errors.ts';

/** Longer rules are refused: a rule is a condition a person writes, not data. */
export const MAX_RULE_LENGTH = 4096;
/** Parentheses nested deeper than this are refused (the parser recurses once per level). */
export const MAX_RULE_DEPTH = 32;

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Operand =
  | { kind: 'name'; name: string; column: number }
  | { kind: 'number'; text: string; value: Decimal; column: number }
  | { kind: 'text'; value: string; column: number };

export interface Comparison {
  kind: 'compare';
  op: Operator;
  left: Operand;
  right: Operand;
  column: number;
}

export type Rule = Comparison | { kind: 'and' | 'or'; items: Rule[] };

type Token =
  | Operand
  | { kind: 'op'; op: Operator; column: number }
  | { kind: 'open' | 'close' | 'and' | 'or'; column: number };

/** Where the body sits in its line, so columns name the file's column. */
export interface Located {
  body: string;
  line: number;
  column: number;
}

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_.-]/;
const NUMBER_START = /[0-9.+-]/;
const NUMBER_PART = /[0-9.eE+-]/;
const SPACE = /\s/;

function tokenize({ body, line, column: base }: Located): Token[] {
  if (body.length > MAX_RULE_LENGTH) {
    throw new SweepError(
      'bad_rule',
      `the rule is ${body.length} characters long; at most ${MAX_RULE_LENGTH}`,
      {
        line,
        column: base,
      },
    );
  }
  const tokens: Token[] = [];
  let at = 0;
  const fail = (detail: string, where: number): never => {
    throw new SweepError('bad_rule', detail, { line, column: base + where });
  };
  while (at < body.length) {
    const ch = body[at]!;
    const column = base + at;
    const start = at;
    if (SPACE.test(ch)) {
      at++;
    } else if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'open' : 'close', column });
      at++;
    } else if ('=!<>'.includes(ch)) {
      const two = body.slice(at, at + 2);
      const op = ['<=', '>=', '!=', '=='].includes(two) ? two : ch;
      if (op === '!') fail('unexpected "!"; write != for "not equal"', at);
      tokens.push({ kind: 'op', op: op === '==' ? '=' : (op as Operator), column });
      at += op.length;
    } else if (ch === '"' || ch === '`') {
      const close = body.indexOf(ch, at + 1);
      const what = ch === '"' ? 'text' : 'name';
      if (close === -1) fail(`the ${what} quoted with ${ch} at column ${column} is never closed`, at);
      const value = body.slice(at + 1, close);
      if (ch === '`' && value === '') fail('empty name ``', at);
      tokens.push(ch === '"' ? { kind: 'text', value, column } : { kind: 'name', name: value, column });
      at = close + 1;
    } else if (NUMBER_START.test(ch)) {
      while (at < body.length && NUMBER_PART.test(body[at]!)) at++;
      const text = body.slice(start, at);
      const value = parseDecimal(text);
      if (!value) fail(`${excerpt(JSON.stringify(text))} is not a number`, start);
      tokens.push({ kind: 'number', text, value: value!, column });
    } else if (NAME_START.test(ch)) {
      while (at < body.length && NAME_PART.test(body[at]!)) at++;
      const word = body.slice(start, at);
      const lower = word.toLowerCase();
      if (lower === 'and' || lower === 'or') tokens.push({ kind: lower, column });
      else tokens.push({ kind: 'name', name: word, column });
    } else {
      fail(
        `unexpected ${excerpt(JSON.stringify(body.slice(at, at + 10)), 20)}; quote names with \`…\` and text with "…"`,
        at,
      );
    }
  }
  return tokens;
}

/** `#@link a b c`: the names, each bare (`model.dt`) or quoted (`` `odd key` ``). */
export function parseNames(located: Located): Array<{ name: string; column: number }> {
  return tokenize(located).map((token) => {
    if (token.kind !== 'name') {
      throw new SweepError('bad_link', `expected parameter names, found ${describe(token)}`, {
        line: located.line,
        column: token.column,
      });
    }
    return { name: token.name, column: token.column };
  });
}

/** `#@exclude …`: the condition under which a combination is left out. */
export function parseRule(located: Located): Rule {
  const tokens = tokenize(located);
  let next = 0;
  const where = (token: Token | undefined) => ({
    line: located.line,
    column: token?.column ?? located.column + located.body.trimEnd().length,
  });
  const fail = (detail: string, token: Token | undefined): never => {
    throw new SweepError('bad_rule', detail, where(token));
  };

  const operand = (): Operand => {
    const token = tokens[next];
    if (token?.kind === 'name' || token?.kind === 'number' || token?.kind === 'text') {
      next++;
      return token;
    }
    return fail(`expected a parameter name, a number or "text", found ${describe(token)}`, token);
  };

  const primary = (depth: number): Rule => {
    const token = tokens[next];
    if (token?.kind === 'open') {
      if (depth >= MAX_RULE_DEPTH) fail(`parentheses nested deeper than ${MAX_RULE_DEPTH}`, token);
      next++;
      const inner = either(depth + 1);
      const close = tokens[next];
      if (close?.kind !== 'close')
        fail(`expected ) to close the ( at column ${token.column}, found ${describe(close)}`, close);
      next++;
      return inner;
    }
    const left = operand();
    const op = tokens[next];
    if (op?.kind !== 'op') return fail(`expected a comparison (= != < <= > >=), found ${describe(op)}`, op);
    next++;
    const right = operand();
    return { kind: 'compare', op: op.op, left, right, column: left.column };
  };

  const joined =
    (kind: 'and' | 'or', item: (depth: number) => Rule) =>
    (depth: number): Rule => {
      const items = [item(depth)];
      while (tokens[next]?.kind === kind) {
        next++;
        items.push(item(depth));
      }
      return items.length === 1 ? items[0]! : { kind, items };
    };
  const both = joined('and', primary);
  const either = joined('or', both);

  if (tokens.length === 0) fail('the rule is empty; write a condition such as a > b', undefined);
  const rule = either(0);
  if (next < tokens.length) {
    fail(`unexpected ${describe(tokens[next])}; join comparisons with and / or`, tokens[next]);
  }
  return rule;
}

function describe(token: Token | undefined): string {
  if (token === undefined) return 'the end of the rule';
  switch (token.kind) {
    case 'name':
      return excerpt(token.name);
    case 'number':
      return excerpt(token.text);
    case 'text':
      return excerpt(JSON.stringify(token.value));
    case 'op':
      return token.op;
    case 'open':
      return '(';
    case 'close':
      return ')';
    default:
      return token.kind;
  }
}
