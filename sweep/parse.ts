// parseSweep: INI text → a Sweep, compiled once into what tuple access needs (value texts,
// template segments, directory components), so tupleAt/renderTuple cost microseconds.
import { SweepError, excerpt } from './errors.ts';
import {
  MAX_COMBINATIONS_WITH_EXCLUSIONS,
  MAX_RULE_WORK,
  comparisonsIn,
  compileExclusions,
  keptPositions,
  type ExclusionRule,
} from './exclusions.ts';
import { axesOf, type Axes, type Link, type LinkDirective } from './links.ts';
import { component, directoryLabels } from './naming.ts';
import { nameLookup, type NameLookup } from './names.ts';
import { parseNames, parseRule } from './rules.ts';
import { scanIni, type DirectiveLine, type KeyLine } from './scan.ts';
import { materialize, valueSetOf, type ValueSet } from './values.ts';

export const DEFAULT_MAX_TUPLES = 1_000_000;
/** Guards memory whatever `maxTuples` allows: one parameter's values are held as strings. */
export const MAX_VALUES_PER_PARAMETER = 10_000_000;

/** A varied parameter: a key with more than one value. */
export interface Parameter {
  /** `section.key`, or `key` for a key before any section. */
  name: string;
  section: string | null;
  key: string;
  values: string[];
  line: number;
}

/** A key with a single value (or none): the same in every tuple. */
export interface Constant {
  name: string;
  section: string | null;
  key: string;
  value: string;
  line: number;
}

export interface SweepOptions {
  /** Refuse sweeps with more tuples than this (default 1,000,000; Infinity for no limit). */
  maxTuples?: number;
}

/** Internal, compiled form of a sweep; use the functions of sweep/index.ts instead. */
export interface SweepPlan {
  /** Template text between the varied values: segments[p] precedes parameter p's value. */
  segments: string[];
  /** Per parameter, per value: what the rendered config carries. */
  texts: string[][];
  /** Per parameter, per value: the `label=value` directory component. */
  components: string[][];
  /** Per axis of the mixed radix (a varied parameter, or a link group): its number of values. */
  radices: number[];
  /** Per parameter: the axis whose digit picks its value. */
  axisOf: number[];
  /** With exclusion rules: tuple index → position in the mixed radix of the kept combinations. */
  kept: Uint32Array | null;
  /** The count as a number when it is a safe integer, else null (decode with bigints). */
  countNumber: number | null;
  /** Digits of the largest index: the zero padding of directory names. */
  width: number;
  /** A parameter named `__proto__` needs defineProperty to land in a plain object. */
  hasProtoName: boolean;
}

/** What the directives of a file say, as the sweep reports them. */
export interface SweepDirectives {
  /** `#@link` lines: parameters that advance together. */
  links: readonly Link[];
  /** `#@exclude` lines, as written. */
  exclusions: readonly { rule: string; line: number }[];
  /** Combinations before exclusions: the product over the axes (a link group counts once). */
  combinations: bigint;
}

export class Sweep {
  /** Varied parameters in file order; the last one changes fastest. */
  readonly parameters: readonly Parameter[];
  readonly constants: readonly Constant[];
  /**
   * Number of tuples: the product of the axes' value counts (exact, any size), less the
   * combinations an exclusion rule leaves out.
   */
  readonly count: bigint;
  readonly template: string;
  readonly links: SweepDirectives['links'];
  readonly exclusions: SweepDirectives['exclusions'];
  readonly combinations: bigint;
  /** @internal */
  readonly plan: SweepPlan;

  constructor(
    template: string,
    parameters: Parameter[],
    constants: Constant[],
    count: bigint,
    plan: SweepPlan,
    directives: SweepDirectives = { links: [], exclusions: [], combinations: count },
  ) {
    this.template = template;
    this.parameters = parameters;
    this.constants = constants;
    this.count = count;
    this.plan = plan;
    this.links = directives.links;
    this.exclusions = directives.exclusions;
    this.combinations = directives.combinations;
  }
}

