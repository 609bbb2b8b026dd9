// A series' input, checked before anything is stored: the application's declared input must
// render the sweep (a template's placeholders all known, every varied parameter used, names
// that fit the format). 422 `invalid_input` with the sweep's or the template's line.
import type { InputSpec } from '../../core/input-format.ts';
import { findApplication } from '../../db/applications.ts';
import { HostInputError } from '../../hosts/errors.ts';
import { templateOf } from '../../hosts/run-input.ts';
import type { Sweep } from '../../sweep/index.ts';
import { compileInput, InputFormatError } from '../../sweep/render/index.ts';
import type { ApiDeps } from '../context.ts';
import { ApiError } from '../errors.ts';

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
 * The preview's share of the same check, so the form shows a template's unknown placeholder
 * or unused varied parameter with its line before launch: the application's own input
 * against the sweep. A template only the series' input package holds (the preview has no
 * package) waits for series creation.
 */
export async function checkInputAtPreview(
  deps: Pick<ApiDeps, 'db'>,
  sweep: Sweep,
  application: string,
): Promise<void> {
  const app = await findApplication(deps.db, application);
  if (!app?.input) return;
  if (app.input.format === 'template' && app.input.templateText === undefined) return;
  await checkInput(sweep, app.input, app.configFile, undefined);
}
