// Step 4: what will be launched (new-series.js fills the facts in) and the launch button.
export function ReviewStep() {
  return (
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
      {/* Filled in by new-series.js from the preview's `reuse` (docs/reuse.md); opt-in, never checked for you. */}
      <div id="reuse" class="notice" hidden>
        <label>
          <input type="checkbox" id="reuse-box" data-nosubmit /> <span id="reuse-text"></span>
        </label>
        <p id="reuse-sources" class="small"></p>
      </div>
      <p id="launch-error" class="notice error" hidden></p>
      <div class="actions">
        <button type="submit" id="launch">
          Launch
        </button>
      </div>
    </section>
  );
}
