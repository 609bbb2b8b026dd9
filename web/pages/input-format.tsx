// An application's `input` (core/input-format.ts, docs/input-formats.md) on the applications
// page: what each run receives, shown as facts (a template's text folded away), and the
// admin's JSON field that edits it (empty leaves it unchanged, `null` returns to the INI file).
import type { InputSpec } from '../../core/input-format.ts';

export function InputFacts(props: { input: InputSpec | null | undefined; configFile: string }) {
  const input = props.input;
  return (
    <>
      <dt>Input</dt>
      <dd data-input-format={input?.format ?? 'ini'}>
        {input ? (
          <>
            <code>{input.format}</code>
            {input.format === 'args' ? (
              <>
                {' '}
                arguments <code>{input.argPattern ?? '--{name}={value}'}</code>
              </>
            ) : (
              <>
                {' '}
                into <code>{input.file ?? props.configFile}</code>
              </>
            )}
            {input.template ? (
              <>
                {' '}
                from <code>{input.template}</code>
              </>
            ) : null}
            , and <code>TUPLET_P_*</code> variables
            {input.templateText !== undefined ? (
              <details>
                <summary>Template</summary>
                <pre class="code">{input.templateText}</pre>
              </details>
            ) : null}
          </>
        ) : (
          <>
            the INI file with the tuple's values (<code>ini</code>)
          </>
        )}
      </dd>
    </>
  );
}

export function InputField(props: { id: string; input: InputSpec | null | undefined }) {
  return (
    <div>
      <label for={props.id}>
        Input{' '}
        <span class="hint">
          JSON, optional; <code>null</code> returns to the INI file
        </span>
      </label>
      <textarea
        id={props.id}
        name="input"
        data-type="json"
        rows={3}
        class="code"
        placeholder='{"format": "template", "template": "model.tpl", "templateText": "define K {{model.k}}\n"}'
      >
        {props.input ? JSON.stringify(props.input, null, 1) : ''}
      </textarea>
    </div>
  );
}