export function parseSweep(text: string, options: SweepOptions = {}): Sweep {
  const maxTuples = options.maxTuples ?? DEFAULT_MAX_TUPLES;
  if (!(maxTuples === Infinity || (Number.isSafeInteger(maxTuples) && maxTuples >= 1))) {
    throw new RangeError(`maxTuples must be a positive integer or Infinity, got ${maxTuples}`);
  }
  // One pass in file order, so the first error reported is the first in the file.
  const keys: KeyLine[] = [];
  const sets: ValueSet[] = [];
  const byName = new Map<string, KeyLine>();
  const links: LinkDirective[] = [];
  const rules: ExclusionRule[] = [];
  for (const entry of scanIni(text)) {
    if ('directive' in entry) {
      readDirective(entry, links, rules);
      continue;
    }
    checkUniqueName(byName, entry);
    keys.push(entry);
    sets.push(valueSetOf(entry.tokens, entry.line));
  }

  const named = keys.map((key) => ({ name: nameOf(key.section, key.key), key: key.key, line: key.line }));
  const lookup = nameLookup(named);
  const axes = axesOf(
    named,
    sets.map((set) => set.size),
    links,
    lookup,
  );
  const count = axes.sizes.reduce((product, size) => product * size, 1n);
  if (rules.length > 0) {
    checkRuleWork(count, rules);
  } else if (maxTuples !== Infinity && count > BigInt(maxTuples)) {
    const sizes = axes.sizes.map(describeCount);
    const product = sizes.length <= 8 ? sizes.join(' × ') : `${sizes.length} varied parameters`;
    throw new SweepError(
      'too_many_tuples',
      `the sweep has ${describeCount(count)} tuples (${product}), more than the limit of ${maxTuples}`,
    );
  }
  keys.forEach((key, i) => {
    const size = sets[i]!.size;
    if (size > BigInt(MAX_VALUES_PER_PARAMETER)) {
      throw new SweepError(
        'too_many_values',
        `${key.key} has ${size} values; at most ${MAX_VALUES_PER_PARAMETER} per parameter`,
        { line: key.line, column: key.column },
      );
    }
  });
  const sweep = compile(text, keys, sets, axes, count);
  return rules.length === 0 ? sweep : withExclusions(sweep, { keys: named, axes, rules, lookup, maxTuples });
}

function readDirective(entry: DirectiveLine, links: LinkDirective[], rules: ExclusionRule[]): void {
  const located = { body: entry.body, line: entry.line, column: entry.bodyColumn };
  if (entry.directive === 'link') links.push({ names: parseNames(located), line: entry.line });
  else rules.push({ rule: parseRule(located), line: entry.line, text: entry.body.trim() });
}

/** Rules are evaluated over every combination: refuse before spending the time. */
function checkRuleWork(combinations: bigint, rules: readonly ExclusionRule[]): void {
  const comparisons = rules.reduce((sum, { rule }) => sum + comparisonsIn(rule), 0);
  const line = rules[0]!.line;
  if (combinations > BigInt(MAX_COMBINATIONS_WITH_EXCLUSIONS)) {
    throw new SweepError(
      'too_many_combinations',
      `the sweep has ${describeCount(combinations)} combinations before exclusions; ` +
        `exclusion rules are checked over at most ${MAX_COMBINATIONS_WITH_EXCLUSIONS}`,
      { line },
    );
  }
  if (combinations * BigInt(comparisons) > BigInt(MAX_RULE_WORK)) {
    throw new SweepError(
      'too_many_combinations',
      `${comparisons} comparisons over ${combinations} combinations are more than the ` +
        `${MAX_RULE_WORK} the exclusion rules may take; use fewer comparisons or fewer combinations`,
      { line },
    );
  }
}

interface ExclusionInput {
  keys: readonly { name: string; line: number }[];
  axes: Axes;
  rules: readonly ExclusionRule[];
  lookup: NameLookup;
  maxTuples: number;
}

/** The sweep again, numbered over the combinations no rule excludes. */
function withExclusions(full: Sweep, { keys, axes, rules, lookup, maxTuples }: ExclusionInput): Sweep {
  const valuesOf = new Map<string, readonly string[]>();
  for (const p of full.parameters) valuesOf.set(p.name, p.values);
  for (const c of full.constants) valuesOf.set(c.name, [c.value]);
  const ruleKeys = keys.map(({ name, line }, i) => ({
    name,
    line,
    values: valuesOf.get(name)!,
    axis: axes.axisOfKey[i]!,
  }));
  const excluded = compileExclusions(rules, ruleKeys, lookup);
  const combinations = full.count;
  const limit = maxTuples === Infinity ? Number(combinations) : maxTuples;
  const kept = keptPositions(full.plan.radices, excluded, limit);
  if (kept === null) {
    throw new SweepError(
      'too_many_tuples',
      `the sweep keeps more than ${maxTuples} of its ${combinations} combinations after exclusions, more than the limit`,
    );
  }
  if (kept.length === 0) {
    throw new SweepError(
      'everything_excluded',
      `the exclusion rules leave none of the ${combinations} combinations`,
      { line: rules[0]!.line },
    );
  }
  const count = BigInt(kept.length);
  const plan: SweepPlan = {
    ...full.plan,
    kept,
    countNumber: kept.length,
    width: String(kept.length - 1).length,
  };
  return new Sweep(full.template, [...full.parameters], [...full.constants], count, plan, {
    links: full.links,
    exclusions: rules.map(({ text, line }) => ({ rule: text, line })),
    combinations,
  });
}

