// Step 3: application and host, resources per run, description and tags.
import { GroupFields } from './group-fields.tsx';
import { LabelFields } from './label-fields.tsx';
import { ResourceFields } from './resource-fields.tsx';
import { TargetSelects } from './target-selects.tsx';
import type { ApplicationChoice, HostChoice, Prefill } from './types.ts';

export function WhereStep(props: {
  hosts: HostChoice[];
  applications: ApplicationChoice[];
  /** The user's groups, by name. */
  groups: string[];
  prefill: Prefill;
}) {
  const { prefill } = props;
  const chosenHost = props.hosts.find((h) => h.name === prefill.host) ?? props.hosts[0];
  return (
    <section class="card step" aria-labelledby="step3">
      <h2 id="step3">Where and how</h2>
      <TargetSelects hosts={props.hosts} applications={props.applications} prefill={prefill} />
      <ResourceFields resources={prefill.resources ?? {}} host={chosenHost} />
      <GroupFields groups={props.groups} prefill={prefill} />
      <LabelFields prefill={prefill} />
    </section>
  );
}
