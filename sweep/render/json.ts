// `json`: one object, nested by section; numbers as numbers (spelled as JSON allows),
// `true`/`false` as booleans, everything else (and every quoted value) as a string.
import { groupBySection, strictNumber, type SweepKey, type TypedValue } from './keys.ts';
import { LayoutBuilder, type Layout } from './layout.ts';
import { appendValue } from './value-text.ts';

export function spellJson(value: TypedValue): string {
  if (value.type === 'string') return JSON.stringify(value.text);
  if (value.type === 'boolean') return value.text;
  return strictNumber(value.text);
}

function appendMembers(
  builder: LayoutBuilder,
  keys: readonly SweepKey[],
  indent: string,
  last: boolean,
): void {
  keys.forEach((key, i) => {
    builder.text(`${indent}${JSON.stringify(key.key)}: `);
    appendValue(builder, key, spellJson);
    builder.text(i === keys.length - 1 && last ? '\n' : ',\n');
  });
}

export function jsonLayout(keys: readonly SweepKey[]): Layout {
  const { top, sections } = groupBySection(keys);
  const builder = new LayoutBuilder().text('{\n');
  appendMembers(builder, top, '  ', sections.length === 0);
  sections.forEach((section, i) => {
    const comma = i === sections.length - 1 ? '' : ',';
    builder.text(`  ${JSON.stringify(section.name)}: {\n`);
    appendMembers(builder, section.keys, '    ', true);
    builder.text(`  }${comma}\n`);
  });
  return builder.text('}\n').build();
}
