// A local file the CLI sends as a request body (a series archive, a dataset version): read as
// it is sent, never held whole; a file that cannot be opened is the user's input error.
import { openAsBlob } from 'node:fs';
import { CliInputError } from './errors.ts';

export async function openFileAsBlob(file: string): Promise<Blob> {
  try {
    // openAsBlob throws at once for a missing file, and rejects for some other failures.
    return await openAsBlob(file);
  } catch (error) {
    throw new CliInputError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
