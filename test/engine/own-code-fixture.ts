// What the own-code tests share (docs/own-code.md): the member's package (code.py importing
// one small dependency from PyPI), zips built by Python's zipfile, users and groups made
// through the API, and the check that every run of a series imported the dependency.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApiToken, createUser } from '../../db/accounts.ts';
import type { InProcessStack } from '../support/stack.ts';

const run = promisify(execFile);

/** A tiny pure-Python wheel (one module, no dependencies): what the environment installs. */
export const DEPENDENCY = 'six==1.17.0';

/** Prints the dependency's version and where it was imported from, and the run's config. */
export const CODE_PY = `import os, sys
import six
config = open(sys.argv[1]).read().strip().replace("\\n", " | ")
print("imported six", six.__version__, "from", os.path.realpath(six.__file__))
print("config:", config)
`;

export const APP = 'mine';

export interface Member {
  name: string;
  token: string;
}

/** Builds a zip with Python's zipfile (any entry name, also a manifest of any content). */
export async function makeZip(
  dir: string,
  name: string,
  entries: Record<string, string>,
): Promise<Uint8Array<ArrayBuffer>> {
  const file = path.join(dir, name);
  const script = `import sys, zipfile, json\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n  for k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)\n`;
  await run('python3', ['-c', script, file, JSON.stringify(entries)]);
  return new Uint8Array(await readFile(file));
}

/** Uploads a package as `token`'s user; answers its id. */
export async function upload(
  stack: InProcessStack,
  token: string,
  zip: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const response = await fetch(`${stack.url}/api/v1/packages?name=code.zip`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
    body: zip,
  });
  const body = (await response.json()) as { id: string };
  assert.equal(response.status, 201, JSON.stringify(body));
  return body.id;
}

/** A member with an API token, made in the stack's database (as test/api/harness.ts does). */
export async function member(stack: InProcessStack, name: string): Promise<Member> {
  const { db } = stack.stack.database;
  const user = await createUser(db, { name, role: 'member' });
  const { token } = await createApiToken(db, user.id, 'test');
  return { name: user.name, token };
}

/** A group (ownCode as given) with the member in it, granted the application and `hosts`. */
export async function groupWith(
  stack: InProcessStack,
  group: { name: string; ownCode: boolean; member: Member; hosts: string[] },
): Promise<void> {
  const ok = async (method: string, route: string, body?: unknown) => {
    const answer = await stack.request(method, route, body);
    assert.ok(answer.status < 300, `${method} ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  await ok('POST', '/api/v1/groups', { name: group.name, ownCode: group.ownCode });
  await ok('PUT', `/api/v1/groups/${group.name}/members/${group.member.name}`, { role: 'member' });
  await ok('PUT', `/api/v1/groups/${group.name}/applications/${APP}`);
  for (const host of group.hosts) await ok('PUT', `/api/v1/groups/${group.name}/hosts/${host}`);
}

/** `k = 1 2 … n`: n tuples. */
export const sweepOf = (n: number) => `k = ${Array.from({ length: n }, (_, i) => i + 1).join(' ')}\n`;

/**
 * Every run printed the dependency's version, imported from an environment under
 * `<workdir>/.tuplet-envs/`, and its own config; answers the environment's directory.
 */
export async function assertRunsImported(runsDir: string, count: number): Promise<string> {
  const dirs = await readdir(runsDir);
  assert.equal(dirs.length, count);
  const envs = new Set<string>();
  const configs = new Set<string>();
  for (const dir of dirs) {
    const stdout = await readFile(path.join(runsDir, dir, '.tuplet', 'stdout'), 'utf8');
    const imported = /^imported six 1\.17\.0 from (\S+)$/m.exec(stdout);
    assert.ok(imported, `run ${dir} printed: ${stdout}`);
    const env = /^(.*\/\.tuplet-envs\/[0-9a-f]{64}-py[0-9.]+)\//.exec(imported[1]!);
    assert.ok(env, `six came from ${imported[1]}, not an environment under .tuplet-envs`);
    envs.add(env[1]!);
    configs.add(/^config: (.*)$/m.exec(stdout)![1]!);
  }
  assert.equal(envs.size, 1, `the runs used ${[...envs].join(', ')}`);
  assert.equal(configs.size, count, 'each run read its own rendered config');
  return [...envs][0]!;
}

/** The environments a host's workdir holds (their directories, without locks). */
export async function environmentsIn(workdir: string): Promise<string[]> {
  const names = await readdir(path.join(workdir, '.tuplet-envs')).catch(() => [] as string[]);
  return names.filter((n) => !n.endsWith('.lock'));
}
