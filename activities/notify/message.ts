// What a notification says, the same facts by mail and by webhook: the event, the series (id,
// description, state, run counts, its page) and when it happened.
import type { RunState } from '../../core/states.ts';
import type { DeliveryJob, NotifiedSeries, NotifyEvent } from '../../db/notifications.ts';

export interface NotificationFacts {
  event: NotifyEvent;
  /** The series as the database gives it, its owner by name, with its run counts and page. */
  series: Omit<NotifiedSeries, 'ownerName'> & {
    owner: string;
    counts: Record<RunState, number>;
    url: string;
  };
  /** When the event happened (ISO 8601). */
  at: string;
}

export function factsOf(
  job: DeliveryJob,
  counts: Record<RunState, number>,
  baseUrl: string,
): NotificationFacts {
  return {
    event: job.event,
    series: {
      id: job.series.id,
      description: job.series.description,
      state: job.series.state,
      reason: job.series.reason,
      waitReason: job.series.waitReason,
      owner: job.series.ownerName,
      count: job.series.count,
      counts,
      url: new URL(`/series/${encodeURIComponent(job.series.id)}`, baseUrl).toString(),
    },
    at: job.notifiedAt.toISOString(),
  };
}

const EVENT_WORDS: Record<NotifyEvent, string> = {
  succeeded: 'succeeded',
  failed: 'ended with failures',
  cancelled: 'was cancelled',
  held: 'is held in the queue',
};

export function mailSubject(facts: NotificationFacts): string {
  const name = facts.series.description ? ` (${facts.series.description.slice(0, 80)})` : '';
  return `Tuplet: series ${facts.series.id}${name} ${EVENT_WORDS[facts.event]}`;
}

export function mailText(facts: NotificationFacts): string {
  const { series } = facts;
  const c = series.counts;
  return [
    `Series ${series.id}${series.description ? ` — ${series.description}` : ''} ${EVENT_WORDS[facts.event]}.`,
    '',
    `State: ${series.state.replace(/_/g, ' ')}${series.reason ? ` (${series.reason})` : ''}`,
    ...(series.waitReason ? [`Waiting: ${series.waitReason}`] : []),
    `Runs: ${series.count} — ${c.succeeded} succeeded, ${c.failed} failed, ${c.cancelled} cancelled, ` +
      `${c.running} running, ${c.queued + c.pending} waiting`,
    `At: ${facts.at}`,
    '',
    series.url,
    '',
    'You receive this because of your notification settings in Tuplet.',
  ].join('\n');
}
