// `#@exclude RULE`: combinations for which a rule holds are left out of the series. Rules are
// compiled, once per sweep, into closures over the axis digits of a combination: each operand
// becomes a rank (its value's place in the order the comparison uses, shared by both sides),
// so evaluating a comparison is two array reads and an integer comparison — exact for decimals,
// whatever their size. The kept combinations are listed once, by position in the mixed radix.
import { parseDecimal, rescale, type Decimal } from './decimal.ts';
import { SweepError, excerpt } from './errors.ts';
import type { NameLookup } from './names.ts';
import type { Comparison, Operand, Operator, Rule } from './rules.ts';

/** Rules are checked against every combination, listed up front: this many at most. */
export const MAX_COMBINATIONS_WITH_EXCLUSIONS = 10_000_000;
/** Combinations × comparisons: bounds the time the rules may take (about a second). */
export const MAX_RULE_WORK = 100_000_000;

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

/**
 * A list of values in a comparison's order: numbers by value (so 0.5 = 0.50), then words by
 * their text; or all by text. Sorted once per list and mode and reused by every comparison
 * that reads the list: a thousand rules over a parameter of a million values sort it once.
 */
interface Ordered {
  values: readonly string[];
  /** Per value: the nearest double when it is a number, NaN for a word (or in text mode). */
  numbers: Float64Array;
  /** Value positions, smallest first. */
  order: Int32Array;
  /** Per value: twice its rank in the list (equal values share one), leaving odd ranks between. */
  ranks: Int32Array;
}

const orderCache = new WeakMap<readonly string[], { text?: Ordered; number?: Ordered }>();
const unionCache = new WeakMap<Ordered, Map<Ordered, [Int32Array, Int32Array]>>();

function orderedOf(values: readonly string[], asText: boolean): Ordered {
  const cached = orderCache.get(values) ?? {};
  orderCache.set(values, cached);
  const mode = asText ? 'text' : 'number';
  const known = cached[mode];
  if (known) return known;
  // Number() rounds correctly, hence monotonically: doubles order the values, and only equal
  // doubles need the exact decimal comparison.
  const numbers = Float64Array.from(values, (value) =>
    !asText && parseDecimal(value) ? Number(value) : NaN,
  );
  const order = Int32Array.from(values, (_, i) => i).sort((i, j) =>
    compareValues(values[i]!, numbers[i]!, values[j]!, numbers[j]!),
  );
  const ranks = new Int32Array(values.length);
  let rank = 0;
  order.forEach((at, k) => {
    const before = order[k - 1];
    if (before !== undefined && compareAt({ values, numbers }, before, { values, numbers }, at) !== 0)
      rank += 2;
    ranks[at] = rank;
  });
  return (cached[mode] = { values, numbers, order, ranks });
}

type Listed = Pick<Ordered, 'values' | 'numbers'>;

function compareAt(a: Listed, i: number, b: Listed, j: number): number {
  return compareValues(a.values[i]!, a.numbers[i]!, b.values[j]!, b.numbers[j]!);
}

function compareValues(a: string, x: number, b: string, y: number): number {
  const [xIsNumber, yIsNumber] = [!Number.isNaN(x), !Number.isNaN(y)];
  if (xIsNumber && yIsNumber)
    return x !== y ? (x < y ? -1 : 1) : compareDecimals(parseDecimal(a)!, parseDecimal(b)!);
  if (xIsNumber || yIsNumber) return xIsNumber ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Both sides' ranks in one order. Against a single value (a literal, a constant) the list's
 * own ranks serve, and the single value gets the rank it would have among them (binary
 * search); two lists are merged once per pair.
 */
function ranksOf(a: Ordered, b: Ordered): [Int32Array, Int32Array] {
  if (b.values.length === 1) return [a.ranks, Int32Array.of(rankAmong(a, b))];
  if (a.values.length === 1) return [Int32Array.of(rankAmong(b, a)), b.ranks];
  const cached = unionCache.get(a)?.get(b);
  if (cached) return cached;
  const union = mergedRanks(a, b);
  unionCache.set(a, (unionCache.get(a) ?? new Map<Ordered, [Int32Array, Int32Array]>()).set(b, union));
  return union;
}

function rankAmong(list: Ordered, single: Ordered): number {
  let [low, high] = [0, list.order.length]; // first position whose value is ≥ the single one
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareAt(list, list.order[middle]!, single, 0) < 0) low = middle + 1;
    else high = middle;
  }
  const at = list.order[low];
  if (at !== undefined && compareAt(list, at, single, 0) === 0) return list.ranks[at]!;
  return low === 0 ? -1 : list.ranks[list.order[low - 1]!]! + 1;
}

