// `namelist` (Fortran): one group per section, `&section key = value /`. Strings in single
// quotes (a quote doubled), `true`/`false` as .true./.false., numbers as written (Fortran
// reads 1e-3, .5 and 3. as they are). Names must be Fortran names, unique ignoring case.
import { excerpt } from '../errors.ts';
import { InputFormatError } from './errors.ts';
import { groupBySection, type SweepKey, type TypedValue } from './keys.ts';
import { LayoutBuilder, type Layout } from './layout.ts';
import { appendValue } from './value-text.ts';

const FORTRAN_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

export function spellNamelist(value: TypedValue): string {
  if (value.type === 'string') return `'${value.text.replaceAll("'", "''")}'`;
  if (value.type === 'boolean') return `.${value.text}.`;
  return value.text;
}

function checkNames(names: Array<{ name: string; line: number; what: string }>): void {
  const seen = new Map<string, number>();
  for (const { name, line, what } of names) {
    if (!FORTRAN_NAME.test(name)) {
      throw new InputFormatError(
        `${what} ${excerpt(JSON.stringify(name))} is not a Fortran name (a letter, then letters, digits or _; at most 63)`,
        { line },
      );
    }
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) {
      throw new InputFormatError(
        `${what} ${excerpt(name)} is the same Fortran name as the one on line ${earlier} (names ignore case)`,
        { line },
      );
    }
    seen.set(name.toLowerCase(), line);
  }
}

export function namelistLayout(keys: readonly SweepKey[]): Layout {
  const { top, sections } = groupBySection(keys);
  const first = top[0];
  if (first) {
    throw new InputFormatError(`key ${excerpt(first.key)} is before any section; a namelist needs a group`, {
      line: first.line,
    });
  }
  checkNames(sections.map((s) => ({ name: s.name, line: s.line, what: 'section' })));
  const builder = new LayoutBuilder();
  for (const section of sections) {
    checkNames(section.keys.map((k: SweepKey) => ({ name: k.key, line: k.line, what: 'key' })));
    builder.text(`&${section.name}\n`);
    for (const key of section.keys) {
      builder.text(`  ${key.key} = `);
      appendValue(builder, key, spellNamelist);
      builder.text('\n');
    }
    builder.text('/\n');
  }
  return builder.build();
}
