// From a key's tokens to its list of values: plain tokens stand for themselves, a token
// `start...step...end` stands for a range. Sizes are known before any value is produced, so a
// sweep far over the limit is counted and refused without materialising anything.
import { formatUnits, parseDecimal, rescale } from './decimal.ts';
import { SweepError, excerpt } from './errors.ts';
import type { Token } from './scan.ts';

export type Piece =
  | { kind: 'token'; token: Token }
  | { kind: 'range'; token: Token; start: bigint; step: bigint; scale: number; size: bigint };

export interface ValueSet {
  pieces: Piece[];
  size: bigint;
}

export interface Values {
  /** What the program reads (quotes removed): the tuple's values and the directory names. */
  values: string[];
  /** What the rendered config carries in place of the template's value. */
  texts: string[];
}

const RANGE_MARK = '...';

export function valueSetOf(tokens: readonly Token[], line: number): ValueSet {
  const pieces = tokens.map((token) => pieceOf(token, line));
  const size = pieces.reduce((sum, piece) => sum + (piece.kind === 'range' ? piece.size : 1n), 0n);
  return { pieces, size };
}

function pieceOf(token: Token, line: number): Piece {
  if (token.quoted || !token.raw.includes(RANGE_MARK)) return { kind: 'token', token };
  const parts = token.raw.split(RANGE_MARK);
  const numbers = parts.map(parseDecimal);
  const where = { line, column: token.column };
  const shown = excerpt(token.raw);
  if (parts.length !== 3) {
    // `loading...` is a plain word; `1...5` is a range written wrong.
    if (numbers.every((n) => n !== null)) {
      throw new SweepError(
        'bad_range',
        `${shown} looks like a range; write start...step...end, e.g. 1...1...5`,
        where,
      );
    }
    return { kind: 'token', token };
  }
  const [start, step, end] = numbers;
  if (!start || !step || !end) {
    throw new SweepError('bad_range', `range ${shown} needs three numbers: start...step...end`, where);
  }
  const scale = Math.max(start.scale, step.scale, end.scale);
  const [first, delta, last] = [rescale(start, scale), rescale(step, scale), rescale(end, scale)];
  if (delta === 0n) throw new SweepError('zero_step', `range ${shown} has step 0`, where);
  const span = last - first;
  if (span !== 0n && span < 0n !== delta < 0n) {
    throw new SweepError(
      'empty_range',
      `range ${shown} yields no values: step ${parts[1]} goes away from the end ${parts[2]}`,
      where,
    );
  }
  return { kind: 'range', token, start: first, step: delta, scale, size: span / delta + 1n };
}

/** Every value in order; only called once the sizes are known to be within the limits. */
export function materialize(set: ValueSet): Values {
  const values: string[] = [];
  const texts: string[] = [];
  for (const piece of set.pieces) {
    if (piece.kind === 'token') {
      values.push(piece.token.value);
      texts.push(piece.token.raw);
      continue;
    }
    for (let k = 0n, units = piece.start; k < piece.size; k++, units += piece.step) {
      const text = formatUnits(units, piece.scale);
      values.push(text);
      texts.push(text);
    }
  }
  return { values, texts };
}
