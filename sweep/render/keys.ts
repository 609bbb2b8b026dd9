// Every key of a sweep in file order, typed as the sweep wrote it: what the structured
// formats (json, yaml, toml, namelist, env, args) render. The sweep keeps only unquoted
// values, so whether a value was written in quotes is read again from its line's tokens.
import { parseDecimal } from '../decimal.ts';
import { excerpt } from '../errors.ts';
import type { Sweep } from '../parse.ts';
import { scanIni } from '../scan.ts';
import { InputFormatError } from './errors.ts';

/** A value as the program should read it: its text, and its type as the sweep wrote it. */
export type TypedValue =
  | { type: 'string'; text: string }
  | { type: 'boolean'; text: 'true' | 'false' }
  /** `text` is the number as written (`1e-3`, `.5`, `007`): each format respells it as it must. */
  | { type: 'integer' | 'float'; text: string };

export interface SweepKey {
  /** `section.key`, or `key` before any section: the name tuples carry. */
  name: string;
  section: string | null;
  key: string;
  line: number;
  /** True for a varied parameter: its value comes from the tuple. */
  varied: boolean;
  /** Every value the key takes (one for a constant), as the program reads it. */
  values: readonly string[];
  /** The type of one of `values`. */
  typeOf(value: string): TypedValue;
}

const INTEGER = /^[+-]?\d+$/;

/** An unquoted value's type: `true`/`false` are booleans, decimal numbers are numbers. */
export function typeOfText(text: string, quoted: boolean): TypedValue {
  if (quoted) return { type: 'string', text };
  if (text === 'true' || text === 'false') return { type: 'boolean', text };
  if (parseDecimal(text) !== null) return { type: INTEGER.test(text) ? 'integer' : 'float', text };
  return { type: 'string', text };
}

/** The keys of the sweep in file order (constants and varied parameters alike). */
export function sweepKeys(sweep: Sweep): SweepKey[] {
  const quotedByLine = new Map<number, Set<string>>();
  for (const line of scanIni(sweep.template)) {
    if (!('tokens' in line)) continue; // a directive line (`#@link`), no key
    const quoted = line.tokens.filter((token) => token.quoted).map((token) => token.value);
    if (quoted.length > 0) quotedByLine.set(line.line, new Set(quoted));
  }
  const keyOf = (
    entry: { name: string; section: string | null; key: string; line: number },
    varied: boolean,
    values: readonly string[],
  ): SweepKey => {
    const quoted = quotedByLine.get(entry.line);
    return {
      name: entry.name,
      section: entry.section,
      key: entry.key,
      line: entry.line,
      varied,
      values,
      typeOf: (value) => typeOfText(value, quoted?.has(value) ?? false),
    };
  };
  return [
    ...sweep.parameters.map((p) => keyOf(p, true, p.values)),
    ...sweep.constants.map((c) => keyOf(c, false, [c.value])),
  ].sort((a, b) => a.line - b.line);
}

/** The parts of a decimal number as written: sign, digits before and after the point, exponent. */
export interface NumberParts {
  sign: '' | '+' | '-';
  whole: string;
  /** null without a decimal point. */
  fraction: string | null;
  /** null without an exponent; else its digits with their sign as written (`-3`, `+03`, `5`). */
  exponent: string | null;
}

const NUMBER = /^([+-]?)(\d*)(?:(\.)(\d*))?(?:[eE]([+-]?\d+))?$/;

export function numberParts(text: string): NumberParts {
  const match = NUMBER.exec(text);
  if (!match) throw new Error(`not a number: ${text}`);
  const [, sign = '', whole = '', dot, fraction = '', exponent] = match;
  return {
    sign: sign as NumberParts['sign'],
    whole,
    fraction: dot ? fraction : null,
    exponent: exponent ?? null,
  };
}

/**
 * The number in the strict grammar JSON, TOML and YAML share: no leading zeros, digits on
 * both sides of a point (`.5` → `0.5`, `3.` → `3.0`), no `+` (unless `plus` keeps it); a
 * float stays a float and an exponent is kept as written.
 */
export function strictNumber(
  text: string,
  options: { plus?: boolean; exponentPoint?: boolean } = {},
): string {
  const parts = numberParts(text);
  const sign = parts.sign === '+' && !options.plus ? '' : parts.sign;
  const whole = parts.whole.replace(/^0+(?=\d)/, '') || '0';
  let fraction = parts.fraction === null ? '' : `.${parts.fraction || '0'}`;
  let exponent = parts.exponent === null ? '' : `e${parts.exponent}`;
  if (options.exponentPoint && parts.exponent !== null) {
    // YAML 1.1 (PyYAML) reads a float only with a point and a signed exponent: 1e-3 → 1.0e-3.
    if (fraction === '') fraction = '.0';
    if (!/^[+-]/.test(parts.exponent)) exponent = `e+${parts.exponent}`;
  }
  return `${sign}${whole}${fraction}${exponent}`;
}

export interface SectionGroup {
  name: string;
  line: number;
  keys: SweepKey[];
}

/**
 * Keys before any section at the top, then one group per section in order of first appearance
 * (a section written twice is one table). A top-level key named like a section is refused:
 * nested formats cannot hold both.
 */
export function groupBySection(keys: readonly SweepKey[]): { top: SweepKey[]; sections: SectionGroup[] } {
  const top: SweepKey[] = [];
  const sections = new Map<string, SectionGroup>();
  for (const key of keys) {
    if (key.section === null) top.push(key);
    else {
      const group = sections.get(key.section) ?? { name: key.section, line: key.line, keys: [] };
      group.keys.push(key);
      sections.set(key.section, group);
    }
  }
  for (const key of top) {
    const group = sections.get(key.key);
    if (group) {
      throw new InputFormatError(
        `key ${excerpt(key.key)} has the name of section [${excerpt(group.name)}] (line ${group.line}); a nested format cannot hold both`,
        { line: key.line },
      );
    }
  }
  return { top, sections: [...sections.values()] };
}
