// Every key as a variable of the run, `TUPLET_P_<SECTION>_<KEY>=value` (upper case, anything
// but letters and digits as `_`), given with every declared input format: `.tuplet/env`
// holds NUL-terminated `NAME=value` elements that the runner and the job script export.
import { excerpt } from '../errors.ts';
import { checkElementValues } from './argv-values.ts';
import { InputFormatError } from './errors.ts';
import type { SweepKey } from './keys.ts';
import { LayoutBuilder, type Layout } from './layout.ts';
import { appendValue } from './value-text.ts';

export const PARAMETER_ENV_PREFIX = 'TUPLET_P_';

export function parameterEnvName(key: Pick<SweepKey, 'section' | 'key'>): string {
  const name = key.section === null ? key.key : `${key.section}_${key.key}`;
  return PARAMETER_ENV_PREFIX + name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export function envLayout(keys: readonly SweepKey[]): Layout {
  checkElementValues(keys, 'an environment variable');
  const seen = new Map<string, SweepKey>();
  const builder = new LayoutBuilder();
  for (const key of keys) {
    const name = parameterEnvName(key);
    const earlier = seen.get(name);
    if (earlier) {
      throw new InputFormatError(
        `${excerpt(key.name)} and ${excerpt(earlier.name)} (line ${earlier.line}) would both be the variable ${name}; rename one`,
        { line: key.line },
      );
    }
    seen.set(name, key);
    builder.text(`${name}=`);
    appendValue(builder, key, (_typed, raw) => raw);
    builder.text('\0');
  }
  return builder.build();
}
