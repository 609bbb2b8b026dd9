// A series' setup log (the application's setup, or an own-code series' environment build,
// docs/own-code.md): the host activity stores the tail of its output at `<seriesId>/setup.log`
// in the series' storage once the setup ran; the API and the series page read it from there.
import { Readable } from 'node:stream';
import { setupLogKey } from './storage/layout.ts';
import { readLogTail } from './storage/slice.ts';
import type { Storage } from './storage/types.ts';

export async function storeSetupLog(storage: Storage, seriesId: string, log: string): Promise<void> {
  await storage.put(setupLogKey(seriesId), Readable.from([Buffer.from(log, 'utf8')]));
}

/** The setup's output tail, or null when no setup ran (yet). */
export function readSetupLog(storage: Storage, seriesId: string): Promise<string | null> {
  return readLogTail(storage, setupLogKey(seriesId));
}
