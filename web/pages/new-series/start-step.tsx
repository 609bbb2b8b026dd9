// Step 1: a blank INI file, a previous series to copy, or the example.
import type { Prefill } from './types.ts';

export function StartStep(props: { previous: Array<{ id: string; label: string }>; prefill: Prefill }) {
  const { prefill } = props;
  return (
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
          <a href={`/series/${encodeURIComponent(prefill.fromId)}`}>{prefill.fromLabel ?? prefill.fromId}</a>:
          change what differs and launch.
        </p>
      ) : null}
    </section>
  );
}
