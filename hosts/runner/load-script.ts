// Host scripts travel as text (`bash -c TEXT`, or a copy in the series directory), so a
// shell fragment they share (hosts/runner/lib/*.sh) cannot be sourced on the host: at load
// time each line
//   source "$(dirname "${BASH_SOURCE[0]}")/RELATIVE/PATH.sh"
// is replaced by that file's text. In the checkout the same line sources the file, so the
// scripts run as they are and shellcheck (-x) follows the fragment.
import { readFileSync } from 'node:fs';

const SOURCE_LINE = /^source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)\/([A-Za-z0-9_./-]+\.sh)"$/gm;

/** The script at `url` with its fragments inlined. */
export function loadScript(url: URL): string {
  return readFileSync(url, 'utf8').replace(SOURCE_LINE, (_line, relative: string) =>
    readFileSync(new URL(relative, url), 'utf8').trimEnd(),
  );
}

/** The range filter as a shell function `tuples_in_ranges RANGES` (see its file), for scripts written in TypeScript. */
export const TUPLES_IN_RANGES_SH = readFileSync(
  new URL('./lib/tuples-in-ranges.sh', import.meta.url),
  'utf8',
);

/** Admission by load (its functions, see its file), for the poll's script written in TypeScript. */
export const ADMISSION_SH = readFileSync(new URL('./lib/admission.sh', import.meta.url), 'utf8');
