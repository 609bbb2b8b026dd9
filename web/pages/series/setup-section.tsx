// The series' setup step: for an own-code series the environment its setup built or reused
// (docs/own-code.md), and the tail of the setup's log once it ran.
import type { ApplicationSnapshot } from '../../../db/applications.ts';

export function SetupSection(props: { snapshot: ApplicationSnapshot; log: string | null }) {
  const { ownCode, setup } = props.snapshot;
  return (
    <details class="card" id="setup" open={Boolean(ownCode)}>
      <summary>{ownCode ? 'Environment (own code)' : 'Setup'}</summary>
      {ownCode ? (
        <p class="small">
          <code>{ownCode.python}</code>,{' '}
          {ownCode.requirements.length
            ? ownCode.requirements.map((r) => <code>{r} </code>)
            : 'no requirements'}
        </p>
      ) : (
        <p class="small">
          <code>{setup}</code>
        </p>
      )}
      {props.log === null ? <p class="muted small">Not run yet.</p> : <pre id="setup-log">{props.log}</pre>}
    </details>
  );
}
