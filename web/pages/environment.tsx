// The `env` of a host or an application on its admin page: shown as facts, edited as JSON
// (`{"NAME": "value"}`; an empty field leaves it unchanged, `{}` clears it).

export function EnvironmentFacts(props: { env: Record<string, string> }) {
  const names = Object.keys(props.env).sort();
  if (names.length === 0) return null;
  return (
    <>
      <dt>Environment</dt>
      <dd>
        <code>{names.map((name) => `${name}=${props.env[name]}`).join(' ')}</code>
      </dd>
    </>
  );
}

export function EnvironmentField(props: { id: string; env: Record<string, string> | undefined }) {
  return (
    <div>
      <label for={props.id}>
        Environment of runs <span class="hint">JSON; not for secrets</span>
      </label>
      <textarea
        id={props.id}
        name="env"
        data-type="json"
        rows={2}
        class="code"
        placeholder='{"OMP_NUM_THREADS": "1"}'
      >
        {props.env && Object.keys(props.env).length > 0 ? JSON.stringify(props.env) : ''}
      </textarea>
    </div>
  );
}
