// A series' input, checked before anything is stored: the application's declared input must
// render the sweep (a template's placeholders all known, every varied parameter used, names
// that fit the format). 422 `invalid_input` with the sweep's or the template's line.
import type { InputSpec } from '../../core/input-format.ts';
import { findApplication, type ApplicationRow } from '../../db/applications.ts';
import { HostInputError } from '../../hosts/errors.ts';
import { templateOf } from '../../hosts/run-input.ts';
import type { Sweep } from '../../sweep/index.ts';
import { compileInput, InputFormatError } from '../../sweep/render/index.ts';
import { ApiError } from '../errors.ts';
import { withPackageFile, type PackageDeps, type SeriesPackage } from './packages.ts';

export async function checkInput(
  sweep: Sweep,
  input: InputSpec,
  configFile: string,
  packagePath: string | undefined,
): Promise<void> {
  try {
    const template = input.format === 'template' ? await templateOf(input, packagePath) : undefined;
    compileInput(sweep, input, { configFile, ...(template ? { template } : {}) });
  } catch (error) {
    if (error instanceof InputFormatError) {
      const where =
        error.templateLine !== undefined
          ? { field: 'input.template', templateLine: error.templateLine }
          : {
              field: error.line !== undefined ? 'ini' : 'input',
              ...(error.line !== undefined ? { line: error.line } : {}),
            };
      throw new ApiError(422, 'invalid_input', error.message, where);
    }
    if (error instanceof HostInputError)
      throw new ApiError(422, 'invalid_input', error.message, { field: 'input.template' });
    throw error;
  }
}

/**
 * The input check of a series of `app` with this package (none: the application's own
 * template text): creation's and the preview's one rule. A template's file is the one thing
 * read from the package here (hosts/run-input.ts).
 */
export async function checkSeriesInput(
  deps: PackageDeps,
  sweep: Sweep,
  app: Pick<ApplicationRow, 'input' | 'configFile'>,
  pkg: SeriesPackage,
): Promise<void> {
  const spec = app.input;
  if (!spec) return;
  const fromPackage = spec.format === 'template' && spec.template ? pkg : {};
  await withPackageFile(deps, fromPackage, (file) => checkInput(sweep, spec, app.configFile, file));
}

/**
 * The preview's share of the same check, so the form shows a template's unknown placeholder
 * or unused varied parameter with its line before launch. With the package the series would
 * unpack (`pkg`, already checked as the user's by usePackage), a template it holds is checked
 * as creation checks it; without one, a template only a package could hold waits for creation.
 */
export async function checkInputAtPreview(
  deps: PackageDeps,
  sweep: Sweep,
  application: string,
  pkg: SeriesPackage | undefined,
): Promise<void> {
  const app = await findApplication(deps.db, application);
  if (!app?.input) return;
  if (!pkg && app.input.format === 'template' && app.input.templateText === undefined) return;
  await checkSeriesInput(deps, sweep, app, pkg ?? {});
}
