// The application and the host a series runs; each host option carries what new-series.js needs.
import type { ApplicationChoice, HostChoice, Prefill } from './types.ts';

export function TargetSelects(props: {
  hosts: HostChoice[];
  applications: ApplicationChoice[];
  prefill: Prefill;
}) {
  const { prefill } = props;
  return (
    <div class="grid2">
      <div>
        <label for="application">Application</label>
        <select id="application" name="application" required>
          {props.applications.length === 0 ? <option value="">no application registered</option> : null}
          {props.applications.map((a) => (
            <option
              value={a.name}
              selected={prefill.application === a.name}
              data-config={a.configFile}
              data-hosts={a.hosts ? JSON.stringify(a.hosts) : ''}
            >
              {a.description ? `${a.name} — ${a.description}` : a.name}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="host">Host</label>
        <select id="host" name="host" required>
          {props.hosts.length === 0 ? <option value="">no host registered</option> : null}
          {props.hosts.map((h) => (
            <option
              value={h.name}
              selected={prefill.host === h.name}
              data-kind={h.kind}
              data-partition={h.partition ?? ''}
              data-gpus={h.gpus ?? ''}
              data-accounts={JSON.stringify(h.accounts)}
              data-qos={JSON.stringify(h.qos)}
            >
              {`${h.name} (${h.kind}${h.gpus ? `, ${h.gpus} GPUs` : ''})`}
            </option>
          ))}
        </select>
        <p class="hint" id="host-limit" hidden></p>
      </div>
    </div>
  );
}
