// A key's value in a layout: fixed text for a constant, a hole filled per tuple for a varied
// parameter (each of its values spelled once, at compile time).
import type { SweepKey, TypedValue } from './keys.ts';
import { valueHole, type LayoutBuilder } from './layout.ts';

export function appendValue(
  builder: LayoutBuilder,
  key: SweepKey,
  spell: (value: TypedValue, raw: string) => string,
): void {
  const textOf = (value: string) => spell(key.typeOf(value), value);
  if (key.varied) builder.hole(valueHole(key.name, key.values, textOf));
  else builder.text(textOf(key.values[0]!));
}
