// A series' declared input (core/input-format.ts) compiled for staging: the files each run
// gets besides the INI config (sweep/render/). The template of a `template` input is read
// here, where the package is: from the series' input package when it holds the path, else
// the application's own text from the snapshot.
import type { InputSpec } from '../core/input-format.ts';
import type { Sweep } from '../sweep/index.ts';
import {
  compileInput,
  InputFormatError,
  MAX_TEMPLATE_BYTES,
  type RunFile,
  type TemplateSource,
} from '../sweep/render/index.ts';
import { HostInputError } from './errors.ts';
import type { SeriesSpec } from './executor.ts';
import { packageEntries, type PackageLimits } from './package.ts';
import { safeRelativePath } from './paths.ts';
import { checkedConfigFile } from './staging.ts';

/** The text of the package's file at `name`, or undefined when the package has none. */
export async function readPackageFile(
  packagePath: string,
  name: string,
  limits?: PackageLimits,
): Promise<string | undefined> {
  const wanted = safeRelativePath(name);
  if (wanted === undefined)
    throw new HostInputError(`template path ${JSON.stringify(name)} leaves the package`);
  for await (const entry of packageEntries(packagePath, limits)) {
    if (entry.path !== wanted || (entry.type ?? 'File') !== 'File') continue;
    if ((entry.size ?? 0) > MAX_TEMPLATE_BYTES) {
      throw new HostInputError(`template ${wanted} has ${entry.size} bytes, more than ${MAX_TEMPLATE_BYTES}`);
    }
    if (entry.data !== undefined) return Buffer.from(entry.data).toString('utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of await entry.open!()) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  return undefined;
}

/** The template a `template` input renders: the package's file first, else the application's text. */
export async function templateOf(
  spec: InputSpec,
  packagePath: string | undefined,
  limits?: PackageLimits,
): Promise<TemplateSource | undefined> {
  const name = spec.template ?? 'template';
  if (packagePath && spec.template) {
    const text = await readPackageFile(packagePath, spec.template, limits);
    if (text !== undefined) return { name, text };
  }
  return spec.templateText === undefined ? undefined : { name, text: spec.templateText };
}

/**
 * The files every run of the series gets, compiled once; undefined for a series without a
 * declared input (the INI config alone, exactly as before input formats).
 */
export async function runInputOf(
  series: Pick<SeriesSpec, 'input' | 'configFile' | 'packagePath'>,
  sweep: Sweep,
  limits?: PackageLimits,
): Promise<RunFile[] | undefined> {
  const spec = series.input;
  if (!spec) return undefined;
  if (spec.file !== undefined) checkedConfigFile(spec.file);
  const template =
    spec.format === 'template' ? await templateOf(spec, series.packagePath, limits) : undefined;
  try {
    return compileInput(sweep, spec, { configFile: series.configFile, ...(template ? { template } : {}) });
  } catch (error) {
    if (error instanceof InputFormatError) throw new HostInputError(error.message);
    throw error;
  }
}
