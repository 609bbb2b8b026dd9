// The scanner: INI text → keys with the exact offsets of their value tokens. Our own (not the
// `ini` package) because rendering must rewrite only those tokens and keep every other byte.
import { SweepError, excerpt } from './errors.ts';

export interface Token {
  /** Offsets in the whole text, `raw = text.slice(start, end)`. */
  start: number;
  end: number;
  column: number;
  /** As written, quotes included: what a rendered config carries. */
  raw: string;
  /** Without the quotes of a quoted token. */
  value: string;
  quoted: boolean;
}

/**
 * A comment line `#@link …` or `#@exclude …` (`;@` works too): a directive of the sweep
 * language. It stays a comment for the program that reads the rendered config.
 */
export interface DirectiveLine {
  directive: Directive;
  line: number;
  /** The text after the directive's name, and the column where it starts. */
  body: string;
  bodyColumn: number;
}

export type Directive = 'link' | 'exclude';
const DIRECTIVES: readonly Directive[] = ['link', 'exclude'];

export interface KeyLine {
  section: string | null;
  key: string;
  line: number;
  column: number;
  /** Empty for `key =` and for a bare `key` without `=`. */
  tokens: Token[];
}

const SPACE = /\s/;
/** JavaScript's whitespace (what trim() removes): ASCII by char code, the rest by the regex. */
function isSpace(ch: string | undefined): boolean {
  if (ch === undefined) return false;
  const code = ch.charCodeAt(0);
  if (code < 128) return code === 32 || (code >= 9 && code <= 13);
  return SPACE.test(ch);
}
const isCommentMark = (ch: string | undefined): boolean => ch === ';' || ch === '#';

/**
 * The keys of the file, line by line, lazily: a caller that checks each key as it comes
 * reports the first error in file order. Throws SweepError on a line that is not INI we read.
 */
export function* scanIni(text: string): Generator<KeyLine | DirectiveLine> {
  let section: string | null = null;
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a UTF-8 BOM stays in the template, out of the keys
  for (let line = 1; ; line++) {
    let lineEnd = lineStart;
    while (lineEnd < text.length && text[lineEnd] !== '\n' && text[lineEnd] !== '\r') lineEnd++;
    const scanned = scanLine(text, lineStart, lineEnd, line, section);
    if (typeof scanned === 'string') section = scanned;
    else if (scanned) yield scanned;
    if (lineEnd >= text.length) return;
    lineStart = lineEnd + (text[lineEnd] === '\r' && text[lineEnd + 1] === '\n' ? 2 : 1);
  }
}

/** A section name for a header, a KeyLine for a key, null for blank and comment lines. */
function scanLine(
  text: string,
  lineStart: number,
  lineEnd: number,
  line: number,
  section: string | null,
): string | KeyLine | DirectiveLine | null {
  let first = lineStart;
  while (first < lineEnd && isSpace(text[first])) first++;
  if (first === lineEnd) return null;
  if (isCommentMark(text[first])) return directiveOf(text, first, lineEnd, line, lineStart);
  const column = (offset: number) => offset - lineStart + 1;

  if (text[first] === '[') {
    const close = text.indexOf(']', first);
    const header = excerpt(text.slice(first, lineEnd).trimEnd());
    if (close === -1 || close >= lineEnd) {
      throw new SweepError('malformed_section', `section header ${header} has no closing ]`, {
        line,
        column: column(first),
      });
    }
    const rest = text.slice(close + 1, lineEnd).trimStart();
    if (rest !== '' && !isCommentMark(rest[0])) {
      throw new SweepError('malformed_section', `unexpected text after section header ${header}`, {
        line,
        column: column(close + 1),
      });
    }
    const name = text.slice(first + 1, close).trim();
    if (name === '')
      throw new SweepError('empty_section_name', 'section name is empty', { line, column: column(first) });
    return name;
  }

  // The key runs to the first `=`, or to an inline comment for a bare key without value.
  let stop = first;
  while (stop < lineEnd && text[stop] !== '=' && !(isCommentMark(text[stop]) && isSpace(text[stop - 1])))
    stop++;
  const key = text.slice(first, stop).trimEnd();
  if (key === '')
    throw new SweepError('empty_key', 'a value without a key name before =', { line, column: column(first) });
  const tokens = text[stop] === '=' ? scanTokens(text, stop + 1, lineEnd, line, lineStart) : [];
  return { section, key, line, column: column(first), tokens };
}

/**
 * `#@link`/`#@exclude` (or with `;`) followed by whitespace or the line's end; any other
 * comment, `#@` ones included, stays a plain comment as it always was.
 */
function directiveOf(
  text: string,
  mark: number,
  lineEnd: number,
  line: number,
  lineStart: number,
): DirectiveLine | null {
  if (text[mark + 1] !== '@') return null;
  for (const directive of DIRECTIVES) {
    const end = mark + 2 + directive.length;
    if (text.startsWith(directive, mark + 2) && (end === lineEnd || isSpace(text[end]))) {
      return { directive, line, body: text.slice(end, lineEnd), bodyColumn: end - lineStart + 1 };
    }
  }
  return null;
}

/** Splits a value on whitespace; a double-quoted string is one token; ` ;` or ` #` starts a comment. */
function scanTokens(text: string, from: number, lineEnd: number, line: number, lineStart: number): Token[] {
  const tokens: Token[] = [];
  let at = from;
  for (;;) {
    while (at < lineEnd && isSpace(text[at])) at++;
    if (at >= lineEnd || (isCommentMark(text[at]) && isSpace(text[at - 1]))) return tokens;
    const start = at;
    const column = start - lineStart + 1;
    if (text[at] === '"') {
      const close = text.indexOf('"', at + 1);
      if (close === -1 || close >= lineEnd) {
        throw new SweepError('unterminated_quote', `quote opened at column ${column} is never closed`, {
          line,
          column,
        });
      }
      at = close + 1;
      if (at < lineEnd && !isSpace(text[at])) {
        throw new SweepError(
          'text_after_quote',
          `unexpected ${excerpt(JSON.stringify(text.slice(at, lineEnd)), 20)} right after the closing quote; put a space between tokens`,
          { line, column: at - lineStart + 1 },
        );
      }
      tokens.push({
        start,
        end: at,
        column,
        raw: text.slice(start, at),
        value: text.slice(start + 1, close),
        quoted: true,
      });
    } else {
      while (at < lineEnd && !isSpace(text[at])) at++;
      const raw = text.slice(start, at);
      tokens.push({ start, end: at, column, raw, value: raw, quoted: false });
    }
  }
}
