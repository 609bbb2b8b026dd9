// Step 2: the INI file with line numbers and the application's parameter schema, beside the
// live preview new-series.js fills in (with the values the schema refuses, by line).
import { SchemaGuide } from './schema-guide.tsx';
import type { ApplicationChoice } from './types.ts';

export function ParametersStep(props: {
  ini: string;
  applications: ApplicationChoice[];
  application: string | undefined;
}) {
  const lines = Math.max(1, props.ini.split('\n').length);
  return (
    <section class="card step" aria-labelledby="step2">
      <h2 id="step2">Parameters</h2>
      <p class="muted small">
        List several values separated by spaces (<code>alpha = 0.1 0.2 0.5</code>) or a range{' '}
        <code>start...step...end</code> (<code>n = 10...10...50</code>). Every combination becomes one run.
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
              {props.ini}
            </textarea>
          </div>
          <SchemaGuide applications={props.applications} chosen={props.application} />
        </div>
        <div class="preview" aria-live="polite" id="preview">
          <div>
            <span class="count" id="preview-count">
              –
            </span>{' '}
            <span class="muted">runs</span>
          </div>
          <p id="preview-error" class="notice error" hidden></p>
          <div id="preview-schema" hidden>
            <h3>Checked against the parameter schema</h3>
            <ul id="preview-schema-list" class="small"></ul>
          </div>
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
  );
}
