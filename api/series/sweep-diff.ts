// What differs between two series' sweeps, without the database: their INI as a unified diff
// (the `diff` package), the parameters whose values changed, and how each side's tuples are
// completed so that tuples of the two series can be matched by their values (db/compare.ts).
import { formatPatch, structuredPatch } from 'diff';
import type { Sweep } from '../../sweep/index.ts';

/** Beyond this many changed lines the files are called too different to diff (Myers is O(N·D)). */
export const MAX_EDIT_LENGTH = 2000;

export interface IniDiff {
  /** Unified diff lines (`--- `, `+++ `, `@@ … @@`, then ` `, `-`, `+` lines); empty when identical. */
  lines: string[];
  /** More than MAX_EDIT_LENGTH lines differ: no lines are given. */
  tooDifferent: boolean;
}

export function iniDiff(aName: string, a: string, bName: string, b: string): IniDiff {
  const patch = structuredPatch(aName, bName, a, b, undefined, undefined, {
    context: 3,
    maxEditLength: MAX_EDIT_LENGTH,
  });
  if (!patch) return { lines: [], tooDifferent: true };
  if (patch.hunks.length === 0) return { lines: [], tooDifferent: false };
  // formatPatch starts with a line of `=` (its separator between files) and ends with a newline.
  const text = formatPatch(patch);
  const lines = text.slice(text.indexOf('--- ')).replace(/\n$/, '').split('\n');
  return { lines, tooDifferent: false };
}

export interface ParameterChange {
  name: string;
  /** The values in A and in B (one for a constant); null where the series has no such key. */
  a: string[] | null;
  b: string[] | null;
}

function valuesByName(sweep: Sweep): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const c of sweep.constants) values.set(c.name, [c.value]);
  for (const p of sweep.parameters) values.set(p.name, [...p.values]);
  return values;
}

/** Every key whose values differ between the two sweeps, in A's file order then B's new keys. */
export function parameterChanges(a: Sweep, b: Sweep): ParameterChange[] {
  const [va, vb] = [valuesByName(a), valuesByName(b)];
  const same = (x: string[] | undefined, y: string[] | undefined) =>
    x !== undefined && y !== undefined && x.length === y.length && x.every((v, i) => v === y[i]);
  const changes: ParameterChange[] = [];
  for (const name of new Set([...va.keys(), ...vb.keys()])) {
    const [x, y] = [va.get(name), vb.get(name)];
    if (!same(x, y)) changes.push({ name, a: x ?? null, b: y ?? null });
  }
  return changes;
}

/**
 * The values each side's run keys are completed with: a parameter varied in one sweep and
 * constant in the other takes, on the constant side, its constant value (db/compare.ts).
 */
export function tupleFills(a: Sweep, b: Sweep): { a: Record<string, string>; b: Record<string, string> } {
  const fill = (mine: Sweep, other: Sweep) => {
    const varied = new Set(mine.parameters.map((p) => p.name));
    const constants = new Map(mine.constants.map((c) => [c.name, c.value]));
    const out: Record<string, string> = {};
    for (const p of other.parameters) {
      const value = constants.get(p.name);
      if (!varied.has(p.name) && value !== undefined) out[p.name] = value;
    }
    return out;
  };
  return { a: fill(a, b), b: fill(b, a) };
}

/** The parameters that identify a tuple: those varied in either series, A's first. */
export function identifyingParameters(a: Sweep, b: Sweep): string[] {
  return [...new Set([...a.parameters, ...b.parameters].map((p) => p.name))];
}
