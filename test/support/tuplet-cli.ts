// The `tuplet` command as a child process against a running server, for CLI tests: its exit
// code and output whether it succeeded or not (the test's assertion says which it expects).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const TUPLET = path.resolve('bin/tuplet');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `tuplet ARGS` with TUPLET_URL and TUPLET_TOKEN set to `at`'s. */
export function runTuplet(args: string[], at: { url: string; token: string }): Promise<CliResult> {
  const env = { ...process.env, TUPLET_URL: at.url, TUPLET_TOKEN: at.token };
  return run(TUPLET, args, { env }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: CliResult) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}
