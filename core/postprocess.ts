// Where the series post-processing step reads and writes (docs/postprocess.md): names shared by
// the host step (hosts/postprocess.ts), the API and the web UI that show its outputs.

/** The folder, in the series directory on the host and in the series' storage, that holds its outputs. */
export const POSTPROCESS_DIR = 'postprocess';
/** The tail of the step's output, stored beside the folder: `<storage>/<seriesId>/postprocess.log`. */
export const POSTPROCESS_LOG = 'postprocess.log';
/** What the command reads in the series directory: `index<TAB>dir<TAB>state<TAB>exit_code`, with a header line. */
export const RUNS_FILE = 'runs.tsv';
