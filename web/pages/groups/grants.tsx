// What a group may use: its applications and hosts. Admins grant and withdraw each; everyone
// else sees the granted names.
import type { GroupGrants } from '../../../db/groups.ts';

type Kind = 'applications' | 'hosts';
const LABEL: Record<Kind, string> = { applications: 'Applications', hosts: 'Hosts' };

export function GrantsSection(props: {
  group: string;
  grants: GroupGrants;
  registered: GroupGrants | undefined;
}) {
  const nothing = props.grants.applications.length === 0 || props.grants.hosts.length === 0;
  return (
    <section class="card" aria-labelledby="grants-title">
      <h2 id="grants-title" style="margin-top:0">
        What the group may use
      </h2>
      {nothing ? (
        <p class="notice" data-empty="grants">
          The members can launch nothing until the group is granted at least one application and one host
          {props.registered ? ': grant them below.' : '; an admin grants them.'}
        </p>
      ) : null}
      <div class="grid2">
        {(['applications', 'hosts'] as const).map((kind) => (
          <div data-grants={kind}>
            <h3>{LABEL[kind]}</h3>
            {props.registered ? (
              <GrantToggles
                group={props.group}
                kind={kind}
                granted={props.grants[kind]}
                all={props.registered[kind]}
              />
            ) : props.grants[kind].length === 0 ? (
              <p class="muted">none</p>
            ) : (
              <ul>
                {props.grants[kind].map((name) => (
                  <li data-granted={name}>{name}</li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

/** Every registered name with a button: Withdraw for the granted ones, Grant for the others. */
function GrantToggles(props: { group: string; kind: Kind; granted: string[]; all: string[] }) {
  if (props.all.length === 0) {
    return (
      <p class="muted">
        None registered yet: add one on the <a href={`/${props.kind}`}>{LABEL[props.kind]}</a> page.
      </p>
    );
  }
  const granted = new Set(props.granted);
  return (
    <ul class="grants">
      {props.all.map((name) => {
        const url = `/api/v1/groups/${encodeURIComponent(props.group)}/${props.kind}/${encodeURIComponent(name)}`;
        const on = granted.has(name);
        return (
          <li data-granted={on ? name : undefined} data-grantable={on ? undefined : name}>
            <span class={on ? '' : 'muted'}>
              {name} {on ? <span class="tag">granted</span> : null}
            </span>{' '}
            <button
              type="button"
              class="secondary small"
              data-action={`${on ? 'DELETE' : 'PUT'} ${url}`}
              data-done={on ? 'Withdrawn' : 'Granted'}
            >
              {on ? 'Withdraw' : 'Grant'}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
