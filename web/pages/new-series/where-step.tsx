// Step 3: application and host, resources per run, description and tags.
import { GroupFields } from './group-fields.tsx';
import { LabelFields } from './label-fields.tsx';
import { PrioritySelect, type HighPriorityGroups } from './priority-select.tsx';
import { ResourceFields } from './resource-fields.tsx';
import { TargetSelects } from './target-selects.tsx';
import type { ApplicationChoice, HostChoice, Prefill } from './types.ts';

export function WhereStep(props: {
  hosts: HostChoice[];
  applications: ApplicationChoice[];
  /** The user's groups, by name. */
  groups: string[];
  /** Who may ask for high priority (priority-select.tsx). */
  highPriority: HighPriorityGroups;
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
      <div class="grid2" style="margin-top:0.6rem">
        <PrioritySelect high={props.highPriority} />
      </div>
      <LabelFields prefill={prefill} />
    </section>
  );
}
