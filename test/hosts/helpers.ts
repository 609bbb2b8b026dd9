// Shared by the host tests: a temp workdir, a series spec, and polling a chunk to its end.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { ChunkSpec, Executor, RunChange, SeriesSpec } from '../../hosts/executor.ts';
import { tarStream } from '../../hosts/tar-pack.ts';
import { waitFor } from '../support/wait.ts';

export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `tuplet-test-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function seriesSpec(
  seriesId: string,
  ini: string,
  command: string,
  extra: Partial<SeriesSpec> = {},
): SeriesSpec {
  return {
    seriesId,
    ini,
    configFile: 'config.ini',
    command,
    resources: {},
    count: 0,
    maxTuples: 1_000_000,
    ...extra,
  };
}

export function wholeChunk(length: number, attempt = 1, chunkIndex = 0): ChunkSpec {
  return { chunkIndex, offset: 0, length, attempt };
}

/** Polls until the chunk's runner is gone and every run has a final state; returns the last state per index. */
export async function pollUntilDone(
  executor: Executor,
  series: SeriesSpec,
  chunk: ChunkSpec & { jobId?: string },
  expected: number,
  options: {
    timeoutMs?: number;
    onPoll?: (states: Map<number, RunChange>) => boolean | void;
    /** What to poll through instead of the executor itself (e.g. a PollBatcher). */
    poller?: Pick<Executor, 'poll'>;
  } = {},
): Promise<Map<number, RunChange>> {
  const poller = options.poller ?? executor;
  const states = new Map<number, RunChange>();
  let cursor: string | undefined;
  return waitFor(
    async () => {
      const result = await poller.poll(series, { chunks: [chunk], ...(cursor ? { cursor } : {}) });
      cursor = result.cursor;
      for (const change of result.changes) states.set(change.index, change);
      if (options.onPoll?.(states)) return states;
      const final = [...states.values()].filter((c) =>
        ['succeeded', 'failed', 'cancelled'].includes(c.state),
      ).length;
      return final >= expected && result.aliveJobs.length === 0 ? states : undefined;
    },
    {
      what: `chunk ${chunk.chunkIndex} of series ${series.seriesId} to end (${expected} runs final, no job alive)`,
      timeoutMs: options.timeoutMs ?? 20_000,
      intervalMs: 150,
      lastSeen: () => [...states.values()],
    },
  );
}

/** Stages `series` and its one chunk of `count` runs, submits it and polls it to the end. */
export async function runWholeSeries(
  executor: Executor,
  series: SeriesSpec,
  count: number,
): Promise<{ chunk: ChunkSpec; states: Awaited<ReturnType<typeof pollUntilDone>> }> {
  await executor.stageSeries(series);
  const chunk = wholeChunk(count);
  await executor.stageChunk(series, chunk);
  await executor.submit(series, chunk);
  return { chunk, states: await pollUntilDone(executor, series, chunk, count) };
}

/**
 * A chunk's tar stream (the chunk of run 5) that tries every way out: climbing, absolute, a run
 * of another chunk, a directory that is no run, a link; `refused` is what collect must refuse,
 * in order, keeping only 5_x=1/out.txt.
 */
export function hostileChunkTar(): { stream: Readable; refused: string[] } {
  return {
    stream: tarStream([
      { path: '5_x=1/out.txt', data: 'ok' },
      { path: '../../escaped.txt', data: 'no' },
      { path: '/tmp/absolute.txt', data: 'no' },
      { path: '5_x=1/../../../up.txt', data: 'no' },
      { path: '9_x=9/other-chunk.txt', data: 'no' },
      { path: 'notarun/file.txt', data: 'no' },
      { path: '5_x=1/link', type: 'SymbolicLink', linkpath: '/etc' },
    ]),
    refused: [
      '../../escaped.txt',
      '/tmp/absolute.txt',
      '5_x=1/../../../up.txt',
      '9_x=9/other-chunk.txt',
      'notarun/file.txt',
      '5_x=1/link',
    ],
  };
}
