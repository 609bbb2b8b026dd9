// The polls of every chunk and series on a host share one PollBatcher (one status exec per host
// per interval), whichever version of the host spec each chunk holds: versions that differ only
// in what shapes runs not yet started (thresholds, slots, variables…) read their status from
// the same place, so they share a batcher, whose exec goes through the newest version's
// executor (its scan writes the newest thresholds to the pool). A version that moved the host
// (another address, user or workdir) reads elsewhere and gets a batcher of its own.
import type { Executor, HostSpec, PollRequest, PollResult, SeriesSpec } from '../../hosts/executor.ts';
import { PollBatcher } from '../../hosts/poll-batcher.ts';
import type { HostCapabilities } from './types.ts';
import type { HostExecutors } from './executors.ts';

/** HostSpec fields a status read does not depend on: they shape runs started later. */
const NOT_WHERE_STATUS_IS: ReadonlySet<string> = new Set<keyof HostSpec>([
  'admission',
  'slots',
  'gpus',
  'env',
  'arrayThrottle',
  'partition',
]);

/** Versions of a host with the same key read their status from the same place. */
export function statusPlaceKey(host: HostSpec): string {
  return JSON.stringify(Object.entries(host).filter(([field]) => !NOT_WHERE_STATUS_IS.has(field)));
}

interface Place {
  /** The newest version of the host seen polling this place. */
  host: HostSpec;
  batcher: Promise<PollBatcher>;
}

export class HostPolls {
  private readonly places = new Map<string, Place>();

  constructor(
    private readonly executors: HostExecutors,
    private readonly capabilities: (executor: Executor) => Promise<HostCapabilities>,
  ) {}

  poll(host: HostSpec, series: SeriesSpec, request: PollRequest): Promise<PollResult> {
    return this.placeOf(host).batcher.then((batcher) => batcher.poll(series, request));
  }

  private placeOf(host: HostSpec): Place {
    const key = statusPlaceKey(host);
    const known = this.places.get(key);
    if (known) {
      if (this.executors.newer(host, known.host)) known.host = host;
      return known;
    }
    const place: Place = {
      host,
      batcher: this.executors.use(host, this.capabilities).then(
        (caps) =>
          new PollBatcher((items) => this.executors.use(place.host, (e) => e.pollMany(items)), {
            minGapMs: caps.pollMinMs,
          }),
      ),
    };
    // A failed read of the host's limits is tried again by the next poll.
    place.batcher.catch(() => {
      if (this.places.get(key) === place) this.places.delete(key);
    });
    this.places.set(key, place);
    return place;
  }
}
