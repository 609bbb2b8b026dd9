// Description, tags and the (not yet accepted) input package.
import type { Prefill } from './types.ts';

export function LabelFields(props: { prefill: Prefill }) {
  const { prefill } = props;
  return (
    <>
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
            (.zip or .tar.gz unpacked into the series directory) — not accepted by this server's API yet: put
            input files next to the application's command for now
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
    </>
  );
}
