// `tuplet groups …`: groups (projects), their members and grants, through the HTTP API
// (docs/groups.md). Admins create and delete groups and grant; group admins manage members.
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';

interface GroupView {
  name: string;
  description: string;
  role: 'member' | 'admin' | null;
  memberCount: number;
  members?: Array<{ name: string; role: string }>;
  applications?: string[];
  hosts?: string[];
}

const groupPath = (name: string, ...rest: string[]) =>
  ['/api/v1/groups', name, ...rest].map((part, i) => (i === 0 ? part : encodeURIComponent(part))).join('/');

function describe(group: GroupView): string {
  const lines = [`${group.name}${group.description ? `: ${group.description}` : ''}`];
  if (group.role) lines.push(`  your role: ${group.role}`);
  lines.push(
    `  members: ${(group.members ?? []).map((m) => (m.role === 'admin' ? `${m.name} (admin)` : m.name)).join(', ') || '–'}`,
  );
  lines.push(`  applications: ${(group.applications ?? []).join(', ') || '–'}`);
  lines.push(`  hosts: ${(group.hosts ?? []).join(', ') || '–'}`);
  return lines.join('\n');
}

export function registerGroups(program: Command): void {
  const groups = program
    .command('groups')
    .description('groups (projects): members and the applications and hosts each may use')
    .addHelpText(
      'after',
      `
Examples:
  tuplet groups list
  tuplet groups show optics
  tuplet groups create optics -d "laser lab"          (admin)
  tuplet groups grant optics --application spiral --host local   (admin)
  tuplet groups add-member optics alice [--admin]      (admin or the group's admins)`,
    );
  const print = (json: boolean | undefined, value: unknown, text: string) =>
    process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);

  groups
    .command('list')
    .description('your groups (admins: every group)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      const { groups: rows } = await client.request<{ groups: GroupView[] }>('GET', '/api/v1/groups');
      const text = rows.map((g) => `${g.name}\t${g.role ?? '-'}\t${g.memberCount} members\t${g.description}`);
      print(options.json, rows, text.join('\n') || 'no groups');
    });

  groups
    .command('show')
    .description('a group with its members and grants')
    .argument('<group>')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      const group = await client.request<GroupView>('GET', groupPath(name));
      print(options.json, group, describe(group));
    });

  groups
    .command('create')
    .description('create a group (admin)')
    .argument('<group>')
    .option('-d, --description <text>', 'what the group is')
    .action(async (name: string, options: { description?: string }) => {
      const client = await ApiClient.fromEnvironment();
      await client.request('POST', '/api/v1/groups', {
        name,
        ...(options.description ? { description: options.description } : {}),
      });
      process.stdout.write(`group ${name} created\n`);
    });

  groups
    .command('delete')
    .description('delete a group; its series stay, in no group (admin)')
    .argument('<group>')
    .action(async (name: string) => {
      const client = await ApiClient.fromEnvironment();
      await client.request('DELETE', groupPath(name));
      process.stdout.write(`group ${name} deleted\n`);
    });

  groups
    .command('add-member')
    .description("add a user to a group or change their role (admin or the group's admins)")
    .argument('<group>')
    .argument('<user>')
    .option('--admin', 'as an admin of the group')
    .action(async (name: string, user: string, options: { admin?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      await client.request('PUT', groupPath(name, 'members', user), {
        role: options.admin ? 'admin' : 'member',
      });
      process.stdout.write(`${user} is ${options.admin ? 'an admin' : 'a member'} of ${name}\n`);
    });

  groups
    .command('remove-member')
    .description("remove a user from a group (admin or the group's admins)")
    .argument('<group>')
    .argument('<user>')
    .action(async (name: string, user: string) => {
      const client = await ApiClient.fromEnvironment();
      await client.request('DELETE', groupPath(name, 'members', user));
      process.stdout.write(`${user} removed from ${name}\n`);
    });

  for (const [command, granted] of [
    ['grant', true],
    ['revoke', false],
  ] as const) {
    groups
      .command(command)
      .description(`${granted ? 'let a group use' : 'withdraw from a group'} applications and hosts (admin)`)
      .argument('<group>')
      .option('--application <name...>', 'applications')
      .option('--host <name...>', 'hosts')
      .action(async (name: string, options: { application?: string[]; host?: string[] }) => {
        const client = await ApiClient.fromEnvironment();
        const targets = [
          ...(options.application ?? []).map((app) => ['applications', app] as const),
          ...(options.host ?? []).map((host) => ['hosts', host] as const),
        ];
        for (const [kind, target] of targets) {
          await client.request(granted ? 'PUT' : 'DELETE', groupPath(name, kind, target));
          process.stdout.write(
            `${name}: ${kind.slice(0, -1)} ${target} ${granted ? 'granted' : 'revoked'}\n`,
          );
        }
      });
  }
}
