// A series writes one config per tuple, each about the template's size: template bytes ×
// tuples bounds what staging puts on the host's disk. Past TUPLET_MAX_RENDERED_BYTES the
// series is refused before anything is stored or staged (and the preview says so at once).
import { ApiError } from '../errors.ts';

export function checkRenderedSize(ini: string, tuples: number | bigint, limit: number): void {
  const templateBytes = Buffer.byteLength(ini, 'utf8');
  const rendered = BigInt(templateBytes) * BigInt(tuples);
  if (rendered > BigInt(limit)) {
    throw new ApiError(
      413,
      'too_large',
      `the configs would render to about ${rendered} bytes (${templateBytes} template bytes × ${tuples} tuples), ` +
        `more than the limit of ${limit} bytes (TUPLET_MAX_RENDERED_BYTES)`,
      { field: 'ini', renderedBytes: Number(rendered), limit },
    );
  }
}
