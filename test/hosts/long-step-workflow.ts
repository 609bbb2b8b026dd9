// A workflow for test/hosts/activity-cancel.test.ts: one long host step (the series' setup)
// through the same activity proxy the series workflow uses, so it is cancelled the same way.
import type { HostSpec, SeriesSpec } from '../../hosts/executor.ts';
import { hostActivities } from '../../workflows/activities.ts';

export async function longSetupWorkflow(host: HostSpec, series: SeriesSpec): Promise<void> {
  await hostActivities(host.name).long.setupSeries(host, series);
}
