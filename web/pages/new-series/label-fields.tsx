// Description, tags and the input package (new-series.js uploads it when chosen, with progress,
// and lists the files the server's check admitted).
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
      <div style="margin-top:0.6rem" id="package-field">
        <label for="package">
          Input package{' '}
          <span class="hint">
            optional: a .zip, .tar or .tar.gz of input files, unpacked into the series directory; checked as
            soon as it is chosen
          </span>
        </label>
        <input id="package" type="file" accept=".zip,.tar,.tar.gz,.tgz" data-nosubmit="" />
        <progress id="package-progress" max={100} value={0} hidden></progress>
        <p id="package-status" class="small" aria-live="polite" hidden></p>
        <ul id="package-files" class="dirs small" hidden></ul>
      </div>
    </>
  );
}
