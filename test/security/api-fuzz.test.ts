// The API against its own OpenAPI document, fuzzed by schemathesis (scripts/ensure-schemathesis.sh
// installs it): as a member and as an admin, every operation (but one the toml leaves out) gets
// schema-derived and hostile input, and every answer must be no 5xx, a documented status code,
// the documented content type and a body matching the documented schema. A finding fails the
// test with schemathesis' report, which holds a curl command reproducing each one.
//
// The API runs as in `tuplet up` (createApp on a real port) over PGlite and a real Temporal dev
// server, without workers: a series the fuzzer creates starts its workflow, which waits in
// Temporal for a worker that never comes, so nothing runs on a host. What is fuzzed how, and
// what not: test/security/api-fuzz.toml (both roles) and api-fuzz.member.toml (the member's run).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { createApiToken, createUser, type Role } from '../../db/accounts.ts';
import type { Database } from '../../db/client.ts';
import { newId } from '../../db/ids.ts';
import { insertFiles } from '../../db/files.ts';
import { insertRuns } from '../../db/runs.ts';
import { series } from '../../db/schema.ts';
import { createHarness, ECHO_APP, INI, type ApiHarness } from '../api/harness.ts';
import { openTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));

/** Runs a command to its end; its exit code and everything it printed. */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repo,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (output += s));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function ensureSchemathesis(): Promise<string> {
  const { code, output } = await run('bash', ['scripts/ensure-schemathesis.sh']);
  assert.equal(code, 0, `scripts/ensure-schemathesis.sh failed:\n${output}`);
  return output.trim().split('\n').at(-1)!;
}

/** The config file of a role's run: api-fuzz.toml, with api-fuzz.member.toml after it for the member. */
async function writeConfig(role: Role, dir: string): Promise<string> {
  const parts = ['api-fuzz.toml', ...(role === 'member' ? ['api-fuzz.member.toml'] : [])];
  const texts = await Promise.all(parts.map((part) => readFile(path.join(here, part), 'utf8')));
  const file = path.join(dir, `api-fuzz.${role}.toml`);
  await writeFile(file, texts.join('\n'));
  return file;
}

interface FuzzerAccounts {
  id: string;
  token: string;
  /** A second token of the same account, for DELETE /tokens/{id}. */
  spareTokenId: string;
  /** An account for the routes that end sign-ins. */
  victim: string;
}

async function fuzzerAccounts(db: Database, role: Role): Promise<FuzzerAccounts> {
  const fuzzer = await createUser(db, { name: `fuzz-${role}`, role });
  const [{ token }, spare, victim] = await Promise.all([
    createApiToken(db, fuzzer.id, 'fuzz'),
    createApiToken(db, fuzzer.id, 'spare'),
    createUser(db, { name: `fuzz-${role}-victim`, role: 'member' }),
  ]);
  return { id: fuzzer.id, token, spareTokenId: spare.id, victim: victim.name };
}

/**
 * A finished series as a worker leaves it, with a run whose outputs were collected: nothing
 * runs on this stack, and the file routes need files to serve.
 */
async function insertFinishedSeries(h: ApiHarness, ownerId: string): Promise<string> {
  const id = newId();
  await h.db.insert(series).values({
    id,
    ownerId,
    application: ECHO_APP,
    applicationSnapshot: { name: ECHO_APP, command: 'cat config.ini', configFile: 'config.ini' },
    host: 'local',
    ini: INI,
    count: 1,
    state: 'completed',
    workflowId: `series-${id}`,
  });
  const dir = '0000_size=8';
  await insertRuns(h.db, id, [{ index: 0, dir, params: { size: '8' } }]);
  const runDir = path.join(h.storageDir, id, 'runs', dir);
  await mkdir(runDir, { recursive: true });
  await writeFile(path.join(runDir, 'metrics.json'), '{"energy":1.5}');
  await insertFiles(h.db, id, [
    { runIndex: 0, path: `runs/${dir}/metrics.json`, size: 14, sha256: 'a'.repeat(64) },
  ]);
  return id;
}

describe('the API fuzzed against its OpenAPI document', { timeout: 600_000 }, () => {
  let temporal: TestTemporal | undefined;
  let database: TestDatabase | undefined;
  let h: ApiHarness | undefined;
  let server: ServerType | undefined;
  let baseUrl = '';
  let schemathesis = '';
  const fuzzers = {} as Record<Role, FuzzerAccounts>;
  let finishedSeries = '';
  let configDir = '';

  before(async () => {
    const [binary, temporalServer, opened, dir] = await Promise.all([
      ensureSchemathesis(),
      startTemporal(),
      openTestDatabase('pglite'),
      mkdtemp(path.join(os.tmpdir(), 'tuplet-api-fuzz-')),
    ]);
    configDir = dir;
    schemathesis = binary;
    temporal = temporalServer;
    database = opened;
    h = await createHarness(opened.db, temporalServer);
    server = await new Promise<ServerType>((resolve, reject) => {
      const listening = serve({ fetch: h!.app.fetch, hostname: '127.0.0.1', port: 0 }, () =>
        resolve(listening),
      );
      listening.once('error', reject);
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    for (const role of ['member', 'admin'] as const) fuzzers[role] = await fuzzerAccounts(h.db, role);
    // Something for the routes to find besides the harness' `local` host and `echo` application:
    // a series of the member's.
    const created = await h.request('POST', '/api/v1/series', {
      token: fuzzers.member.token,
      body: { application: 'echo', host: 'local', ini: INI },
    });
    assert.equal(created.status, 201, created.text);
    finishedSeries = await insertFinishedSeries(h, fuzzers.member.id);
  });

  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await h?.close();
    await database?.close();
    await temporal?.stop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  async function fuzz(role: Role, t: TestContext): Promise<void> {
    const accounts = fuzzers[role];
    const env = {
      TUPLET_FUZZ_URL: baseUrl,
      TUPLET_FUZZ_TOKEN: accounts.token,
      TUPLET_FUZZ_SPARE_TOKEN: accounts.spareTokenId,
      TUPLET_FUZZ_VICTIM: accounts.victim,
      TUPLET_FUZZ_FINISHED_SERIES: finishedSeries,
    };
    const started = performance.now();
    const { code, output } = await run(
      schemathesis,
      [
        '--config-file',
        await writeConfig(role, configDir),
        'run',
        `${baseUrl}/api/v1/openapi.json`,
        // No 5xx, and every answer as the document says: status code, content type, body.
        '--checks',
        'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
        // Its health checks judge the document's generators (too slow, filtered too much), not the API.
        '--suppress-health-check',
        'all',
        '--no-color',
      ],
      env,
    );
    const seconds = Math.round((performance.now() - started) / 1000);
    if (code !== 0)
      assert.fail(`schemathesis as ${role} found problems (exit ${code}, ${seconds} s):\n${output}`);
    t.diagnostic(
      `schemathesis as ${role}: ${/\d+ generated[^\n]*/.exec(output)?.[0] ?? 'passed'} in ${seconds} s`,
    );
  }

  test('as a member', (t) => fuzz('member', t));
  test('as an admin', (t) => fuzz('admin', t));
});
