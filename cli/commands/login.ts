// `tuplet login`: remember which API to talk to and a token for it.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ApiClient, credentialsFile, loadCredentials, saveCredentials } from '../api-client.ts';
import { CliInputError } from '../errors.ts';

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('save the API address and a token for later commands')
    .option('--url <url>', 'Tuplet API address, e.g. http://127.0.0.1:3000')
    .option('--token <token>', 'an API token (from the web UI: Tokens); else you are asked for a password')
    .option('--user <name>', 'sign in with this user name and a password to create a token')
    .addHelpText(
      'after',
      `
The address and token are saved in ${credentialsFile} (mode 0600). TUPLET_URL and
TUPLET_TOKEN override them.

Examples:
  tuplet login --url http://127.0.0.1:3000 --token tpl_…
  tuplet login --url http://cluster-gw:3000 --user alice`,
    )
    .action(async (options: { url?: string; token?: string; user?: string }) => {
      const current = await loadCredentials();
      const url = (options.url ?? current.url).replace(/\/+$/, '');
      let token = options.token;
      if (!token) {
        if (!options.user) throw new CliInputError('give --token, or --user to sign in with a password');
        token = await tokenFromPassword(url, options.user);
      }
      const client = new ApiClient({ url, token });
      const me = await client.request<{ name?: string; user?: { name: string } }>('GET', '/api/v1/users/me');
      await saveCredentials({ url, token });
      process.stdout.write(`signed in to ${url} as ${me.user?.name ?? me.name ?? 'unknown'}\n`);
    });
}

async function tokenFromPassword(url: string, user: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const password = await rl.question(`password for ${user}: `);
  rl.close();
  const login = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: user, password }),
  });
  if (!login.ok) throw new CliInputError(`sign-in refused (${login.status})`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const created = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: `cli ${new Date().toISOString().slice(0, 10)}` }),
  });
  if (!created.ok) throw new CliInputError(`could not create a token (${created.status})`);
  return ((await created.json()) as { token: string }).token;
}
