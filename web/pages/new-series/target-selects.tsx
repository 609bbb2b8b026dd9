// The application and the host a series runs, and the other hosts it may spread over or a
// pool instead (docs/multi-host.md); each host option carries what new-series.js needs.
import type { Child } from 'hono/jsx';
import { MoreHosts } from './more-hosts.tsx';
import { PoolSelect } from './pool-select.tsx';
import type { ApplicationChoice, HostChoice, Prefill } from './types.ts';

/** A labelled, required select; `none` is what it says when there is nothing to choose. */
function RequiredSelect(props: { id: string; label: string; none: string; children: Child[] }) {
  const empty = props.children.length === 0;
  return (
    <div>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.id} required>
        {empty ? <option value="">{props.none}</option> : null}
        {props.children}
      </select>
    </div>
  );
}

/** One option; `data` becomes its data-* attributes (what new-series.js reads of the choice). */
function Choice(props: {
  value: string;
  chosen: string | undefined;
  label: string;
  data: Record<string, string>;
}) {
  const data = Object.fromEntries(Object.entries(props.data).map(([key, value]) => [`data-${key}`, value]));
  return (
    <option value={props.value} selected={props.chosen === props.value} {...data}>
      {props.label}
    </option>
  );
}

export function TargetSelects(props: {
  hosts: HostChoice[];
  applications: ApplicationChoice[];
  prefill: Prefill;
}) {
  const { prefill } = props;
  return (
    <div class="grid2">
      <RequiredSelect id="application" label="Application" none="no application registered">
        {props.applications.map((a) => (
          <Choice
            value={a.name}
            chosen={prefill.application}
            label={a.description ? `${a.name} — ${a.description}` : a.name}
            data={{ config: a.configFile, hosts: a.hosts ? JSON.stringify(a.hosts) : '' }}
          />
        ))}
      </RequiredSelect>
      <div>
        <RequiredSelect id="host" label="Host" none="no host registered">
          {props.hosts.map((h) => (
            <Choice
              value={h.name}
              chosen={prefill.host}
              label={hostLabel(h)}
              data={{
                kind: h.kind,
                partition: h.partition ?? '',
                gpus: String(h.gpus ?? ''),
                accounts: JSON.stringify(h.accounts),
                qos: JSON.stringify(h.qos),
                ...(h.drained ? { drained: '' } : {}),
              }}
            />
          ))}
        </RequiredSelect>
        <p class="hint" id="host-limit" hidden></p>
        <MoreHosts hosts={props.hosts} chosen={prefill.hosts ?? []} label={hostLabel} />
        <PoolSelect hosts={props.hosts} />
      </div>
    </div>
  );
}

const hostLabel = (h: HostChoice) =>
  `${h.name} (${h.kind}${h.gpus ? `, ${h.gpus} GPUs` : ''}${h.drained ? ', drained' : ''})`;
