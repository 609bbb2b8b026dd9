// `toml`: top-level keys, then one table per section. Keys, headers and strings are spelled by
// smol-toml (its quoting and escapes); numbers here, because a JavaScript number cannot tell
// the float 1.0 from the integer 1 and would lose 1e-3's spelling.
import { stringify } from 'smol-toml';
import { groupBySection, strictNumber, type SweepKey, type TypedValue } from './keys.ts';
import { LayoutBuilder, type Layout } from './layout.ts';
import { appendValue } from './value-text.ts';

/** TOML integers are signed 64-bit; a larger one is written as a float. */
const INT64_MAX = 2n ** 63n - 1n;

/** `key = ` as smol-toml spells it (bare or quoted). */
function keyPrefix(key: string): string {
  const line = stringify({ [key]: 0 });
  return line.slice(0, line.lastIndexOf('0'));
}

export function spellToml(value: TypedValue): string {
  if (value.type === 'string') {
    const line = stringify({ v: value.text });
    return line.slice('v = '.length).trimEnd();
  }
  if (value.type === 'boolean') return value.text;
  const text = strictNumber(value.text, { plus: true });
  if (value.type === 'integer') {
    const n = BigInt(text);
    if (n > INT64_MAX || n < -INT64_MAX - 1n) return `${text}.0`;
  }
  return text;
}

function appendMembers(builder: LayoutBuilder, keys: readonly SweepKey[]): void {
  for (const key of keys) {
    builder.text(keyPrefix(key.key));
    appendValue(builder, key, spellToml);
    builder.text('\n');
  }
}

export function tomlLayout(keys: readonly SweepKey[]): Layout {
  const { top, sections } = groupBySection(keys);
  const builder = new LayoutBuilder();
  appendMembers(builder, top);
  for (const section of sections) {
    const header = stringify({ [section.name]: {} }).trim();
    builder.text(`${top.length > 0 || section !== sections[0] ? '\n' : ''}${header}\n`);
    appendMembers(builder, section.keys);
  }
  return builder.build();
}
