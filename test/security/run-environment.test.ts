// Runs see only what they need. The attack: the server (and its host worker) holds secrets in
// its environment — TUPLET_ADMIN_TOKEN, DATABASE_URL, TEMPORAL_API_KEY, … — and a program that
// prints its environment shows them on the run page. A real series on the local host, on an
// ssh host and on the one-node SLURM (over SSH) runs `env`: its collected output holds none of
// the secrets and nothing outside the allowlist, but the allowlisted variables, the TUPLET_*
// run variables and what an admin set on the application and the host. The setup script is
// held to the same rules.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '../hosts/helpers.ts';
import { startSlurm, type TestSlurm } from '../support/slurm.ts';
import { sshHostFields, startSshd, type TestSshd } from '../support/sshd.ts';
import { startTestStack, waitForSeriesEnd, type InProcessStack } from '../support/stack.ts';
import { startTemporal, type TestTemporal } from '../support/temporal.ts';

/** What the server process holds in its environment in production (the values are markers). */
const SERVER_SECRETS: Record<string, string> = {
  TUPLET_ADMIN_TOKEN: 'tpl_leak_marker_admin_token_0123456789abcdef',
  TUPLET_ADMIN_PASSWORD: 'leak-marker-admin-password',
  DATABASE_URL: 'postgres://tuplet:leak-marker-db-password@db.example/tuplet',
  TEMPORAL_API_KEY: 'leak-marker-temporal-api-key',
  TUPLET_PAYLOAD_KEY: 'leak-marker-payload-key',
  AWS_SECRET_ACCESS_KEY: 'leak-marker-aws-secret',
};
/** A variable of the SSH login session on ssh and slurm hosts: not the run's either. */
const SESSION_SECRET = { name: 'SESSION_SECRET', value: 'leakmarkersessionsecret' };

/** Names a run may see: the allowlist, the run variables, what bash itself sets, the admin's. */
const ALLOWED =
  /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z_]+|TZ|TMPDIR|TUPLET_(SERIES|INDEX|DIR|CONFIG)|PWD|OLDPWD|SHLVL|_|APP_SETTING|HOST_SETTING)$/;
/** …plus, in a SLURM job, the scheduler's variables and the GPUs it gave. */
const ALLOWED_IN_JOB = /^(SLURM_[A-Z0-9_]+|CUDA_VISIBLE_DEVICES)$/;

/** Prints the run's environment, then the setup script's (written into the series directory). */
const PRINT_ENV = 'env; echo "--- setup"; cat ../../setup-env.txt';

