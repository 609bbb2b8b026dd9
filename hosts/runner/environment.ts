// What a run sees of the environment, on every kind of host. A run gets an allowlist of the
// environment it starts from (PATH, HOME, the locale…), the variables an admin set on the
// application and on the host, and Tuplet's own TUPLET_* variables: never the variables of
// the server or the host worker (TUPLET_ADMIN_TOKEN, DATABASE_URL, TEMPORAL_API_KEY, …).
//
// The same allowlist applies at three places:
//   - every command the local transport spawns starts from it (commandEnvironment), so
//     nothing Tuplet runs on this machine inherits the worker's secrets;
//   - the runner and the setup script start under `env -i` with it plus the admin's
//     variables (cleanEnvCommand), on local and ssh hosts alike;
//   - a SLURM job script rebuilds the run's environment from it (keepEnvironmentShell).
// This module is the one place outside config.ts that reads process.env (the lint rule
// exempts hosts/runner/): it reads only the allowlist.
import { HostInputError } from '../errors.ts';

/** Variables a run keeps from the environment it starts in. */
export const KEPT_NAMES = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TZ', 'TMPDIR'] as const;
/** …and every variable whose name starts with one of these (the locale categories). */
export const KEPT_PREFIXES = ['LC_'] as const;

/** Where the scheduler's commands look for its configuration when it is not in the default place. */
const SCHEDULER_NAMES = ['SLURM_CONF'] as const;

/** Names the runner, the job script or the scheduler set for each run: an admin cannot set them. */
const RESERVED_NAMES = new Set(['CUDA_VISIBLE_DEVICES']);
const RESERVED_PREFIXES = ['TUPLET_', 'SLURM_'];

/** A portable environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const MAX_ENV_ENTRIES = 64;
export const MAX_ENV_VALUE_LENGTH = 4096;

/** What is wrong with `name` as a variable an admin sets for runs, or undefined when it is fine. */
export function envNameProblem(name: string): string | undefined {
  if (!ENV_NAME.test(name) || name.length > 128) {
    return `${JSON.stringify(name)} is not a variable name (letters, digits and _, not starting with a digit)`;
  }
  if (RESERVED_NAMES.has(name) || RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    return `${name} is set by Tuplet or the scheduler for each run (${[...RESERVED_PREFIXES.map((p) => `${p}*`), ...RESERVED_NAMES].join(', ')})`;
  }
  return undefined;
}

/** What is wrong with `value` as the value of such a variable, or undefined. */
export function envValueProblem(value: string): string | undefined {
  if (value.includes('\0')) return 'a value cannot contain a NUL byte';
  if (value.length > MAX_ENV_VALUE_LENGTH) return `a value is at most ${MAX_ENV_VALUE_LENGTH} characters`;
  return undefined;
}

/** Throws HostInputError naming the first bad entry of an admin-set environment. */
export function checkRunEnv(env: Readonly<Record<string, string>>, owner: string): void {
  const entries = Object.entries(env);
  if (entries.length > MAX_ENV_ENTRIES) {
    throw new HostInputError(
      `${owner}: at most ${MAX_ENV_ENTRIES} environment variables, got ${entries.length}`,
    );
  }
  for (const [name, value] of entries) {
    const problem =
      envNameProblem(name) ?? (typeof value === 'string' ? envValueProblem(value) : 'not a string');
    if (problem) throw new HostInputError(`${owner}: environment variable ${name}: ${problem}`);
  }
}

/**
 * The variables an admin set for the runs of a series: the application's, then the host's
 * (a host's value wins: it describes the machine, e.g. where its CUDA lives). Checked again
 * here, whatever the API let through.
 */
export function adminEnvironment(
  series: { env?: Readonly<Record<string, string>> },
  host: { name?: string; env?: Readonly<Record<string, string>> },
): Record<string, string> {
  checkRunEnv(series.env ?? {}, 'the application');
  checkRunEnv(host.env ?? {}, host.name ? `host ${host.name}` : 'the host');
  return { ...series.env, ...host.env };
}

/** `NAME=value` words for `env`, in a stable order. */
export function envAssignments(env: Readonly<Record<string, string>>): string[] {
  return Object.keys(env)
    .sort()
    .map((name) => `${name}=${env[name]}`);
}

/**
 * Bash lines that fill the array `keep` with `NAME=value` of the allowlisted variables that
 * are set (plus `names` and every variable starting with one of `prefixes`). PATH gets the
 * usual default when unset, so `env -i` still finds programs.
 */
export function keepEnvironmentShell(
  options: { names?: readonly string[]; prefixes?: readonly string[] } = {},
): string {
  const names = [...KEPT_NAMES, ...(options.names ?? [])].join(' ');
  const prefixed = [...KEPT_PREFIXES, ...(options.prefixes ?? [])].map((p) => `"\${!${p}@}"`).join(' ');
  return `[[ -n \${PATH:-} ]] || PATH=/usr/local/bin:/usr/bin:/bin
keep=()
for name in ${names} ${prefixed}; do [[ -v $name ]] && keep+=("$name=\${!name}"); done`;
}

/**
 * `argv` run under `env -i` with the allowlist (read on the host, where the command runs)
 * and the admin's variables: what starts the runner and the setup script. Its input is
 * /dev/null: bash runs the account's ~/.bashrc before a `bash -c` whose input is a socket
 * (an SSH session, Node's pipes), which would export its variables past the allowlist.
 */
export function cleanEnvCommand(env: Readonly<Record<string, string>>, argv: readonly string[]): string[] {
  if (argv.length === 0 || argv[0]!.includes('='))
    throw new HostInputError('cleanEnvCommand needs a program');
  const script = `${keepEnvironmentShell()}
exec env -i "\${keep[@]}" "$@" </dev/null`;
  return ['bash', '-c', script, 'tuplet-env', ...envAssignments(env), ...argv];
}

/**
 * bash runs ~/.bashrc before a `bash -c` whose input is a socket (Node's pipes are) only at
 * the first shell level: Tuplet's commands say they are not, so no rc file runs before each.
 */
export const NOT_FIRST_SHELL = 'SHLVL=1';

/**
 * The environment of every command the local transport spawns: the allowlist of this
 * process's environment (plus SLURM_CONF, which the scheduler's commands may need), nothing else.
 */
export function commandEnvironment(from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const [level, one] = NOT_FIRST_SHELL.split('=') as [string, string];
  const out: Record<string, string> = { [level]: one };
  for (const [name, value] of Object.entries(from)) {
    if (value === undefined) continue;
    const kept =
      (KEPT_NAMES as readonly string[]).includes(name) ||
      (SCHEDULER_NAMES as readonly string[]).includes(name) ||
      KEPT_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (kept) out[name] = value;
  }
  return out;
}