function mergedRanks(a: Ordered, b: Ordered): [Int32Array, Int32Array] {
  const sides = [a, b] as const;
  const ranks = [new Int32Array(a.values.length), new Int32Array(b.values.length)] as const;
  const next = [0, 0];
  let rank = -1;
  let previous: [Ordered, number] | null = null;
  while (next[0]! < a.order.length || next[1]! < b.order.length) {
    let from = next[0]! >= a.order.length ? 1 : 0;
    if (
      from === 0 &&
      next[1]! < b.order.length &&
      compareAt(a, a.order[next[0]!]!, b, b.order[next[1]!]!) > 0
    ) {
      from = 1;
    }
    const side = sides[from]!;
    const at = side.order[next[from]!++]!;
    if (previous === null || compareAt(previous[0], previous[1], side, at) !== 0) rank++;
    ranks[from]![at] = rank;
    previous = [side, at];
  }
  return [ranks[0], ranks[1]];
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
  const [leftOrder, rightOrder] = [orderedOf(left.values, asText), orderedOf(right.values, asText)];
  if (!asText && comparison.op !== '=' && comparison.op !== '!=') {
    // An order between a number and a word would be made up; say so instead.
    for (const [side, ordered] of [
      [left, leftOrder],
      [right, rightOrder],
    ] as const) {
      // Words sort after numbers: the last value is a word if any is.
      const last = ordered.order[ordered.order.length - 1]!;
      if (!Number.isNaN(ordered.numbers[last]!)) continue;
      const whose = side.key ? `${excerpt(side.key.name)} (line ${side.key.line}) has` : 'found';
      throw new SweepError(
        'not_a_number',
        `${comparison.op} compares numbers, but ${whose} the value ${excerpt(JSON.stringify(side.values[last]))}; ` +
          `to compare as text, write the other side in quotes`,
        { line, column: side.operand.column },
      );
    }
  }
  const [leftRanks, rightRanks] = ranksOf(leftOrder, rightOrder);
  const test = TESTS[comparison.op];
  // One side fixed (the common case, `a > 0.5`): a table per value, one read per combination.
  if (left.axis < 0 || right.axis < 0) {
    const [varying, ranks, fixed] =
      left.axis < 0 ? [right, rightRanks, leftRanks[0]!] : [left, leftRanks, rightRanks[0]!];
    const table = new Uint8Array(ranks.length);
    const fixedLeft = left.axis < 0;
    for (let k = 0; k < ranks.length; k++)
      table[k] = (fixedLeft ? test(fixed, ranks[k]!) : test(ranks[k]!, fixed)) ? 1 : 0;
    const axis = varying.axis;
    if (axis < 0) return table[0] === 1 ? () => true : () => false;
    return (digits) => table[digits[axis]!] === 1;
  }
  const [la, ra] = [left.axis, right.axis];
  return (digits) => test(leftRanks[digits[la]!]!, rightRanks[digits[ra]!]!);
}

const TESTS: Record<Operator, (l: number, r: number) => boolean> = {
  '=': (l, r) => l === r,
  '!=': (l, r) => l !== r,
  '<': (l, r) => l < r,
  '<=': (l, r) => l <= r,
  '>': (l, r) => l > r,
  '>=': (l, r) => l >= r,
};

function compareDecimals(a: Decimal, b: Decimal): number {
  if (a.scale === b.scale) return a.units < b.units ? -1 : a.units > b.units ? 1 : 0;
  const scale = Math.max(a.scale, b.scale);
  const [x, y] = [rescale(a, scale), rescale(b, scale)];
  return x < y ? -1 : x > y ? 1 : 0;
}
