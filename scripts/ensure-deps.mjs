#!/usr/bin/env node
// Runs before `npm start` and `npm test` (prestart/pretest): installs what a fresh clone
// lacks — node_modules (npm ci) and the Temporal CLI (scripts/ensure-temporal.sh) — and
// does nothing, in a few milliseconds, when both are there. Plain Node, no dependencies:
// it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const lockFile = path.join(root, 'package-lock.json');
// npm writes this after every install: the state node_modules is in.
const installedLockFile = path.join(root, 'node_modules', '.package-lock.json');

function say(message) {
  console.error(`ensure-deps: ${message}`);
}

/** Why node_modules needs `npm ci`, or undefined when it is up to date. */
function reasonToInstall() {
  let installed;
  try {
    installed = statSync(installedLockFile);
  } catch {
    return 'node_modules is missing';
  }
  if (installed.mtimeMs >= statSync(lockFile).mtimeMs) return undefined;
  // Older than the lock file (a pull, a checkout): compare what is pinned with what is there,
  // so a mere touch does not reinstall everything.
  const wanted = JSON.parse(readFileSync(lockFile, 'utf8')).packages ?? {};
  const present = JSON.parse(readFileSync(installedLockFile, 'utf8')).packages ?? {};
  for (const [where, pkg] of Object.entries(wanted)) {
    if (where === '' || (pkg.optional && !present[where])) continue; // the root; optional deps of other platforms
    if (present[where]?.version !== pkg.version) return `package-lock.json changed (${where})`;
  }
  return undefined;
}

function installNodeModules(reason) {
  say(`${reason}: running npm ci`);
  const started = Date.now();
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (npm.status !== 0) {
    process.stderr.write(npm.stdout + npm.stderr);
    say(`npm ci failed (exit ${npm.status ?? npm.signal})`);
    process.exit(1);
  }
  say(`npm ci done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function ensureTemporalCli() {
  const script = spawnSync('bash', [path.join(root, 'scripts', 'ensure-temporal.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (script.status !== 0) process.exit(1); // the script said why
}

const reason = reasonToInstall();
if (reason) installNodeModules(reason);
// `npm start` against an existing Temporal (TEMPORAL_ADDRESS) needs no local CLI; tests always do.
if (!(process.env.npm_lifecycle_event === 'prestart' && process.env.TEMPORAL_ADDRESS)) ensureTemporalCli();
