// Bring your own code on the host (docs/own-code.md): what an own-code series runs. Its setup
// is own-code-env.sh with the series' environment key, interpreter and requirement lines as
// arguments (built or reused once per series, before any run or array job); its runs execute
// the package's entry point with that environment's interpreter first on PATH.
import type { ApplicationSnapshot } from '../db/applications.ts';
import { HOST_CACHE_TTL_HOURS } from './cache-ttl.ts';
import { TUPLET_DIR } from './paths.ts';
import { loadScript } from './runner/load-script.ts';
import { quoteArg, quoteCommand } from './shell.ts';

const ENV_SCRIPT = loadScript(new URL('./runner/own-code-env.sh', import.meta.url));

/** Where the setup links the series' environment, relative to the series directory. */
export const OWN_CODE_ENV_LINK = `${TUPLET_DIR}/own-code-env`;

/** The package's entry point when its manifest names no command. */
export const OWN_CODE_ENTRY = 'code.py';

/**
 * The series' setup script: the environment's build (or reuse), then the pruning of others unused
 * for `pruneAfterHours` (0: none; TUPLET_HOST_CACHE_TTL_HOURS, 7 days by default), with its
 * arguments set first. Unused = no setup used it and no series linking it changed on the host
 * since (own-code-env.sh, docs/own-code.md "Pruning").
 */
export function ownCodeSetup(
  ownCode: NonNullable<ApplicationSnapshot['ownCode']>,
  pruneAfterHours = HOST_CACHE_TTL_HOURS,
): string {
  const args = quoteCommand(['set', '--', ownCode.envKey, ownCode.python, ...ownCode.requirements]);
  const pruneAfter = Math.max(0, Math.round(pruneAfterHours * 3600));
  return `PRUNE_AFTER=${pruneAfter}\n${args}\n${ENV_SCRIPT}`;
}

/**
 * A run's command (run by bash in the run directory, `runs/<dir>/`, the package two levels up):
 * the environment's bin first on PATH, then the manifest's command, else
 * `python ../../code.py <configFile>`. An `args` input's arguments are appended to its end.
 */
export function ownCodeCommand(configFile: string, manifestCommand?: string): string {
  const environment = `export VIRTUAL_ENV="$TUPLET_DIR/../../${OWN_CODE_ENV_LINK}" && export PATH="$VIRTUAL_ENV/bin:$PATH"`;
  const program = manifestCommand ?? `exec python ../../${OWN_CODE_ENTRY} ${quoteArg(configFile)}`;
  return `${environment} && ${program}`;
}
