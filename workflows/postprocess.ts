// The series post-processing step (docs/postprocess.md): the application's `postprocess`
// command, run once after the runs end (seriesWorkflow, before archiving, so its outputs are
// archived) and again on demand (postprocessWorkflow, `series-<id>-postprocess-<n>`). Its
// failure is recorded on the series (series.postprocess), never what the series ends with.
import { isCancellation, log } from '@temporalio/workflow';
import type { SeriesPlan } from '../activities/control/types.ts';
import { control, controlLong, hostActivities } from './activities.ts';
import { withoutTemplate } from './chunk.ts';

/** Runs the step and records its outcome; a cancellation passes through, any other failure is recorded. */
export async function postprocessStep(seriesId: string, plan: SeriesPlan): Promise<'succeeded' | 'failed'> {
  const host = hostActivities(plan.host.name);
  // The workflow's clock: deterministic on replay.
  const startedAt = new Date().toISOString();
  await control.recordPostprocess(seriesId, { state: 'running', startedAt });
  let exitCode: number | null = null;
  try {
    exitCode = (await host.long.postprocessSeries(plan.host, withoutTemplate(plan.spec))).exitCode;
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('post-processing failed on the host', {
      seriesId,
      reason: innermostMessage(error),
    });
  }
  const state = exitCode === 0 ? 'succeeded' : 'failed';
  await control.recordPostprocess(seriesId, {
    state,
    exitCode,
    startedAt,
    endedAt: new Date().toISOString(),
  });
  return state;
}

/** On demand (API POST /series/{id}/postprocess): the step again, then the archive rebuilt with its outputs. */
export async function postprocessWorkflow(seriesId: string): Promise<'succeeded' | 'failed'> {
  const plan = await control.loadSeries(seriesId);
  const state = await postprocessStep(seriesId, plan);
  await controlLong.archiveSeries(seriesId);
  return state;
}

/** What the host said, not the wrappers Temporal puts around an activity's failure. */
function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