/** Exact up to 30 digits; beyond, the order of magnitude (a 10^100000 count is not worth printing). */
function describeCount(count: bigint): string {
  const digits = count.toString();
  return digits.length <= 30 ? digits : `about ${digits[0]}.${digits.slice(1, 3)} × 10^${digits.length - 1}`;
}

function nameOf(section: string | null, key: string): string {
  return section === null ? key : `${section}.${key}`;
}

function checkUniqueName(byName: Map<string, KeyLine>, entry: KeyLine): void {
  const name = nameOf(entry.section, entry.key);
  const earlier = byName.get(name);
  if (!earlier) {
    byName.set(name, entry);
    return;
  }
  const where = { line: entry.line, column: entry.column };
  if (earlier.section === entry.section) {
    const inSection = entry.section === null ? '' : ` in section [${excerpt(entry.section)}]`;
    throw new SweepError(
      'duplicate_key',
      `duplicate key ${excerpt(entry.key)}${inSection} (first set on line ${earlier.line})`,
      where,
    );
  }
  throw new SweepError(
    'duplicate_name',
    `parameter name ${excerpt(name)} is already used on line ${earlier.line}; rename one of the keys`,
    where,
  );
}

function compile(
  text: string,
  keys: readonly KeyLine[],
  sets: readonly ValueSet[],
  axes: Axes,
  count: bigint,
): Sweep {
  const parameters: Parameter[] = [];
  const constants: Constant[] = [];
  const texts: string[][] = [];
  const axisOf: number[] = [];
  const segments: string[] = [];
  let segment = '';
  let copied = 0; // template offset up to which `segment` holds the text

  keys.forEach((entry, i) => {
    const set = sets[i]!;
    const name = nameOf(entry.section, entry.key);
    const first = entry.tokens[0];
    const last = entry.tokens[entry.tokens.length - 1];
    if (set.size <= 1n || !first || !last) {
      const single = materialize(set);
      constants.push({
        name,
        section: entry.section,
        key: entry.key,
        value: single.values[0] ?? '',
        line: entry.line,
      });
      // A one-value range (`1...1...1`) is written as its value; anything else stays as it is.
      if (first && last && set.pieces[0]?.kind === 'range') {
        segment += text.slice(copied, first.start) + single.texts[0]!;
        copied = last.end;
      }
      return;
    }
    const { values, texts: valueTexts } = materialize(set);
    checkDistinct(values, entry);
    parameters.push({ name, section: entry.section, key: entry.key, values, line: entry.line });
    texts.push(valueTexts);
    axisOf.push(axes.axisOfKey[i]!);
    segments.push(segment + text.slice(copied, first.start));
    segment = '';
    copied = last.end;
  });
  segments.push(segment + text.slice(copied));

  const labels = directoryLabels(parameters);
  const components = parameters.map((p, i) => p.values.map((value) => component(labels[i]!, value)));
  const countNumber = count <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(count) : null;
  const plan: SweepPlan = {
    segments,
    texts,
    components,
    radices: axes.sizes.map(Number),
    axisOf,
    kept: null,
    countNumber,
    width: (count - 1n).toString().length,
    hasProtoName: parameters.some((p) => p.name === '__proto__'),
  };
  return new Sweep(text, parameters, constants, count, plan, {
    links: axes.links,
    exclusions: [],
    combinations: count,
  });
}

function checkDistinct(values: readonly string[], entry: KeyLine): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) {
      throw new SweepError(
        'duplicate_value',
        `value ${excerpt(JSON.stringify(value))} is listed twice for ${excerpt(entry.key)}; every tuple would run twice`,
        { line: entry.line, column: entry.column },
      );
    }
    seen.add(value);
  }
}
