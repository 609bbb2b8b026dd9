// parseSweep: INI text → a Sweep, compiled once into what tuple access needs (value texts,
// template segments, directory components), so tupleAt/renderTuple cost microseconds.
import { SweepError, excerpt } from './errors.ts';
import { component, directoryLabels } from './naming.ts';
import { scanIni, type KeyLine } from './scan.ts';
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
  radices: number[];
  /** The count as a number when it is a safe integer, else null (decode with bigints). */
  countNumber: number | null;
  /** Digits of the largest index: the zero padding of directory names. */
  width: number;
  /** A parameter named `__proto__` needs defineProperty to land in a plain object. */
  hasProtoName: boolean;
}

export class Sweep {
  /** Varied parameters in file order; the last one changes fastest. */
  readonly parameters: readonly Parameter[];
  readonly constants: readonly Constant[];
  /** Number of tuples: the product of the parameters' value counts (exact, any size). */
  readonly count: bigint;
  readonly template: string;
  /** @internal */
  readonly plan: SweepPlan;

  constructor(
    template: string,
    parameters: Parameter[],
    constants: Constant[],
    count: bigint,
    plan: SweepPlan,
  ) {
    this.template = template;
    this.parameters = parameters;
    this.constants = constants;
    this.count = count;
    this.plan = plan;
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
  for (const key of scanIni(text)) {
    checkUniqueName(byName, key);
    keys.push(key);
    sets.push(valueSetOf(key.tokens, key.line));
  }

  const count = sets.reduce((product, set) => (set.size > 1n ? product * set.size : product), 1n);
  if (maxTuples !== Infinity && count > BigInt(maxTuples)) {
    const sizes = sets.filter((set) => set.size > 1n).map((set) => describeCount(set.size));
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
  return compile(text, keys, sets, count);
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

function compile(text: string, keys: readonly KeyLine[], sets: readonly ValueSet[], count: bigint): Sweep {
  const parameters: Parameter[] = [];
  const constants: Constant[] = [];
  const texts: string[][] = [];
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
    radices: parameters.map((p) => p.values.length),
    countNumber,
    width: (count - 1n).toString().length,
    hasProtoName: parameters.some((p) => p.name === '__proto__'),
  };
  return new Sweep(text, parameters, constants, count, plan);
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
