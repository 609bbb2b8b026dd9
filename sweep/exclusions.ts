// `#@exclude RULE`: combinations for which a rule holds are left out of the series. Rules are
// compiled, once per sweep, into closures over the axis digits of a combination: each operand
// becomes a rank (its value's place in the order the comparison uses, shared by both sides),
// so evaluating a comparison is two array reads and an integer comparison — exact for decimals,
// whatever their size. The kept combinations are listed once, by position in the mixed radix.
import { parseDecimal, rescale, type Decimal } from './decimal.ts';
import { SweepError, excerpt } from './errors.ts';
import type { NameLookup } from './names.ts';
import type { Comparison, Operand, Rule } from './rules.ts';

/** Rules are checked against every combination, listed up front: this many at most. */
export const MAX_COMBINATIONS_WITH_EXCLUSIONS = 10_000_000;
/** Combinations × comparisons: bounds the time the rules may take (about a second). */
export const MAX_RULE_WORK = 200_000_000;

export interface ExclusionRule {
  rule: Rule;
  line: number;
  /** The rule as written, for people. */
  text: string;
}

/** What a rule can read of a key: its values, and the axis that picks one (-1: a constant). */
export interface RuleKey {
  name: string;
  line: number;
  values: readonly string[];
  axis: number;
}

type Digits = Int32Array;
type Predicate = (digits: Digits) => boolean;

/** True for a combination (its axis digits) that some rule excludes. */
export function compileExclusions(
  rules: readonly ExclusionRule[],
  keys: readonly RuleKey[],
  lookup: NameLookup,
): Predicate {
  const compiled = rules.map(({ rule, line }) => compileRule(rule, line, keys, lookup));
  if (compiled.length === 1) return compiled[0]!;
  return (digits) => {
    for (const excluded of compiled) if (excluded(digits)) return true;
    return false;
  };
}

export function comparisonsIn(rule: Rule): number {
  return rule.kind === 'compare' ? 1 : rule.items.reduce((sum, item) => sum + comparisonsIn(item), 0);
}

/**
 * Positions (mixed-radix numbers over the axes, first axis most significant) of the kept
 * combinations, ascending; null as soon as more than `maxKept` are kept.
 */
export function keptPositions(
  radices: readonly number[],
  excluded: Predicate,
  maxKept: number,
): Uint32Array | null {
  const total = radices.reduce((product, radix) => product * radix, 1);
  let kept = new Uint32Array(Math.min(total, 1 << 16));
  let count = 0;
  const digits = new Int32Array(radices.length);
  for (let position = 0; position < total; position++) {
    if (!excluded(digits)) {
      if (count === maxKept) return null;
      if (count === kept.length) {
        const grown = new Uint32Array(Math.min(total, kept.length * 2));
        grown.set(kept);
        kept = grown;
      }
      kept[count++] = position;
    }
    for (let axis = digits.length - 1; axis >= 0; axis--) {
      if (++digits[axis]! < radices[axis]!) break;
      digits[axis] = 0;
    }
  }
  return kept.slice(0, count);
}

function compileRule(rule: Rule, line: number, keys: readonly RuleKey[], lookup: NameLookup): Predicate {
  if (rule.kind === 'compare') return compileComparison(rule, line, keys, lookup);
  const items = rule.items.map((item) => compileRule(item, line, keys, lookup));
  if (rule.kind === 'and') {
    return (digits) => {
      for (const item of items) if (!item(digits)) return false;
      return true;
    };
  }
  return (digits) => {
    for (const item of items) if (item(digits)) return true;
    return false;
  };
}

/** One side of a comparison: the values it can take and the axis choosing among them. */
interface Side {
  operand: Operand;
  values: readonly string[];
  axis: number;
  key?: RuleKey;
}

function sideOf(operand: Operand, line: number, keys: readonly RuleKey[], lookup: NameLookup): Side {
  if (operand.kind === 'number') return { operand, values: [operand.text], axis: -1 };
  if (operand.kind === 'text') return { operand, values: [operand.value], axis: -1 };
  const key = keys[lookup(operand.name, { line, column: operand.column })]!;
  return { operand, values: key.values, axis: key.axis, key };
}

function compileComparison(
  comparison: Comparison,
  line: number,
  keys: readonly RuleKey[],
  lookup: NameLookup,
): Predicate {
  const left = sideOf(comparison.left, line, keys, lookup);
  const right = sideOf(comparison.right, line, keys, lookup);
  const asText = left.operand.kind === 'text' || right.operand.kind === 'text';
  const numbers = new Map<string, Decimal | null>();
  for (const side of [left, right]) {
    for (const value of side.values) {
      if (numbers.has(value)) continue;
      const number = asText ? null : parseDecimal(value);
      numbers.set(value, number);
      // An order between a number and a word would be made up; say so instead.
      if (number === null && !asText && comparison.op !== '=' && comparison.op !== '!=') {
        const whose = side.key ? `${excerpt(side.key.name)} (line ${side.key.line}) has` : 'found';
        throw new SweepError(
          'not_a_number',
          `${comparison.op} compares numbers, but ${whose} the value ${excerpt(JSON.stringify(value))}; ` +
            `to compare as text, write the other side in quotes`,
          { line, column: side.operand.column },
        );
      }
    }
  }
  const rank = ranks(numbers);
  const read = (side: Side): ((digits: Digits) => number) => {
    const sideRanks = Int32Array.from(side.values, (value) => rank.get(value)!);
    const axis = side.axis;
    if (axis < 0) {
      const fixed = sideRanks[0]!;
      return () => fixed;
    }
    return (digits) => sideRanks[digits[axis]!]!;
  };
  const [l, r] = [read(left), read(right)];
  switch (comparison.op) {
    case '=':
      return (d) => l(d) === r(d);
    case '!=':
      return (d) => l(d) !== r(d);
    case '<':
      return (d) => l(d) < r(d);
    case '<=':
      return (d) => l(d) <= r(d);
    case '>':
      return (d) => l(d) > r(d);
    case '>=':
      return (d) => l(d) >= r(d);
  }
}

/**
 * Each value's place in the comparison's order: numbers by value (so 0.5 = 0.50), then
 * words by their text. Equal values share a rank.
 */
function ranks(numbers: ReadonlyMap<string, Decimal | null>): Map<string, number> {
  const values = [...numbers.keys()];
  const order = (a: string, b: string): number => {
    const [x, y] = [numbers.get(a)!, numbers.get(b)!];
    if (x && y) return compareDecimals(x, y);
    if (x || y) return x ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  values.sort(order);
  const rank = new Map<string, number>();
  let current = 0;
  values.forEach((value, i) => {
    if (i > 0 && order(values[i - 1]!, value) !== 0) current++;
    rank.set(value, current);
  });
  return rank;
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const [x, y] = [rescale(a, scale), rescale(b, scale)];
  return x < y ? -1 : x > y ? 1 : 0;
}