function variableNames(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** Runs the one-tuple series on `host` and answers the collected stdout of its run. */
async function runPrintingEnv(stack: InProcessStack, host: string): Promise<{ id: string; stdout: string }> {
  const created = await stack.request<{ id: string }>('POST', '/api/v1/series', {
    application: 'print-env',
    host,
    ini: 'x = 1\n',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { id } = created.body;
  const series = await waitForSeriesEnd(stack, id);
  assert.equal(series.state, 'completed', JSON.stringify(series));
  const runs = await stack.request<{ runs: Array<{ dir: string }> }>('GET', `/api/v1/series/${id}/runs`);
  const dir = runs.body.runs[0]!.dir;
  const stdout = await readFile(
    path.join(stack.dataDir, 'storage', id, 'runs', dir, '.tuplet', 'stdout'),
    'utf8',
  );
  return { id, stdout };
}

function assertOnlyWhatRunsNeed(
  stdout: string,
  id: string,
  options: { inJob?: boolean; alsoSecret?: string[] } = {},
): void {
  const [runEnv = '', setupEnv = ''] = stdout.split('--- setup\n');
  for (const secret of [...Object.values(SERVER_SECRETS), ...(options.alsoSecret ?? [])]) {
    assert.ok(!stdout.includes(secret), `the run's output shows ${secret}:\n${stdout}`);
  }
  for (const [what, text] of [
    ['run', runEnv],
    ['setup', setupEnv],
  ] as const) {
    const names = variableNames(text);
    const foreign = names.filter((n) => !ALLOWED.test(n) && !(options.inJob && ALLOWED_IN_JOB.test(n)));
    assert.deepEqual(foreign, [], `the ${what} sees variables outside the allowlist:\n${text}`);
    assert.ok(names.includes('PATH') && names.includes('HOME'), `the ${what} has PATH and HOME:\n${text}`);
    assert.match(text, /^APP_SETTING=from the application$/m, `the ${what} has the application's variable`);
    assert.match(text, /^HOST_SETTING=from the host$/m, `the ${what} has the host's variable`);
  }
  assert.match(runEnv, new RegExp(`^TUPLET_SERIES=${id}$`, 'm'));
  assert.match(runEnv, /^TUPLET_INDEX=0$/m);
  assert.match(runEnv, /^TUPLET_DIR=\/.+$/m);
  assert.match(runEnv, /^TUPLET_CONFIG=\/.+\/config\.ini$/m);
}

describe('runs see only what they need', { timeout: 600_000 }, () => {
  let temporal: TestTemporal;
  let slurm: TestSlurm;
  let sshd: TestSshd;
  let stack: InProcessStack;
  let work: { dir: string; remove: () => Promise<void> };
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    [temporal, slurm, work] = await Promise.all([startTemporal(), startSlurm(), tempDir('run-env')]);
    sshd = await startSshd({ env: { ...slurm.env, [SESSION_SECRET.name]: SESSION_SECRET.value } });
    // The server's environment, as in production: the host worker runs in this process.
    for (const [name, value] of Object.entries(SERVER_SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
    stack = await startTestStack({ temporalAddress: temporal.address });
    const app = await stack.request('POST', '/api/v1/applications', {
      name: 'print-env',
      command: PRINT_ENV,
      setup: 'env > setup-env.txt',
      env: { APP_SETTING: 'from the application' },
    });
    assert.equal(app.status, 201, JSON.stringify(app.body));
    const hostEnv = { env: { HOST_SETTING: 'from the host' } };
    const local = await stack.request('PATCH', '/api/v1/hosts/local', hostEnv);
    assert.equal(local.status, 200, JSON.stringify(local.body));
    for (const [name, kind] of [
      ['workstation', 'ssh'],
      ['cluster', 'slurm'],
    ] as const) {
      const host = await stack.request('POST', '/api/v1/hosts', {
        name,
        kind,
        ...sshHostFields(sshd),
        workdir: path.join(work.dir, name),
        ...hostEnv,
      });
      assert.equal(host.status, 201, JSON.stringify(host.body));
    }
    await stack.stack.workers?.refreshHosts();
  });
  after(async () => {
    await stack?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await sshd?.stop();
    await temporal?.stop();
    await slurm?.stop();
    await work?.remove();
  });

  test('a run on the local host sees none of the server environment', async () => {
    const { id, stdout } = await runPrintingEnv(stack, 'local');
    assertOnlyWhatRunsNeed(stdout, id);
  });

  test('a run on an ssh host sees none of the login session environment', async () => {
    const { id, stdout } = await runPrintingEnv(stack, 'workstation');
    assertOnlyWhatRunsNeed(stdout, id, { alsoSecret: [SESSION_SECRET.value] });
  });

  test('a SLURM job sees none of the submitting environment', async () => {
    const { id, stdout } = await runPrintingEnv(stack, 'cluster');
    assertOnlyWhatRunsNeed(stdout, id, { inJob: true, alsoSecret: [SESSION_SECRET.value] });
    assert.match(stdout, /^SLURM_ARRAY_TASK_ID=0$/m, 'the scheduler variables stay');
  });

  test('an admin cannot set variables Tuplet or the scheduler sets, nor a malformed name', async () => {
    for (const [name, where] of [
      ['TUPLET_INDEX', 'applications'],
      ['CUDA_VISIBLE_DEVICES', 'hosts'],
      ['SLURM_JOB_ID', 'hosts'],
      ['1BAD', 'applications'],
      ['A-B', 'hosts'],
    ] as const) {
      const route = where === 'hosts' ? '/api/v1/hosts/local' : '/api/v1/applications/print-env';
      const answer = await stack.request<{ error: { message: string } }>('PATCH', route, {
        env: { [name]: 'x' },
      });
      assert.equal(answer.status, 400, `${name} on ${where}: ${JSON.stringify(answer.body)}`);
      assert.ok(answer.body.error.message.includes(`env.${name}`), answer.body.error.message);
    }
    const ssh = await stack.request<{ error: { message: string } }>('PATCH', '/api/v1/hosts/workstation', {
      runUser: 'nobody',
    });
    assert.equal(ssh.status, 400, JSON.stringify(ssh.body));
    assert.match(ssh.body.error.message, /runUser/);
    // A run account is an argument of setpriv/sudo: nothing that could read as an option or text.
    for (const runUser of ['-froot', '--reuid=0', '$(id)', 'a b', 'Root', '']) {
      const answer = await stack.request<{ error: { message: string } }>('PATCH', '/api/v1/hosts/local', {
        runUser,
      });
      assert.equal(answer.status, 400, `${runUser}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.body.error.message, /runUser/);
    }
  });
});
