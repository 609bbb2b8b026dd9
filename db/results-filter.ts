// The results table's filter language, parsed by hand into clauses that db/results.ts turns into
// parameterised SQL (names and values are always bound, never spliced into the statement):
//
//   period > 1.5 and model.b = 0.02, "my metric" != "n/a"
//
// A filter is clauses joined by `and`, `&&` or `,`; a clause is `name op value` with op one of
// = == != < <= > >=; a name or value is a bare word or a double-quoted string (`\"` inside).
// A bare value that reads as a number compares as a number; anything else (a quoted value too)
// compares as text.

import { hasControlCharacters } from '../core/text.ts';

export const FILTER_LIMITS = { chars: 1000, clauses: 16 } as const;

export const FILTER_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface FilterClause {
  name: string;
  op: FilterOp;
  /** The value as written (quotes removed). */
  value: string;
  /** The value as a number, when it is one: the clause then compares numerically. */
  number?: number;
}

/** A filter the parser refuses; `message` says what and where (1-based character). */
export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

type Token = { kind: 'word' | 'string' | 'op' | 'and'; text: string; at: number };

const OPERATOR = /^(==|!=|<=|>=|=|<|>)/;
const WORD_END = /[\s=!<>,"&]/;
/** The decimal numbers a clause compares numerically (exponents kept small for the database). */
export const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?$/;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === ',' || text.startsWith('&&', i)) {
      tokens.push({ kind: 'and', text: ch === ',' ? ',' : '&&', at: i });
      i += ch === ',' ? 1 : 2;
    } else if (ch === '"') {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        value += text[j];
      }
      if (j >= text.length) throw new FilterSyntaxError(`unclosed quote at character ${i + 1}`);
      tokens.push({ kind: 'string', text: value, at: i });
      i = j + 1;
    } else if (OPERATOR.test(text.slice(i, i + 2))) {
      const op = OPERATOR.exec(text.slice(i, i + 2))![1]!;
      tokens.push({ kind: 'op', text: op === '==' ? '=' : op, at: i });
      i += op.length;
    } else if (ch === '&' || ch === '!') {
      throw new FilterSyntaxError(`unexpected '${ch}' at character ${i + 1}`);
    } else {
      let j = i;
      while (j < text.length && !WORD_END.test(text[j]!)) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: word.toLowerCase() === 'and' ? 'and' : 'word', text: word, at: i });
      i = j;
    }
  }
  return tokens;
}

/** The clauses of a filter; an empty or blank filter has none. */
export function parseFilter(text: string): FilterClause[] {
  if (text.length > FILTER_LIMITS.chars)
    throw new FilterSyntaxError(`longer than ${FILTER_LIMITS.chars} characters`);
  // PostgreSQL text cannot hold NUL; no name or value needs a control character.
  const control = [...text].findIndex((ch) => hasControlCharacters(ch) && !/\s/.test(ch));
  if (control >= 0) throw new FilterSyntaxError(`control character at character ${control + 1}`);
  const tokens = tokenize(text);
  const clauses: FilterClause[] = [];
  let i = 0;
  const describe = (t: Token | undefined) =>
    t ? `'${t.text}' at character ${t.at + 1}` : 'the end of the filter';
  while (i < tokens.length) {
    const [name, op, value] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (!name || (name.kind !== 'word' && name.kind !== 'string'))
      throw new FilterSyntaxError(`expected a parameter or metric name, found ${describe(name)}`);
    if (op?.kind !== 'op')
      throw new FilterSyntaxError(
        `expected an operator (${FILTER_OPS.join(' ')}) after '${name.text}', found ${describe(op)}`,
      );
    if (!value || (value.kind !== 'word' && value.kind !== 'string'))
      throw new FilterSyntaxError(
        `expected a value after '${name.text} ${op.text}', found ${describe(value)}`,
      );
    const clause: FilterClause = { name: name.text, op: op.text as FilterOp, value: value.text };
    if (value.kind === 'word' && NUMBER_TEXT.test(value.text)) clause.number = Number(value.text);
    clauses.push(clause);
    if (clauses.length > FILTER_LIMITS.clauses)
      throw new FilterSyntaxError(`more than ${FILTER_LIMITS.clauses} clauses`);
    i += 3;
    if (i < tokens.length) {
      if (tokens[i]!.kind !== 'and')
        throw new FilterSyntaxError(`expected 'and' or ',' between clauses, found ${describe(tokens[i])}`);
      i++;
      if (i === tokens.length) throw new FilterSyntaxError(`expected a clause after the last 'and'`);
    }
  }
  return clauses;
}
