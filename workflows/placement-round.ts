// The start of a placement round of a series over several hosts (docs/multi-host.md, "Drained
// hosts" and "Placement by live capacity"): which hosts are drained (one database read on the
// control queue), and, when more than one host could take the next chunk, each such host's
// load (one status command on its worker). Workflow code: no polling of its own, a round runs
// when a chunk ends or the series starts.
import { log, proxyActivities } from '@temporalio/workflow';
import type { HostActivities, HostLoad } from '../activities/host/types.ts';
import { hostTaskQueue } from '../core/naming.ts';
import type { HostSpec } from '../hosts/executor.ts';
import { control } from './activities.ts';
import type { Placement } from './placement.ts';

/**
 * Patch: the series asks for drained hosts and the hosts' load before placing chunks, and
 * continues as new after fewer chunks (the rounds add events).
 */
export const PLACE_BY_LIVE_STATE = 'multi-host-drained-hosts-and-live-load';

/** Chunks per workflow run on the patched path: each round adds an activity or two per chunk. */
export const LIVE_CHUNKS_PER_HISTORY = 150;

/**
 * How long a series whose every host is drained waits before asking again (an admin undrains
 * by hand): 30 s, doubling to 10 minutes, so a drain of days adds about 150 rounds a day to
 * the history rather than thousands.
 */
export function drainedRecheckMs(waits: number): number {
  return Math.min(30_000 * 2 ** Math.min(waits, 5), 600_000);
}

/** A host's load probe is only a hint: a worker that does not take it soon is not waited for. */
function loadActivities(hostName: string) {
  return proxyActivities<HostActivities>({
    taskQueue: hostTaskQueue(hostName),
    scheduleToStartTimeout: '10 seconds',
    startToCloseTimeout: '30 seconds',
    retry: { maximumAttempts: 1 },
  });
}

export async function observeHosts(
  seriesId: string,
  placement: Placement,
  hostOf: (name: string) => HostSpec,
): Promise<void> {
  const drained = await control.drainedHosts(placement.liveHosts());
  placement.observe(drained, {});
  const candidates = placement.candidates();
  if (candidates.length < 2) return;
  const loads: Record<string, HostLoad> = {};
  await Promise.all(
    candidates.map(async (name) => {
      try {
        loads[name] = await loadActivities(name).describeLoad(hostOf(name));
      } catch (error) {
        log.info('a host did not report its load; placed by its capacity', {
          seriesId,
          host: name,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }),
  );
  placement.observe(drained, loads);
}
