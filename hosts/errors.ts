// Errors of the host layer that activities turn into typed Temporal failures by `name`.

/** A command ran on the host and exited non-zero (or was killed). */
export class CommandFailedError extends Error {
  override name = 'CommandFailedError';
  constructor(
    readonly host: string,
    /** What was run, for the message: the program and its first arguments, no input data. */
    readonly command: string,
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n');
    super(`${host}: ${command} exited with ${exitCode}${tail ? `: ${tail}` : ''}`);
  }
}

/** An uploaded package that must not be unpacked (bad path, a link, too large, unreadable). */
export class PackageError extends Error {
  override name = 'PackageError';
  constructor(
    readonly code:
      | 'traversal'
      | 'reserved'
      | 'link'
      | 'special'
      | 'too_large'
      | 'too_many_entries'
      | 'unsupported'
      | 'unreadable',
    message: string,
    /** The offending entry of the package, when one is to blame. */
    readonly entry?: string,
  ) {
    super(message);
  }
}

/** Input the host layer refuses before doing anything (bad series id, config file name, …). */
export class HostInputError extends Error {
  override name = 'HostInputError';
}

/** A short description of a command for messages: never its input, at most a few words. */
export function describeCommand(argv: readonly string[]): string {
  const shown =
    argv[0] === 'bash' && argv[1] === '-c' ? [argv[0], argv[1], '…', ...argv.slice(3, 5)] : argv.slice(0, 4);
  return shown.join(' ') + (argv.length > shown.length ? ' …' : '');
}
