// The template example registered at first start (examples/binding/): a program that reads its
// own model language, given its runs through an application `template` input. Its definition
// is examples/binding/application.json; only what depends on this checkout is added here: the
// command's absolute path, and the template's text (frozen in each series' snapshot).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { InputSpec } from '../core/input-format.ts';
import type { NewApplication } from '../db/applications.ts';

const exampleDir = fileURLToPath(new URL('../examples/binding/', import.meta.url));
export const TEMPLATE_EXAMPLE_SCRIPT = 'examples/binding/binding.py';

interface Definition {
  name: string;
  configFile: string;
  input: InputSpec & { template: string };
  description: string;
}

/** The example application as bootstrap registers it. */
export async function templateExampleApplication(): Promise<NewApplication> {
  const definition = JSON.parse(await readFile(`${exampleDir}application.json`, 'utf8')) as Definition;
  const templateText = await readFile(`${exampleDir}${definition.input.template}`, 'utf8');
  return {
    ...definition,
    command: `python3 ${JSON.stringify(`${exampleDir}binding.py`)}`,
    input: { ...definition.input, templateText },
    collect: [],
  };
}
