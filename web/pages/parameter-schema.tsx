// An application's typed parameter schema (docs/parameter-schema.md): a table of what each
// parameter means, shown on the applications page and beside the new-series INI editor, and
// the admin's JSON field that edits it.
import { describeSpec, type ParameterSpec } from '../../core/parameter-schema.ts';

export function ParameterTable(props: { parameters: readonly ParameterSpec[] }) {
  return (
    <table class="parameter-schema small">
      <thead>
        <tr>
          <th>Parameter</th>
          <th>Allowed</th>
          <th>Unit</th>
          <th>Default</th>
          <th>Meaning</th>
        </tr>
      </thead>
      <tbody>
        {props.parameters.map((p) => (
          <tr data-parameter={p.name}>
            <td>
              <code>{p.name}</code>
            </td>
            <td>{describeSpec(p)}</td>
            <td data-unit="">{p.unit ?? ''}</td>
            <td>{p.default === undefined ? '' : String(p.default)}</td>
            <td data-description="">{p.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ParametersField(props: {
  id: string;
  parameters: readonly ParameterSpec[] | null | undefined;
}) {
  return (
    <div>
      <label for={props.id}>
        Parameter schema{' '}
        <span class="hint">
          JSON list, optional; <code>[]</code> removes it
        </span>
      </label>
      <textarea
        id={props.id}
        name="parameters"
        data-type="json"
        rows={3}
        class="code"
        placeholder='[{"name": "model.a", "type": "float", "min": 0, "max": 1, "unit": "ms", "description": "…"}]'
      >
        {props.parameters?.length ? JSON.stringify(props.parameters, null, 1) : ''}
      </textarea>
    </div>
  );
}
