// The other hosts a series may spread its chunks over (docs/multi-host.md): one box per
// granted host; new-series.js sends `hosts` = [the Host above, the ticked ones] when any is
// ticked, hides the chosen Host's own box and those the application does not run on, greys a
// drained host's, and marks the box of a host the API refuses (`hosts[i]`).
import type { HostChoice } from './types.ts';

export function MoreHosts(props: {
  hosts: HostChoice[];
  chosen: string[];
  label: (h: HostChoice) => string;
}) {
  if (props.hosts.length < 2) return null;
  return (
    <fieldset id="more-hosts" class="small" style="margin-top:0.4rem">
      <legend>
        Also run on <span class="hint">chunks go to whichever host has room; the Host above comes first</span>
      </legend>
      {props.hosts.map((h) => (
        <label data-more-host={h.name}>
          <input
            type="checkbox"
            value={h.name}
            checked={props.chosen.includes(h.name)}
            data-nosubmit=""
            {...(h.drained ? { 'data-drained': '' } : {})}
          />{' '}
          {props.label(h)}
        </label>
      ))}
    </fieldset>
  );
}
