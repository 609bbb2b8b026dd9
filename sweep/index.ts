// The sweep language: one INI file in which some keys list several values or ranges becomes
// a series of tuples, each with its directory name and its rendered config. Pure: no I/O, no
// Node built-ins (workflows import it), nothing else of ours.
export { SweepError, formatSweepError, type SweepErrorCode, type SweepErrorJSON } from './errors.ts';
export {
  parseSweep,
  Sweep,
  DEFAULT_MAX_TUPLES,
  MAX_VALUES_PER_PARAMETER,
  type Parameter,
  type Constant,
  type SweepOptions,
  type SweepDirectives,
} from './parse.ts';
export type { Link } from './links.ts';
export { MAX_COMBINATIONS_WITH_EXCLUSIONS } from './exclusions.ts';
export { tupleAt, renderTuple, tuplesInRange, indexOfValues, type Tuple } from './tuples.ts';
export { previewOf, type SweepPreview } from './preview.ts';
export { MAX_DIR_BYTES } from './naming.ts';
