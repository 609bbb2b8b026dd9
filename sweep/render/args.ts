// `args`: every key as one command-line element appended to the command, spelled by a
// pattern (default `--{name}={value}`, i.e. `--section.key=value`). The elements go to the
// program as separate arguments ("$@"), never through a shell's parsing.
import { checkElementValues } from './argv-values.ts';
import type { SweepKey } from './keys.ts';
import { LayoutBuilder, type Layout } from './layout.ts';
import { appendValue } from './value-text.ts';

export const DEFAULT_ARG_PATTERN = '--{name}={value}';
const PLACEHOLDERS = ['section', 'key', 'name', 'value'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];
const PIECE = /\{([^{}]*)\}|[^{}]+|[{}]/g;
export const MAX_ARG_PATTERN_LENGTH = 256;

type Piece = { text: string } | { placeholder: Placeholder };

function piecesOf(pattern: string): Piece[] | string {
  const pieces: Piece[] = [];
  for (const [whole, inside] of pattern.matchAll(PIECE)) {
    if (inside !== undefined) {
      if (!(PLACEHOLDERS as readonly string[]).includes(inside)) {
        return `unknown placeholder {${inside}}; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
      }
      pieces.push({ placeholder: inside as Placeholder });
    } else if (whole === '{' || whole === '}') {
      return `a lone ${whole}; placeholders are ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`;
    } else pieces.push({ text: whole });
  }
  return pieces;
}

/** What is wrong with an argPattern, or undefined when it is fine. */
export function argPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_ARG_PATTERN_LENGTH) {
    return `an argPattern has 1 to ${MAX_ARG_PATTERN_LENGTH} characters`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(pattern)) return 'an argPattern cannot hold control characters';
  const pieces = piecesOf(pattern);
  if (typeof pieces === 'string') return pieces;
  if (!pieces.some((piece) => 'placeholder' in piece && piece.placeholder === 'value')) {
    return 'an argPattern must hold {value}';
  }
  return undefined;
}

export function argsLayout(keys: readonly SweepKey[], pattern = DEFAULT_ARG_PATTERN): Layout {
  const problem = argPatternProblem(pattern);
  if (problem) throw new Error(`argPattern ${JSON.stringify(pattern)}: ${problem}`);
  checkElementValues(keys, 'a command-line argument');
  const pieces = piecesOf(pattern) as Piece[];
  const builder = new LayoutBuilder();
  for (const key of keys) {
    const fixed = { section: key.section ?? '', key: key.key, name: key.name };
    for (const piece of pieces) {
      if ('text' in piece) builder.text(piece.text);
      else if (piece.placeholder === 'value') appendValue(builder, key, (_typed, raw) => raw);
      else builder.text(fixed[piece.placeholder]);
    }
    builder.text('\0');
  }
  return builder.build();
}
