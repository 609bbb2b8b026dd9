// Every workflow the control worker registers.
export { seriesWorkflow, progressQuery } from './series.ts';
export { chunkWorkflow } from './chunk.ts';
export { hostCheckWorkflow } from './host-check.ts';
export { postprocessWorkflow } from './postprocess.ts';
export { notifyWorkflow } from './notify.ts';
