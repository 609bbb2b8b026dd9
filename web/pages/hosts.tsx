// Hosts: everyone sees them and may check one; admins add and edit them.
import type { AllowedChoice, HostRow } from '../../db/hosts.ts';
import type { AuthUser } from '../context.ts';
import { Layout } from '../layout.tsx';
import { AddEntry, EditEntry } from './catalogue-admin.tsx';
import { EnvironmentField } from './environment.tsx';
import { AdmissionForm } from './hosts/admission-form.tsx';
import { HostFacts } from './hosts/facts.tsx';

export function HostsPage(props: { user: AuthUser; csrf: string; hosts: HostRow[] }) {
  const admin = props.user.role === 'admin';
  return (
    <Layout title="Hosts" user={props.user} csrf={props.csrf} active="hosts" scripts={['hosts.js']}>
      <h1>Hosts</h1>
      <p class="muted">
        Where series run: the local machine, a workstation over SSH, or a SLURM cluster. Key files are paths
        on the machine of the worker that serves the host; no key is stored here.
      </p>
      {props.hosts.length === 0 ? <p class="card">No host registered yet.</p> : null}
      {props.hosts.map((h) => (
        <section class="card" data-host={h.name}>
          <h2 style="margin-top:0" class="wrap">
            {h.name} <span class="tag">{h.kind}</span>
            {h.pool ? <span class="tag">pool {h.pool}</span> : null}
            {h.drained ? (
              <span class="tag" data-drained={h.name}>
                drained
              </span>
            ) : null}
          </h2>
          {h.description ? <p>{h.description}</p> : null}
          <HostFacts host={h} />
          <div class="actions">
            <button class="secondary" data-check={h.name}>
              Check
            </button>
            {admin ? <DrainButton host={h} /> : null}
          </div>
          <pre data-check-result={h.name} hidden></pre>
          {admin ? (
            <EditEntry kind="host" name={h.name}>
              <HostForm host={h} />
              {h.kind === 'slurm' ? null : <AdmissionForm host={h} />}
            </EditEntry>
          ) : null}
        </section>
      ))}
      {admin ? (
        <AddEntry title="Add a host">
          <HostForm />
        </AddEntry>
      ) : null}
    </Layout>
  );
}

/** Drain (no new series nor chunks; what runs there finishes) or undrain a host (docs/multi-host.md). */
function DrainButton(props: { host: HostRow }) {
  const { name, drained } = props.host;
  return (
    <button
      class="secondary"
      data-action={`PATCH /api/v1/hosts/${encodeURIComponent(name)}`}
      data-body={JSON.stringify({ drained: !drained })}
      data-confirm={
        drained ? undefined : `Drain ${name}? It takes no new series nor chunks; what runs there finishes.`
      }
      data-done={drained ? 'Undrained' : 'Drained'}
      data-then="reload"
    >
      {drained ? 'Undrain' : 'Drain'}
    </button>
  );
}

function HostForm(props: { host?: HostRow }) {
  const h = props.host;
  const id = (f: string) => `${h ? `host-${h.name}` : 'new-host'}-${f}`;
  const field = (
    name: string,
    label: string,
    value: string | number | null | undefined,
    extra: Record<string, string> = {},
  ) => (
    <div>
      <label for={id(name)}>{label}</label>
      <input id={id(name)} name={name} value={value ?? ''} {...extra} />
    </div>
  );
  // JSON as the API takes it; `[]` allows none (an empty field leaves the list unchanged).
  const choices = (name: 'accounts' | 'qos', label: string, list: AllowedChoice[] | undefined) => (
    <div>
      <label for={id(name)}>
        {label} <span class="hint">JSON</span>
      </label>
      <textarea
        id={id(name)}
        name={name}
        data-type="json"
        rows={2}
        class="code"
        placeholder='[{"name": "lab"}, {"name": "big", "users": ["alice"]}]'
      >
        {list && list.length > 0 ? JSON.stringify(list) : ''}
      </textarea>
    </div>
  );
  return (
    <form
      data-api={h ? `PATCH /api/v1/hosts/${encodeURIComponent(h.name)}` : 'POST /api/v1/hosts'}
      data-then="reload"
      class="grid3"
    >
      {h ? null : field('name', 'Name', '', { required: '' })}
      {h ? null : (
        <div>
          <label for={id('kind')}>Kind</label>
          <select id={id('kind')} name="kind">
            <option value="local">local</option>
            <option value="ssh">ssh</option>
            <option value="slurm">slurm</option>
          </select>
        </div>
      )}
      {field('address', 'Address', h?.address)}
      {field('port', 'Port', h?.port, { type: 'number', 'data-type': 'int' })}
      {field('user', 'User', h?.user)}
      {field('identityFile', 'Identity file (path)', h?.identityFile)}
      {field('knownHostsFile', 'Known hosts file (path)', h?.knownHostsFile)}
      {field('workdir', 'Work directory', h?.workdir, { required: '' })}
      {field('slots', 'Slots', h?.slots, { type: 'number', 'data-type': 'int' })}
      {field('gpus', 'GPUs', h?.gpus, { type: 'number', 'data-type': 'int' })}
      {field('partition', 'Partition', h?.partition)}
      {field('description', 'Description', h?.description)}
      {field('pool', 'Pool', h?.pool)}
      {choices('accounts', 'SLURM accounts allowed', h?.accounts)}
      {choices('qos', 'SLURM QOS allowed', h?.qos)}
      {field('runUser', 'Run as account (local hosts)', h?.runUser)}
      <EnvironmentField id={id('env')} env={h?.env} />
      <div>
        <button type="submit">{h ? 'Save' : 'Add'}</button>
      </div>
    </form>
  );
}
