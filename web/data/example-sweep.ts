// The example sweep a newcomer can launch at once (the embedded stack's `spiral` application),
// read from examples/ so the form shows what the example really runs.
import { readFile } from 'node:fs/promises';

const FALLBACK =
  '; An example sweep: every combination of the listed values is one run.\n[model]\nalpha = 0.1 0.2 0.5\nbeta = 1...1...4\nsteps = 100\n';

export async function exampleIni(): Promise<string> {
  try {
    return await readFile(new URL('../../examples/spiral/sweep.ini', import.meta.url), 'utf8');
  } catch {
    return FALLBACK;
  }
}
