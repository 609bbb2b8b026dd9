// TUPLET_HOST_CACHE_TTL_HOURS (config.ts): how long the host caches (the host worker's input
// copies, own-code environments) keep what no series used. A bad value stops a Tuplet process at
// start naming the variable; a good one reaches both caches' pruning.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ConfigError, loadConfig } from '../../config.ts';
import { ownCodeSetup } from '../../hosts/own-code.ts';

const TUPLET = path.resolve('bin/tuplet');
const OWN_CODE = { envKey: 'a'.repeat(64), python: 'python3', requirements: [] };
const configWith = (hours: string | undefined) =>
  loadConfig({
    TUPLET_LOG_LEVEL: 'silent',
    ...(hours === undefined ? {} : { TUPLET_HOST_CACHE_TTL_HOURS: hours }),
  });

test('the default is 7 days; hours (fractions too) are taken as given', () => {
  assert.equal(configWith(undefined).hostCacheTtlHours, 168);
  assert.equal(configWith('2').hostCacheTtlHours, 2);
  assert.equal(configWith('0.5').hostCacheTtlHours, 0.5);
});

test('a value that is not a positive number of hours is refused naming the variable', () => {
  for (const bad of ['abc', '0', '-3', '1e9', '']) {
    assert.throws(
      () => configWith(bad),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, /TUPLET_HOST_CACHE_TTL_HOURS/, `value ${JSON.stringify(bad)}`);
        return true;
      },
    );
  }
});

test('a Tuplet process with a bad value stops at start, naming the variable', async () => {
  const env = { ...process.env, TUPLET_HOST_CACHE_TTL_HOURS: 'a week' };
  const failed = await promisify(execFile)(TUPLET, ['worker', '--host', 'local'], { env }).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  assert.ok(failed, 'the worker started');
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /TUPLET_HOST_CACHE_TTL_HOURS/);
});

test('the own-code setup prunes after the configured hours, 7 days when none is given', () => {
  assert.match(ownCodeSetup(OWN_CODE, configWith('2').hostCacheTtlHours), /^PRUNE_AFTER=7200$/m);
  assert.match(ownCodeSetup(OWN_CODE), /^PRUNE_AFTER=604800$/m);
});
