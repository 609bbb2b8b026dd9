// Key files of a host are paths on the machine of the worker that serves it. An admin may
// write them relative to that worker's home directory (`~/.ssh/id_ed25519`), which only
// the worker can resolve: the API runs elsewhere and would resolve its own home instead.
import os from 'node:os';
import path from 'node:path';

/** `~/x` → `<home of this process>/x`; absolute paths as they are; anything else refused. */
export function resolveWorkerPath(file: string, home: string = os.homedir()): string {
  if (file.startsWith('~/')) return path.join(home, file.slice(2));
  if (path.isAbsolute(file)) return file;
  throw new Error(`'${file}' is neither absolute nor relative to the worker's home (~/)`);
}
