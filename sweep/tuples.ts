// Random access to tuples: index → position (the same number, unless exclusion rules left
// combinations out: then the index-th kept position, one array read) → digits by mixed radix
// over the axes (the paper's Algorithm 1, last axis fastest; a link group is one axis) →
// directory name, values and rendered config. No enumeration.
import { SweepError } from './errors.ts';
import { capLength } from './naming.ts';
import type { Sweep, SweepPlan } from './parse.ts';

export interface Tuple {
  /** A number whenever it is a safe integer, a bigint beyond 2^53. */
  index: number | bigint;
  /** Directory name of the run: zero-padded index, then `label=value` of each varied parameter. */
  dir: string;
  /** Parameter name → value, for the varied parameters. */
  values: Record<string, string>;
}

type Index = number | bigint;

export function tupleAt(sweep: Sweep, index: Index): Tuple {
  const at = checkedIndex(sweep, index);
  return buildTuple(sweep, at, digitsOf(sweep.plan, at));
}

/** The template with each varied value replaced by this tuple's; every other byte kept. */
export function renderTuple(sweep: Sweep, index: Index): string {
  return renderDigits(sweep.plan, digitsOf(sweep.plan, checkedIndex(sweep, index)));
}

/** Tuples start ≤ i < endExclusive, one at a time (digits advance like an odometer); bounds checked at the call. */
export function tuplesInRange(sweep: Sweep, start: Index, endExclusive: Index): IterableIterator<Tuple> {
  const [from, to] = [integer(start), integer(endExclusive)];
  if (from === null || to === null || from < 0n || to < from || to > sweep.count) {
    throw new SweepError(
      'index_out_of_range',
      `the range ${start} to ${endExclusive} (exclusive) is not within the sweep's ${sweep.count} tuples`,
    );
  }
  return iterate(sweep, from, to);
}

function* iterate(sweep: Sweep, from: bigint, to: bigint): IterableIterator<Tuple> {
  if (from === to) return;
  const first = checkedIndex(sweep, from);
  const { kept } = sweep.plan;
  if (kept !== null) {
    // Kept positions are not consecutive: decode each (a handful of divisions).
    for (let i = Number(first); i < Number(to); i++) yield buildTuple(sweep, i, decode(sweep.plan, kept[i]!));
    return;
  }
  const digits = decode(sweep.plan, first);
  if (typeof first === 'number') {
    const end = Number(to);
    for (let i = first; i < end; i++) {
      yield buildTuple(sweep, i, digits);
      advance(sweep.plan.radices, digits);
    }
  } else {
    for (let i = first; i < to; i++) {
      yield buildTuple(sweep, toIndex(i), digits);
      advance(sweep.plan.radices, digits);
    }
  }
}

function integer(index: Index): bigint | null {
  return typeof index === 'bigint' ? index : Number.isSafeInteger(index) ? BigInt(index) : null;
}

/** Numbers while the count is a safe integer (fast), bigints beyond. */
function checkedIndex(sweep: Sweep, index: Index): Index {
  const valid =
    typeof index === 'bigint'
      ? index >= 0n && index < sweep.count
      : Number.isSafeInteger(index) && index >= 0 && BigInt(index) < sweep.count;
  if (!valid) {
    throw new SweepError(
      'index_out_of_range',
      `tuple index ${index} is out of range: the sweep has ${sweep.count} tuple${sweep.count === 1n ? '' : 's'} (0 to ${sweep.count - 1n})`,
    );
  }
  return sweep.plan.countNumber === null ? BigInt(index) : Number(index);
}

function toIndex(i: bigint): Index {
  return i <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(i) : i;
}

function digitsOf(plan: SweepPlan, index: Index): number[] {
  return decode(plan, plan.kept === null ? index : plan.kept[Number(index)]!);
}

/** Position → one digit per axis, the last axis fastest. */
function decode(plan: SweepPlan, index: Index): number[] {
  const { radices } = plan;
  const digits = new Array<number>(radices.length);
  if (typeof index === 'number') {
    let rest = index;
    for (let p = radices.length - 1; p >= 0; p--) {
      const radix = radices[p]!;
      const digit = rest % radix;
      digits[p] = digit;
      rest = (rest - digit) / radix;
    }
  } else {
    let rest = index;
    for (let p = radices.length - 1; p >= 0; p--) {
      const radix = BigInt(radices[p]!);
      digits[p] = Number(rest % radix);
      rest /= radix;
    }
  }
  return digits;
}

function advance(radices: readonly number[], digits: number[]): void {
  for (let p = digits.length - 1; p >= 0; p--) {
    if (++digits[p]! < radices[p]!) return;
    digits[p] = 0;
  }
}

function buildTuple(sweep: Sweep, index: Index, digits: readonly number[]): Tuple {
  const { plan, parameters } = sweep;
  let dir = String(index).padStart(plan.width, '0');
  const values: Record<string, string> = {};
  for (let p = 0; p < parameters.length; p++) {
    const digit = digits[plan.axisOf[p]!]!;
    dir += `_${plan.components[p]![digit]!}`;
    const parameter = parameters[p]!;
    const value = parameter.values[digit]!;
    if (plan.hasProtoName && parameter.name === '__proto__') {
      Object.defineProperty(values, parameter.name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      values[parameter.name] = value;
    }
  }
  return { index: typeof index === 'bigint' ? toIndex(index) : index, dir: capLength(dir), values };
}

function renderDigits(plan: SweepPlan, digits: readonly number[]): string {
  const { segments, texts, axisOf } = plan;
  let out = segments[0]!;
  for (let p = 0; p < texts.length; p++) out += texts[p]![digits[axisOf[p]!]!]! + segments[p + 1]!;
  return out;
}

/**
 * The index of the tuple in which parameter p takes its value number `valueIndices[p]`, or
 * null when no tuple does (linked parameters that disagree, or a combination a rule excludes).
 * For views laid out by value, like the parameter map.
 */
export function indexOfValues(sweep: Sweep, valueIndices: readonly number[]): Index | null {
  const { plan, parameters } = sweep;
  if (valueIndices.length !== parameters.length) {
    throw new RangeError(`expected ${parameters.length} value indices, got ${valueIndices.length}`);
  }
  const digits = new Array<number | undefined>(plan.radices.length);
  for (let p = 0; p < parameters.length; p++) {
    const digit = valueIndices[p]!;
    if (!Number.isInteger(digit) || digit < 0 || digit >= parameters[p]!.values.length) return null;
    const axis = plan.axisOf[p]!;
    if (digits[axis] !== undefined && digits[axis] !== digit) return null;
    digits[axis] = digit;
  }
  let position = 0n;
  plan.radices.forEach((radix, axis) => (position = position * BigInt(radix) + BigInt(digits[axis]!)));
  if (plan.kept === null) return toIndex(position);
  const wanted = Number(position);
  let [low, high] = [0, plan.kept.length - 1];
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = plan.kept[middle]!;
    if (at === wanted) return middle;
    if (at < wanted) low = middle + 1;
    else high = middle - 1;
  }
  return null;
}
