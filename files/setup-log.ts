// A series' setup log (the application's setup, or an own-code series' environment build,
// docs/own-code.md): the host activity stores the tail of its output at `<seriesId>/setup.log`
// in the series' storage once the setup ran; the API and the series page read it from there.
import { Readable } from 'node:stream';
import { NotFoundError } from '../core/errors.ts';
import { readSlice } from './storage/slice.ts';
import type { Storage } from './storage/types.ts';

/** The host keeps the last 4,000 bytes; anything longer was not written by Tuplet. */
const LOG_BYTES = 64 * 1024;

export const setupLogKey = (seriesId: string) => `${seriesId}/setup.log`;

export async function storeSetupLog(storage: Storage, seriesId: string, log: string): Promise<void> {
  await storage.put(setupLogKey(seriesId), Readable.from([Buffer.from(log, 'utf8')]));
}

/** The setup's output tail, or null when no setup ran (yet). */
export async function readSetupLog(storage: Storage, seriesId: string): Promise<string | null> {
  try {
    return (await readSlice(storage, setupLogKey(seriesId), LOG_BYTES, true)).bytes.toString('utf8');
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
