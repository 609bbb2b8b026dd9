// `#@link a b …`: varied parameters that advance together. Each link group becomes one axis
// of the mixed radix, at the place of its first member in file order; every other varied
// parameter is an axis of its own, so a file without links numbers its tuples as it always did.
import { SweepError, excerpt } from './errors.ts';
import type { NameLookup, Named } from './names.ts';

export interface LinkDirective {
  names: Array<{ name: string; column: number }>;
  line: number;
}

/** A link as the sweep reports it: the members' full names, in the order written. */
export interface Link {
  names: string[];
  line: number;
}

export interface Axes {
  /** Per key: its axis, or -1 for a constant. */
  axisOfKey: number[];
  /** Per axis: its number of values. */
  sizes: bigint[];
  links: Link[];
}

export function axesOf(
  keys: readonly Named[],
  sizes: readonly bigint[],
  directives: readonly LinkDirective[],
  lookup: NameLookup,
): Axes {
  const groupOfKey = new Map<number, number>();
  const links: Link[] = [];
  directives.forEach(({ names, line }, group) => {
    if (names.length < 2) {
      throw new SweepError('bad_link', 'a link needs at least two parameters: #@link a b', {
        line,
        column: names[0]?.column,
      });
    }
    const members: number[] = [];
    for (const { name, column } of names) {
      const where = { line, column };
      const key = lookup(name, where);
      const earlier = groupOfKey.get(key);
      if (earlier !== undefined) {
        const there = earlier === group ? 'in this link' : `on line ${directives[earlier]!.line}`;
        throw new SweepError('bad_link', `${excerpt(keys[key]!.name)} is already linked ${there}`, where);
      }
      const first = members[0];
      if (first !== undefined && sizes[key] !== sizes[first]) {
        throw new SweepError(
          'link_mismatch',
          mismatch(keys[first]!, sizes[first]!, keys[key]!, sizes[key]!),
          where,
        );
      }
      groupOfKey.set(key, group);
      members.push(key);
    }
    links.push({ names: members.map((key) => keys[key]!.name), line });
  });

  const axisOfGroup = new Map<number, number>();
  const axisSizes: bigint[] = [];
  const axisOfKey = keys.map((_, key) => {
    if (sizes[key]! <= 1n) return -1;
    const group = groupOfKey.get(key);
    const shared = group === undefined ? undefined : axisOfGroup.get(group);
    if (shared !== undefined) return shared;
    axisSizes.push(sizes[key]!);
    if (group !== undefined) axisOfGroup.set(group, axisSizes.length - 1);
    return axisSizes.length - 1;
  });
  return { axisOfKey, sizes: axisSizes, links };
}

function mismatch(a: Named, aSize: bigint, b: Named, bSize: bigint): string {
  const values = (n: bigint) => `${n} value${n === 1n ? '' : 's'}`;
  return (
    `${excerpt(a.name)} (line ${a.line}) has ${values(aSize)} but ${excerpt(b.name)} (line ${b.line}) has ` +
    `${values(bSize)}; linked parameters advance together and need as many values each`
  );
}
