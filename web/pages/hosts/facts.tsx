// What a host is: address, work directory, capacity, allowed accounts and QOS, run user, environment.
import type { AllowedChoice, HostRow } from '../../../db/hosts.ts';
import { EnvironmentFacts } from '../environment.tsx';
import { admissionSummary } from './admission-form.tsx';

export function HostFacts(props: { host: HostRow }) {
  const { host: h } = props;
  return (
    <dl class="facts">
      {h.address ? (
        <>
          <dt>Address</dt>
          <dd>
            <code>{`${h.user ? `${h.user}@` : ''}${h.address}${h.port ? `:${h.port}` : ''}`}</code>
          </dd>
        </>
      ) : null}
      <dt>Work directory</dt>
      <dd>
        <code>{h.workdir}</code>
      </dd>
      {h.slots ? (
        <>
          <dt>Slots</dt>
          <dd>{h.slots}</dd>
        </>
      ) : null}
      {h.gpus ? (
        <>
          <dt>GPUs</dt>
          <dd>{h.gpus}</dd>
        </>
      ) : null}
      {h.partition ? (
        <>
          <dt>Partition</dt>
          <dd>{h.partition}</dd>
        </>
      ) : null}
      <AllowedFacts label="Accounts" list={h.accounts} />
      <AllowedFacts label="QOS" list={h.qos} />
      {h.runUser ? (
        <>
          <dt>Runs as</dt>
          <dd>
            <code>{h.runUser}</code>
          </dd>
        </>
      ) : null}
      {admissionSummary(h.admission) ? (
        <>
          <dt>Starts runs while</dt>
          <dd data-admission-summary>{admissionSummary(h.admission)}</dd>
        </>
      ) : null}
      <EnvironmentFacts env={h.env} />
    </dl>
  );
}

/** An account or QOS list: who may choose each name (everyone unless users are named). */
function AllowedFacts(props: { label: string; list: AllowedChoice[] }) {
  if (props.list.length === 0) return null;
  return (
    <>
      <dt>{props.label}</dt>
      <dd>
        {props.list
          .map((choice) => (choice.users ? `${choice.name} (${choice.users.join(', ')})` : choice.name))
          .join('; ')}
      </dd>
    </>
  );
}
