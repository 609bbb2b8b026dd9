// A rendered input as fixed text with holes, compiled once per series: filling it for a tuple
// is a concatenation, as cheap as the INI renderer's (sweep/tuples.ts renderTuple).
import type { Tuple } from '../tuples.ts';

export type Hole =
  /** A varied parameter: its value's text in this format, by value. */
  { kind: 'value'; name: string; texts: ReadonlyMap<string, string> } | { kind: 'index' } | { kind: 'dir' };

export interface Layout {
  /** segments[i] precedes holes[i]; one more segment than holes. */
  segments: string[];
  holes: Hole[];
}

/** Builds a layout from left to right: text, then a hole, then text… */
export class LayoutBuilder {
  private readonly segments: string[] = [];
  private readonly holes: Hole[] = [];
  private current = '';

  text(text: string): this {
    this.current += text;
    return this;
  }

  hole(hole: Hole): this {
    this.segments.push(this.current);
    this.holes.push(hole);
    this.current = '';
    return this;
  }

  build(): Layout {
    return { segments: [...this.segments, this.current], holes: [...this.holes] };
  }
}

/** A varied key's hole: every value's text computed once, here. */
export function valueHole(name: string, values: readonly string[], textOf: (value: string) => string): Hole {
  return { kind: 'value', name, texts: new Map(values.map((value) => [value, textOf(value)])) };
}

export function fill(layout: Layout, tuple: Tuple): string {
  const { segments, holes } = layout;
  let out = segments[0]!;
  for (let i = 0; i < holes.length; i++) {
    const hole = holes[i]!;
    if (hole.kind === 'value') out += hole.texts.get(tuple.values[hole.name]!)!;
    else if (hole.kind === 'index') out += String(tuple.index);
    else out += tuple.dir;
    out += segments[i + 1]!;
  }
  return out;
}
