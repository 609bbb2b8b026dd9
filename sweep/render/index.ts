// What each run of an application receives, rendered from its tuple: the config file in the
// application's input format (core/input-format.ts), `.tuplet/env` with every key as a
// TUPLET_P_* variable, and for `args` the `.tuplet/argv` elements. Compiled once per series
// (errors name the line), then filled per tuple by concatenation. Pure, like the rest of
// sweep/, but not exported from sweep/index.ts: workflows never render inputs.
import { RUN_ARGV_FILE, RUN_ENV_FILE, type InputSpec } from '../../core/input-format.ts';
import type { Sweep } from '../parse.ts';
import { renderTuple, type Tuple } from '../tuples.ts';
import { argsLayout } from './args.ts';
import { envLayout } from './env.ts';
import { InputFormatError } from './errors.ts';
import { jsonLayout } from './json.ts';
import { sweepKeys, type SweepKey } from './keys.ts';
import { fill, type Layout } from './layout.ts';
import { namelistLayout } from './namelist.ts';
import { templateLayout, type TemplateSource } from './template.ts';
import { tomlLayout } from './toml.ts';
import { yamlLayout } from './yaml.ts';

export { InputFormatError } from './errors.ts';
export { argPatternProblem, DEFAULT_ARG_PATTERN } from './args.ts';
export { parameterEnvName, PARAMETER_ENV_PREFIX } from './env.ts';
export { MAX_TEMPLATE_BYTES, type TemplateSource } from './template.ts';

/** One file of a run, relative to its directory. */
export interface RunFile {
  path: string;
  render(tuple: Tuple): string;
}

export interface CompileOptions {
  /** The application's config file: where the input goes unless `spec.file` says otherwise. */
  configFile: string;
  /** `template`: the template's text, read from the package or the application. */
  template?: TemplateSource;
}

const layoutFile = (path: string, layout: Layout): RunFile => ({
  path,
  render: (tuple) => fill(layout, tuple),
});

function formatLayout(keys: SweepKey[], spec: InputSpec, options: CompileOptions): Layout {
  switch (spec.format) {
    case 'json':
      return jsonLayout(keys);
    case 'yaml':
      return yamlLayout(keys);
    case 'toml':
      return tomlLayout(keys);
    case 'namelist':
      return namelistLayout(keys);
    case 'template':
      if (!options.template) {
        throw new InputFormatError(`the template ${JSON.stringify(spec.template ?? '')} was not found`);
      }
      return templateLayout(keys, options.template);
    default:
      throw new InputFormatError(`unknown input format ${JSON.stringify(spec.format)}`);
  }
}

/** The files every run gets; throws InputFormatError naming the line that cannot be rendered. */
export function compileInput(sweep: Sweep, spec: InputSpec, options: CompileOptions): RunFile[] {
  const keys = sweepKeys(sweep);
  const file = spec.file ?? options.configFile;
  const files: RunFile[] = [];
  if (spec.format === 'ini') files.push({ path: file, render: (tuple) => renderTuple(sweep, tuple.index) });
  else if (spec.format === 'args') files.push(layoutFile(RUN_ARGV_FILE, argsLayout(keys, spec.argPattern)));
  else files.push(layoutFile(file, formatLayout(keys, spec, options)));
  files.push(layoutFile(RUN_ENV_FILE, envLayout(keys)));
  return files;
}
