// `template`: a text file of the application or of the series' input package in which
// `{{section.key}}` (`{{key}}` before any section), `{{tuplet.index}}` and `{{tuplet.dir}}`
// are replaced per run by the value as the program reads it (quotes removed). Nothing else
// is interpreted: no expressions, no code. Checked when compiled, i.e. at preview and at
// series creation: a placeholder naming no key, or a varied parameter the template never
// uses, is an error naming its line.
import { excerpt } from '../errors.ts';
import { InputFormatError } from './errors.ts';
import type { SweepKey } from './keys.ts';
import { LayoutBuilder, type Layout } from './layout.ts';
import { appendValue } from './value-text.ts';

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
/** The largest template accepted (the API refuses larger ones first). */
export const MAX_TEMPLATE_BYTES = 1024 * 1024;

export interface TemplateSource {
  /** Shown in errors: the template's path. */
  name: string;
  text: string;
}

export function templateLayout(keys: readonly SweepKey[], template: TemplateSource): Layout {
  const byName = new Map(keys.map((key) => [key.name, key]));
  for (const reserved of ['tuplet.index', 'tuplet.dir']) {
    const key = byName.get(reserved);
    if (key) {
      throw new InputFormatError(`${reserved} is a placeholder of Tuplet's; rename this key`, {
        line: key.line,
      });
    }
  }
  const used = new Set<string>();
  const builder = new LayoutBuilder();
  let copied = 0;
  let line = 1;
  let lineCounted = 0;
  for (const match of template.text.matchAll(PLACEHOLDER)) {
    for (let i = lineCounted; i < match.index; i++) if (template.text.charCodeAt(i) === 10) line++;
    lineCounted = match.index;
    builder.text(template.text.slice(copied, match.index));
    copied = match.index + match[0].length;
    const name = match[1]!.trim();
    if (name === 'tuplet.index') builder.hole({ kind: 'index' });
    else if (name === 'tuplet.dir') builder.hole({ kind: 'dir' });
    else {
      const key = byName.get(name);
      if (!key) {
        throw new InputFormatError(
          `placeholder ${excerpt(match[0])} names no key of the sweep (keys: ${excerpt(keys.map((k) => k.name).join(', '), 80)}; and tuplet.index, tuplet.dir)`,
          { template: template.name, templateLine: line },
        );
      }
      used.add(name);
      appendValue(builder, key, (_typed, raw) => raw);
    }
  }
  builder.text(template.text.slice(copied));
  const unused = keys.find((key) => key.varied && !used.has(key.name));
  if (unused) {
    throw new InputFormatError(
      `${excerpt(unused.name)} is varied but the template ${excerpt(template.name)} never uses it ({{${excerpt(unused.name)}}})`,
      { line: unused.line },
    );
  }
  return builder.build();
}
