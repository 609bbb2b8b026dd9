// `yaml`: a mapping nested by section. Scalars are spelled by the `yaml` package for YAML 1.1,
// so that PyYAML (1.1) and YAML 1.2 readers agree: `yes`, `on`, `0x1F` stay quoted strings.
// Numbers are spelled here, in the form both versions read as the same number (1e-3 → 1.0e-3).
import { stringify } from 'yaml';
import { groupBySection, strictNumber, type SweepKey, type TypedValue } from './keys.ts';
import { LayoutBuilder, type Layout } from './layout.ts';
import { appendValue } from './value-text.ts';

/** One plain or quoted scalar on one line (INI values never hold a line break). */
function scalar(text: string): string {
  return stringify(text, { version: '1.1', lineWidth: 0 }).trimEnd();
}

export function spellYaml(value: TypedValue): string {
  if (value.type === 'string') return scalar(value.text);
  if (value.type === 'boolean') return value.text;
  return strictNumber(value.text, { plus: true, exponentPoint: true });
}

function appendMembers(builder: LayoutBuilder, keys: readonly SweepKey[], indent: string): void {
  for (const key of keys) {
    builder.text(`${indent}${scalar(key.key)}: `);
    appendValue(builder, key, spellYaml);
    builder.text('\n');
  }
}

export function yamlLayout(keys: readonly SweepKey[]): Layout {
  const { top, sections } = groupBySection(keys);
  const builder = new LayoutBuilder();
  appendMembers(builder, top, '');
  for (const section of sections) {
    builder.text(`${scalar(section.name)}:\n`);
    appendMembers(builder, section.keys, '  ');
  }
  return builder.build();
}
