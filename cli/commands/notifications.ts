// `tuplet notifications …`: the signed-in user's notifications (the web UI's bell) through
// /api/v1/me/notifications (api/routes/notifications.ts): list them, mark them read.
import type { Command } from 'commander';
import { ApiClient } from '../api-client.ts';
import { CliInputError } from '../errors.ts';

interface NotificationView {
  id: string;
  seriesId: string;
  seriesDescription: string;
  seriesState: string;
  event: string;
  createdAt: string;
  readAt: string | null;
}

/** The API's cap on one page of notifications. */
const MAX_LIMIT = 200;

/** One line a notification: id (what `read` takes), unread mark, when, event, series. */
function line(n: NotificationView): string {
  const when = n.createdAt.slice(0, 16).replace('T', ' ');
  const series = n.seriesDescription ? `${n.seriesId} (${n.seriesDescription})` : n.seriesId;
  return [n.id, n.readAt ? 'read' : 'UNREAD', when, n.event, series].join('\t');
}

function parseLimit(value: string): number {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new CliInputError(`--limit: a whole number from 1 to ${MAX_LIMIT}, not '${value}'`);
  }
  return limit;
}

export function registerNotifications(program: Command): void {
  const notifications = program
    .command('notifications')
    .description("your notifications: your series' ends, failures and holds (the web UI's bell)")
    .addHelpText(
      'after',
      `
Each line: ID, read or UNREAD, when (UTC), event (succeeded, failed, cancelled, held), series.
Mail and webhooks for the same events are set on the web UI's Notifications page.
The list takes --unread, -n/--limit N (1-${MAX_LIMIT}) and --json (tuplet notifications list --help).

Examples:
  tuplet notifications                  newest 20, read or not
  tuplet notifications --unread         only those not yet read
  tuplet notifications read ID [ID…]    mark these read (IDs from the first column)
  tuplet notifications read --all       mark every one read`,
    );

  notifications
    .command('list', { isDefault: true })
    .description('list your notifications, newest first (the default)')
    .option('--unread', 'only the unread ones')
    .option('-n, --limit <n>', `how many at most (1-${MAX_LIMIT})`, parseLimit, 20)
    .option('--json', 'print the API answer as JSON')
    .action(async (options: { unread?: boolean; limit: number; json?: boolean }) => {
      const client = await ApiClient.fromEnvironment();
      const query = new URLSearchParams({ limit: String(options.limit) });
      if (options.unread) query.set('unread', 'true');
      const answer = await client.request<{ notifications: NotificationView[]; unread: number }>(
        'GET',
        `/api/v1/me/notifications?${query}`,
      );
      if (options.json) {
        process.stdout.write(`${JSON.stringify(answer)}\n`);
        return;
      }
      const rows = answer.notifications.map(line);
      const empty = options.unread ? 'no unread notifications' : 'no notifications';
      process.stdout.write(`${rows.join('\n') || empty}\n${answer.unread} unread\n`);
    });

  notifications
    .command('read')
    .description('mark notifications read: the IDs given, or every one with --all')
    .argument('[ids...]', 'notification IDs (the first column of the list)')
    .option('--all', 'every notification of yours')
    .action(async (ids: string[], options: { all?: boolean }) => {
      if (options.all && ids.length > 0) throw new CliInputError('give notification IDs or --all, not both');
      if (!options.all && ids.length === 0) {
        throw new CliInputError(
          'which notifications? Give their IDs (tuplet notifications --unread lists them) or --all',
        );
      }
      const client = await ApiClient.fromEnvironment();
      const { marked, unread } = await client.request<{ marked: number; unread: number }>(
        'POST',
        '/api/v1/me/notifications/read',
        options.all ? { all: true } : { ids },
      );
      // The API skips IDs that are not the caller's, or already read: say so rather than pretend.
      const skipped = options.all ? 0 : ids.length - marked;
      const note = skipped > 0 ? ` (${skipped} of the IDs were already read or are not yours)` : '';
      process.stdout.write(`marked ${marked} read${note}; ${unread} unread\n`);
    });
}
