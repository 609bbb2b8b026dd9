// Applications: everyone sees them; admins add and edit them.
import type { ApplicationRow } from '../../db/applications.ts';
import type { AuthUser } from '../context.ts';
import { Layout } from '../layout.tsx';
import { AddEntry, EditEntry } from './catalogue-admin.tsx';
import { EnvironmentFacts, EnvironmentField } from './environment.tsx';
import { InputFacts, InputField } from './input-format.tsx';
import { ParameterTable, ParametersField } from './parameter-schema.tsx';

export function ApplicationsPage(props: { user: AuthUser; csrf: string; applications: ApplicationRow[] }) {
  const admin = props.user.role === 'admin';
  return (
    <Layout title="Applications" user={props.user} csrf={props.csrf} active="applications">
      <h1>Applications</h1>
      <p class="muted">
        An application is the program a series runs once per parameter combination. Its command runs with{' '}
        <code>bash</code> inside the run directory, which holds the rendered config file.
      </p>
      {props.applications.length === 0 ? <p class="card">No application registered yet.</p> : null}
      {props.applications.map((a) => (
        <section class="card">
          <h2 style="margin-top:0" class="wrap">
            {a.name}
          </h2>
          {a.description ? <p>{a.description}</p> : null}
          <dl class="facts">
            <dt>Command</dt>
            <dd>
              {a.kind === 'own-code' ? (
                <span class="own-code">
                  own code: each series' package carries it (<code>code.py</code>, or <code>tuplet.json</code>
                  's command), run in an environment of its requirements; for groups that run their own code
                </span>
              ) : (
                <code>{a.command}</code>
              )}
            </dd>
            <dt>Config file</dt>
            <dd>
              <code>{a.configFile}</code>
            </dd>
            {a.setup ? (
              <>
                <dt>Setup</dt>
                <dd>
                  <code>{a.setup}</code>
                </dd>
              </>
            ) : null}
            <dt>Collect</dt>
            <dd>{a.collect?.length ? a.collect.join(', ') : 'everything a run writes'}</dd>
            <EnvironmentFacts env={a.env} />
            <InputFacts input={a.input} configFile={a.configFile} />
          </dl>
          {a.parameters?.length ? <ParameterTable parameters={a.parameters} /> : null}
          {admin ? (
            <EditEntry kind="application" name={a.name}>
              <ApplicationForm application={a} />
            </EditEntry>
          ) : null}
        </section>
      ))}
      {admin ? (
        <AddEntry title="Add an application">
          <ApplicationForm />
        </AddEntry>
      ) : null}
    </Layout>
  );
}

function ApplicationForm(props: { application?: ApplicationRow }) {
  const a = props.application;
  const id = (f: string) => `${a ? `app-${a.name}` : 'new-app'}-${f}`;
  // An own-code application has no command or setup of its own (docs/own-code.md).
  const ownCode = a?.kind === 'own-code';
  return (
    <form
      data-api={a ? `PATCH /api/v1/applications/${encodeURIComponent(a.name)}` : 'POST /api/v1/applications'}
      data-then="reload"
      class="grid2"
    >
      {a ? null : (
        <div>
          <label for={id('name')}>Name</label>
          <input id={id('name')} name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" />
        </div>
      )}
      {a ? null : (
        <div>
          <label for={id('kind')}>
            Kind <span class="hint">own code: leave command and setup empty</span>
          </label>
          <select id={id('kind')} name="kind">
            <option value="program">program: runs the command</option>
            <option value="own-code">own code: runs the series' package (groups with ownCode)</option>
          </select>
        </div>
      )}
      {ownCode ? null : (
        <div>
          <label for={id('command')}>Command</label>
          <input
            id={id('command')}
            name="command"
            required={Boolean(a)}
            value={a?.command ?? ''}
            placeholder="python3 model.py config.ini"
          />
        </div>
      )}
      <div>
        <label for={id('config')}>Config file name</label>
        <input id={id('config')} name="configFile" value={a?.configFile ?? 'config.ini'} />
      </div>
      {ownCode ? null : (
        <div>
          <label for={id('setup')}>
            Setup command <span class="hint">optional, once per series</span>
          </label>
          <input id={id('setup')} name="setup" value={a?.setup ?? ''} />
        </div>
      )}
      <div>
        <label for={id('collect')}>
          Collect <span class="hint">globs, comma separated; empty: everything</span>
        </label>
        <input id={id('collect')} name="collect" data-type="list" value={(a?.collect ?? []).join(', ')} />
      </div>
      <EnvironmentField id={id('env')} env={a?.env} />
      <ParametersField id={id('parameters')} parameters={a?.parameters} />
      <InputField id={id('input')} input={a?.input} />
      <div>
        <label for={id('description')}>Description</label>
        <input id={id('description')} name="description" value={a?.description ?? ''} />
      </div>
      <div>
        <button type="submit">{a ? 'Save' : 'Add'}</button>
      </div>
    </form>
  );
}
