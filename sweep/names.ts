// Parameter names as directives write them: `section.key`, `key` for a global key, or a bare
// `key` that only one section has — the same shorthand directory names use.
import { SweepError, excerpt } from './errors.ts';

export interface Named {
  name: string;
  key: string;
  line: number;
}

export type NameLookup = (name: string, where: { line: number; column: number }) => number;

/** Returns a lookup from a written name to the position of its entry in `entries`. */
export function nameLookup(entries: readonly Named[]): NameLookup {
  const byName = new Map<string, number>();
  const byKey = new Map<string, number[]>();
  entries.forEach((entry, i) => {
    byName.set(entry.name, i);
    const same = byKey.get(entry.key);
    if (same) same.push(i);
    else byKey.set(entry.key, [i]);
  });
  return (name, where) => {
    const exact = byName.get(name);
    if (exact !== undefined) return exact;
    const candidates = byKey.get(name) ?? [];
    if (candidates.length === 1) return candidates[0]!;
    if (candidates.length === 0) {
      throw new SweepError('unknown_parameter', `no key named ${excerpt(name)} in this file`, where);
    }
    const choices = candidates.map((i) => `${entries[i]!.name} (line ${entries[i]!.line})`).slice(0, 4);
    throw new SweepError(
      'ambiguous_parameter',
      `${excerpt(name)} could be ${choices.join(' or ')}; write section.key`,
      where,
    );
  };
}
