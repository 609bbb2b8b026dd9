// New series: the paper's four steps on one page — (1) start blank or from a previous
// series, (2) edit the INI with a live preview, (3) application, host, resources and
// description, (4) review and launch. new-series.js drives the preview and the launch.
import type { Resources } from '../../hosts/executor.ts';
import { allowedExtraOptions } from '../../hosts/slurm/directives.ts';
import type { AuthUser } from '../context.ts';
import { Layout } from '../layout.tsx';

export interface HostChoice {
  name: string;
  kind: 'local' | 'ssh' | 'slurm';
  partition: string | null;
  gpus: number | null;
  slots: number | null;
  /** SLURM accounts and QOS the signed-in user may choose on this host. */
  accounts: string[];
  qos: string[];
}

export interface ApplicationChoice {
  name: string;
  description: string;
  configFile: string;
}

export interface Prefill {
  fromId?: string;
  fromLabel?: string;
  ini: string;
  application?: string;
  host?: string;
  resources?: Resources;
  description?: string;
  tags?: string[];
}

export interface NewSeriesProps {
  user: AuthUser;
  csrf: string;
  hosts: HostChoice[];
  applications: ApplicationChoice[];
  previous: Array<{ id: string; label: string }>;
  prefill: Prefill;
}

export function NewSeriesPage(props: NewSeriesProps) {
  const { prefill } = props;
  const r = prefill.resources ?? {};
  const lines = Math.max(1, prefill.ini.split('\n').length);
  const chosenHost = props.hosts.find((h) => h.name === prefill.host) ?? props.hosts[0];
  return (
    <Layout title="New series" user={props.user} csrf={props.csrf} active="new" scripts={['new-series.js']}>
      <h1>New series</h1>
      <form id="new-series" class="steps" novalidate>
        <section class="card step" aria-labelledby="step1">
          <h2 id="step1">Start</h2>
          <div class="row">
            <div class="grow">
              <label for="from">Start from</label>
              <select id="from" name="from" data-nosubmit="">
                <option value="">a blank INI file</option>
                {props.previous.map((p) => (
                  <option value={p.id} selected={prefill.fromId === p.id}>
                    {p.label}
                  </option>
                ))}
              </select>
            </div>
            <a class="button secondary" href="/series/new?example=1">
              Example
            </a>
          </div>
          {prefill.fromId ? (
            <p class="muted small">
              Settings copied from{' '}
              <a href={`/series/${encodeURIComponent(prefill.fromId)}`}>
                {prefill.fromLabel ?? prefill.fromId}
              </a>
              : change what differs and launch.
            </p>
          ) : null}
        </section>

        <section class="card step" aria-labelledby="step2">
          <h2 id="step2">Parameters</h2>
          <p class="muted small">
            List several values separated by spaces (<code>alpha = 0.1 0.2 0.5</code>) or a range{' '}
            <code>start...step...end</code> (<code>n = 10...10...50</code>). Every combination becomes one
            run.
          </p>
          <div class="grid2">
            <div>
              <label for="ini">INI file</label>
              <div class="editor">
                <pre class="gutter" aria-hidden="true" id="gutter">
                  {Array.from({ length: lines }, (_, i) => String(i + 1)).join('\n')}
                </pre>
                <textarea
                  id="ini"
                  name="ini"
                  class="code"
                  spellcheck={false}
                  autocomplete="off"
                  aria-describedby="preview-error"
                  wrap="off"
                >
                  {prefill.ini}
                </textarea>
              </div>
            </div>
            <div class="preview" aria-live="polite" id="preview">
              <div>
                <span class="count" id="preview-count">
                  –
                </span>{' '}
                <span class="muted">runs</span>
              </div>
              <p id="preview-error" class="notice error" hidden></p>
              <h3>Varied parameters</h3>
              <ul id="preview-params">
                <li class="muted">none yet</li>
              </ul>
              <h3>First directories</h3>
              <ul id="preview-dirs" class="dirs small">
                <li class="muted">none yet</li>
              </ul>
            </div>
          </div>
        </section>

        <section class="card step" aria-labelledby="step3">
          <h2 id="step3">Where and how</h2>
          <div class="grid2">
            <div>
              <label for="application">Application</label>
              <select id="application" name="application" required>
                {props.applications.length === 0 ? <option value="">no application registered</option> : null}
                {props.applications.map((a) => (
                  <option value={a.name} selected={prefill.application === a.name} data-config={a.configFile}>
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
            </div>
          </div>
          <h3>Resources per run</h3>
          <div class="grid3" id="resources">
            <div data-for="slurm">
              <label for="partition">Partition</label>
              <input id="partition" name="resources.partition" value={r.partition ?? ''} />
            </div>
            <div data-for="slurm">
              <label for="time">
                Time limit <span class="hint">HH:MM:SS</span>
              </label>
              <input id="time" name="resources.time" value={r.time ?? ''} placeholder="01:00:00" />
            </div>
            <div>
              <label for="cpus">CPUs</label>
              <input
                id="cpus"
                name="resources.cpus"
                type="number"
                min="1"
                data-type="int"
                value={r.cpus ?? ''}
              />
            </div>
            <div data-for="gpus">
              <label for="gpus">GPUs</label>
              <input
                id="gpus"
                name="resources.gpus"
                type="number"
                min="0"
                data-type="int"
                value={r.gpus ?? ''}
              />
            </div>
            <div data-for="slurm">
              <label for="memory">
                Memory <span class="hint">e.g. 4G</span>
              </label>
              <input id="memory" name="resources.memory" value={r.memory ?? ''} />
            </div>
            <ChoiceSelect id="account" label="Account" chosen={r.account} offered={chosenHost?.accounts} />
            <ChoiceSelect id="qos" label="QOS" chosen={r.qos} offered={chosenHost?.qos} />
          </div>
          <div data-for="slurm" style="margin-top:0.6rem">
            <label for="extra">
              Extra directives{' '}
              <span class="hint">one per line: {allowedExtraOptions()}, e.g. --constraint=v100</span>
            </label>
            <textarea id="extra" name="resources.extra" data-type="lines" rows={2} class="code">
              {(r.extra ?? []).join('\n')}
            </textarea>
          </div>
          <div class="grid2" style="margin-top:0.6rem">
            <div>
              <label for="description">Description</label>
              <input
                id="description"
                name="description"
                value={prefill.description ?? ''}
                placeholder="what this series is for"
              />
            </div>
            <div>
              <label for="tags">
                Tags <span class="hint">comma separated</span>
              </label>
              <input id="tags" name="tags" data-type="list" value={(prefill.tags ?? []).join(', ')} />
            </div>
          </div>
          <div style="margin-top:0.6rem">
            <label for="package">
              Input package{' '}
              <span class="hint">
                (.zip or .tar.gz unpacked into the series directory) — not accepted by this server's API yet:
                put input files next to the application's command for now
              </span>
            </label>
            <input
              id="package"
              name="package"
              type="file"
              accept=".zip,.tar,.tar.gz,.tgz"
              data-nosubmit=""
              disabled
            />
          </div>
        </section>

        <section class="card step" aria-labelledby="step4">
          <h2 id="step4">Review and launch</h2>
          <dl class="facts" id="review">
            <dt>Runs</dt>
            <dd data-review="count">–</dd>
            <dt>Application</dt>
            <dd data-review="application">–</dd>
            <dt>Host</dt>
            <dd data-review="host">–</dd>
            <dt>Description</dt>
            <dd data-review="description">–</dd>
          </dl>
          <p id="launch-error" class="notice error" hidden></p>
          <div class="actions">
            <button type="submit" id="launch">
              Launch
            </button>
          </div>
        </section>
      </form>
    </Layout>
  );
}

/**
 * The account or QOS of a SLURM series: only what the host allows the signed-in user
 * (new-series.js refills it from the chosen host's `data-accounts` / `data-qos`).
 */
function ChoiceSelect(props: { id: 'account' | 'qos'; label: string; chosen?: string; offered?: string[] }) {
  const offered = props.offered ?? [];
  return (
    <div data-for="slurm" data-choices={props.id} hidden={offered.length === 0}>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={`resources.${props.id}`} data-chosen={props.chosen ?? ''}>
        <option value="">the cluster's default</option>
        {offered.map((name) => (
          <option value={name} selected={props.chosen === name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
