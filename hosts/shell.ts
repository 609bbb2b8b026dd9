// POSIX single-quote quoting: turns an argument list into one command string for a remote
// shell (ssh runs every command through the user's login shell). Inside single quotes a
// POSIX shell interprets nothing, so `$(…)`, `;`, backquotes, globs and newlines stay text;
// a single quote itself is written as '\'' (close, escaped quote, reopen).
// Used by the SSH transport only: local commands are spawned without a shell.

/** Characters that never need quoting in any POSIX shell (keeps logs readable). */
const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export class ShellQuoteError extends Error {
  override name = 'ShellQuoteError';
}

/** Quotes one argument so that a POSIX shell reads it back as exactly this string. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) throw new ShellQuoteError('an argument cannot contain a NUL byte');
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Quotes every argument and joins them with spaces: `['echo', 'a b']` → `echo 'a b'`. */
export function quoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new ShellQuoteError('empty command');
  return argv.map(quoteArg).join(' ');
}
