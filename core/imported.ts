// A series imported from another Tuplet's archive (POST /series/import) ran elsewhere: it has
// no workflow here and must never run anything here — its application snapshot (command,
// setup, postprocess) came from an uploaded file. Its workflow id marks it: every path that
// would run a series' commands (rerun, post-processing, loading a series' plan) refuses one.
// Like all of core/, it imports nothing of the project.

const PREFIX = 'imported-';

/** The workflow id an imported series is recorded with (no workflow of that id ever starts). */
export function importedWorkflowId(seriesId: string): string {
  return `${PREFIX}${seriesId}`;
}

export function isImportedSeries(row: { workflowId: string }): boolean {
  return row.workflowId.startsWith(PREFIX);
}

export const IMPORTED_REFUSAL =
  'this series was imported from an archive: it is a record of runs made elsewhere and never runs here ' +
  '(clone it to run the same sweep with an application of this Tuplet)';
