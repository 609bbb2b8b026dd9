// A poll's scan reports every run whose files changed since its cursor less an overlap
// (hosts/scan.ts SCAN_OVERLAP_SECONDS: file times written around a scan, other nodes' clocks),
// so each run is reported again by every poll within that window — two or three times at the
// ~1 s the chunks poll at, about ten at 250 ms — each a row to record again and bytes in the
// workflow's history. The host worker remembers what it answered per chunk and leaves out a
// change it already reported in exactly that form, but only when the poll carries the cursor of
// that very answer: that proves the workflow has it (and, by the same proof one poll earlier, the
// answers before). A retried poll, a poll another worker answered, a worker restarted: no proof,
// every change goes out.
//
// Each answer's cursor gets a token of its own (`<host cursor>#<token>`): the host's cursor is a
// time in whole seconds, the same for polls within one second, and could not tell them apart.
import { randomUUID } from 'node:crypto';
import type { PollRequest, PollResult, RunChange } from '../../hosts/executor.ts';
import { SCAN_OVERLAP_SECONDS } from '../../hosts/scan.ts';

/** Chunks whose answers are remembered at once; the least recently polled go first. */
const MAX_CHUNKS = 1_000;

interface Reported {
  /** The change as reported (JSON), compared whole. */
  form: string;
  /** Host seconds after which no scan reports the run again: its files are older than the cursor. */
  until: number;
}

interface Answered {
  token: string;
  reported: Map<number, Reported>;
}

/** The host's own cursor and the answer's token, from the cursor the workflow sent back. */
export function splitCursor(cursor: string | undefined): { host?: string; token?: string } {
  if (cursor === undefined) return {};
  const at = cursor.lastIndexOf('#');
  if (at < 0) return { host: cursor };
  return { host: cursor.slice(0, at), token: cursor.slice(at + 1) };
}

export class RepeatFilter {
  private readonly answered = new Map<string, Answered>();

  /** The request as the host's executor reads it: its own cursor, without the token. */
  hostRequest(request: PollRequest): PollRequest {
    const { host } = splitCursor(request.cursor);
    return host === undefined ? request : { ...request, cursor: host };
  }

  /** The answer without the changes the workflow has, with a cursor carrying a new token. */
  answer(seriesId: string, request: PollRequest, result: PollResult): PollResult {
    const key = `${seriesId}:${request.chunks.map((c) => `${c.chunkIndex}.${c.attempt}`).join(',')}`;
    const { token } = splitCursor(request.cursor);
    const before = this.answered.get(key);
    this.answered.delete(key); // re-inserted last: the map's order is the polls' order
    const known = before !== undefined && token !== undefined && before.token === token;
    const reported = known ? before.reported : new Map<number, Reported>();
    const hostCursor = Number(result.cursor);
    // A run reported under this cursor has files no newer than the host's time of the scan.
    const until = hostCursor + SCAN_OVERLAP_SECONDS + 1;
    const fresh: RunChange[] = [];
    for (const change of result.changes) {
      const form = JSON.stringify(change);
      if (reported.get(change.index)?.form !== form) fresh.push(change);
      reported.set(change.index, { form, until });
    }
    if (Number.isFinite(hostCursor)) {
      for (const [index, entry] of reported) if (entry.until < hostCursor) reported.delete(index);
    }
    const next = randomUUID();
    this.answered.set(key, { token: next, reported });
    if (this.answered.size > MAX_CHUNKS) this.answered.delete(this.answered.keys().next().value!);
    return { ...result, changes: fresh, cursor: `${result.cursor}#${next}` };
  }
}
