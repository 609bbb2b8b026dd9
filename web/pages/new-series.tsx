// New series: the paper's four steps on one page — (1) start blank or from a previous
// series, (2) edit the INI with a live preview, (3) application, host, resources and
// description, (4) review and launch. new-series.js drives the preview and the launch.
import type { AuthUser } from '../context.ts';
import { Layout } from '../layout.tsx';
import { ParametersStep } from './new-series/parameters-step.tsx';
import { ReviewStep } from './new-series/review-step.tsx';
import { StartStep } from './new-series/start-step.tsx';
import type { HighPriorityGroups } from './new-series/priority-select.tsx';
import type { ApplicationChoice, HostChoice, Prefill } from './new-series/types.ts';
import { WhereStep } from './new-series/where-step.tsx';

export type { ApplicationChoice, HostChoice, Prefill } from './new-series/types.ts';

export interface NewSeriesProps {
  user: AuthUser;
  csrf: string;
  hosts: HostChoice[];
  applications: ApplicationChoice[];
  /** The user's groups, by name (the series' group is one of them). */
  groups: string[];
  /** Who may ask for high priority: admins any group, members their groups with highPriority. */
  highPriority: HighPriorityGroups;
  previous: Array<{ id: string; label: string }>;
  prefill: Prefill;
}

export function NewSeriesPage(props: NewSeriesProps) {
  const { prefill } = props;
  return (
    <Layout
      title="New series"
      user={props.user}
      csrf={props.csrf}
      active="new"
      scripts={['package-upload.js', 'new-series.js']}
    >
      <h1>New series</h1>
      <form id="new-series" class="steps" novalidate>
        <StartStep previous={props.previous} prefill={prefill} />
        <ParametersStep
          ini={prefill.ini}
          applications={props.applications}
          application={prefill.application}
        />
        <WhereStep
          hosts={props.hosts}
          applications={props.applications}
          groups={props.groups}
          highPriority={props.highPriority}
          prefill={prefill}
        />
        <ReviewStep />
      </form>
    </Layout>
  );
}
