// How the CLI reports failures: input errors exit 2 with a message on stderr, others exit 1.
export class CliInputError extends Error {
  override name = 'CliInputError';
}

/** Errors that carry `exitCode: 2` semantics: bad input of any kind the user can fix. */
export function isInputError(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error instanceof CliInputError || (error as { inputError?: boolean }).inputError === true)
  );
}

export function exitWithError(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`tuplet: ${message}\n`);
  process.exit(isInputError(error) ? 2 : 1);
}
