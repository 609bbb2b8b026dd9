// The hosts of a series over several (docs/multi-host.md) and how many of its runs each took.
import type { RunsPerHost } from '../../data/host-split.ts';

export type { RunsPerHost };

export function HostSplit(props: { split: RunsPerHost }) {
  const { hosts, unplaced } = props.split;
  return (
    <>
      <dt>Hosts</dt>
      <dd>
        <ul data-host-split="">
          {hosts.map(({ host, runs }) => (
            <li data-host={host}>
              {host}: <strong>{runs}</strong> {runs === 1 ? 'run' : 'runs'}
            </li>
          ))}
          {unplaced > 0 ? <li class="muted">not placed yet: {unplaced}</li> : null}
        </ul>
      </dd>
    </>
  );
}
