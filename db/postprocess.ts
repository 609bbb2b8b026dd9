// The series post-processing step's outcome (series.postprocess, written by the workflows through
// the control activity recordPostprocess; docs/postprocess.md).
import { eq } from 'drizzle-orm';
import type { Database } from './client.ts';
import { series, type PostprocessOutcome } from './schema.ts';

export type { PostprocessOutcome } from './schema.ts';

export async function setPostprocessOutcome(
  db: Database,
  seriesId: string,
  outcome: PostprocessOutcome,
): Promise<void> {
  await db.update(series).set({ postprocess: outcome, updatedAt: new Date() }).where(eq(series.id, seriesId));
}
