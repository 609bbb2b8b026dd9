// The world of `bench many` on a running stack: three hosts — `local` (2 slots), an ssh
// workstation `ws` (2 slots) reached over a real sshd on 127.0.0.1, and `cluster`, a SLURM
// cluster of its own (not the tests' shared one, so a bench run holds no test up) behind the
// same sshd — one application, and members in one group granted all of it, each with a token.
import path from 'node:path';
import { createApiToken, createUser } from '../../db/accounts.ts';
import { updateHost } from '../../db/hosts.ts';
import { startSlurm } from '../../test/support/slurm.ts';
import { sshHostFields, startSshd } from '../../test/support/sshd.ts';
import { tempDataDir, type InProcessStack } from '../../test/support/stack.ts';
import { waitForHostWorker } from '../scale/targets.ts';

export const APPLICATION = 'many-nap';
const GROUP = 'many';
const SLOTS = 2;

export interface ManyWorld {
  hosts: string[];
  /** Members' API tokens, in order. */
  tokens: string[];
  details: Record<string, unknown>;
  stop(): Promise<void>;
}

async function expect(what: string, answer: Promise<{ status: number; body: unknown }>, status: number) {
  const got = await answer;
  if (got.status !== status) throw new Error(`${what}: ${got.status} ${JSON.stringify(got.body)}`);
}

export async function setUpWorld(
  stack: InProcessStack,
  options: { members: number; program: string },
): Promise<ManyWorld> {
  const slurm = await startSlurm({ name: 'many' });
  const sshd = await startSshd({ env: slurm.env }).catch(async (error: unknown) => {
    await slurm.stop();
    throw error;
  });
  const stop = async () => {
    await sshd.stop();
    await slurm.stop();
  };
  try {
    const db = stack.stack.database.db;
    await updateHost(db, 'local', { slots: SLOTS });
    const workdirs = await tempDataDir();
    const remote = { ...sshHostFields(sshd) };
    for (const body of [
      { name: 'ws', kind: 'ssh', ...remote, workdir: path.join(workdirs, 'ws'), slots: SLOTS },
      { name: 'cluster', kind: 'slurm', ...remote, workdir: path.join(workdirs, 'cluster') },
    ])
      await expect(`POST /hosts ${body.name}`, stack.request('POST', '/api/v1/hosts', body), 201);
    const hosts = ['local', 'ws', 'cluster'];
    for (const host of hosts) await waitForHostWorker(stack, host);

    await expect(
      'POST /applications',
      stack.request('POST', '/api/v1/applications', { name: APPLICATION, command: options.program }),
      201,
    );
    await expect('POST /groups', stack.request('POST', '/api/v1/groups', { name: GROUP }), 201);
    for (const what of [`applications/${APPLICATION}`, ...hosts.map((h) => `hosts/${h}`)])
      await expect(`grant ${what}`, stack.request('PUT', `/api/v1/groups/${GROUP}/${what}`), 204);
    const tokens: string[] = [];
    for (let i = 0; i < options.members; i++) {
      const user = await createUser(db, { name: `member${i}`, role: 'member' });
      await expect(
        `add member${i}`,
        stack.request('PUT', `/api/v1/groups/${GROUP}/members/member${i}`, { role: 'member' }),
        200,
      );
      tokens.push((await createApiToken(db, user.id, 'bench many')).token);
    }
    return {
      hosts,
      tokens,
      details: { slots: { local: SLOTS, ws: SLOTS }, slurm_state_dir: slurm.stateDir },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
