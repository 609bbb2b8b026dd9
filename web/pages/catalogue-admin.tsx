// What admins get on a catalogue page (hosts, applications): the edit form of an entry with its
// Remove button, and the card that adds a new one. Members see neither.
import type { Child } from 'hono/jsx';

/** An entry's edit form in a closed `details`, with the button that removes the entry. */
export function EditEntry(props: { kind: 'host' | 'application'; name: string; children: Child }) {
  return (
    <details>
      <summary>Edit</summary>
      {props.children}
      <button
        class="danger"
        data-action={`DELETE /api/v1/${props.kind}s/${encodeURIComponent(props.name)}`}
        data-confirm={`Remove the ${props.kind} ${props.name}?`}
        data-done="Removed"
      >
        Remove
      </button>
    </details>
  );
}

/** The card with the form that adds an entry. */
export function AddEntry(props: { title: string; children: Child }) {
  return (
    <section class="card">
      <h2 style="margin-top:0">{props.title}</h2>
      {props.children}
    </section>
  );
}
