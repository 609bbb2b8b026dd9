// NetCDF-4 files (HDF5 inside) read with h5wasm, HDF5's own C library compiled to wasm: a
// well-kept reader of the whole format (chunking, compression, groups), where a hand-written one
// would read a fraction of it. h5wasm reads from its in-memory file system, so the file is
// handed to it whole, and only up to HDF5_MAX_BYTES.
//
// It runs in a worker thread (hdf5-worker.mjs): h5wasm's calls are synchronous, so only
// terminating the thread can hold a crafted file to the preview's deadline. The thread is
// shared and kept (starting one compiles HDF5's wasm: about half a second), holds one file at a
// time (previews take turns), and is terminated when a preview's time runs out while it works,
// the next preview starting a fresh one. Its heap is capped; HDF5's diagnostics stay in the
// thread (the innermost names the error) instead of reaching the server's log.
import { Worker } from 'node:worker_threads';
import { PreviewLimitError, type Deadline } from './budget.ts';
import type { RandomAccess } from './netcdf-data.ts';
import { NetCdfError } from './netcdf.ts';
import type { NdFile, NdVariable } from './netcdf-slice.ts';

/** The largest NetCDF-4 file a preview opens (it is copied whole into the reader's memory). */
export const HDF5_MAX_BYTES = 64 * 1024 * 1024;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with HDF5's signature (NetCDF-4 files do). */
export function looksLikeHdf5(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

type Reply = { ok: true; variables?: NdVariable[]; values?: Float64Array } | { ok: false; error: string };

export interface Hdf5File extends NdFile {
  /** Closes the file in the reader and gives the next preview its turn. */
  close(): Promise<void>;
}

let shared: Worker | undefined;
/** Settles when the preview holding the reader has closed its file. */
let turn: Promise<void> = Promise.resolve();

function reader(): Worker {
  if (shared) return shared;
  const worker = new Worker(new URL('./hdf5-worker.mjs', import.meta.url), {
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  worker.unref(); // an idle reader does not keep the process alive
  worker.on('exit', () => {
    if (shared === worker) shared = undefined;
  });
  worker.on('error', () => {}); // reported to the request in progress (ask)
  shared = worker;
  return worker;
}

/** One request to the reader; past the deadline the reader is terminated (it may be stuck in HDF5). */
async function ask(message: object, deadline: Deadline, transfer: ArrayBuffer[] = []): Promise<Reply> {
  const worker = reader();
  const reply = new Promise<Reply>((resolve, reject) => {
    const off = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (r: Reply) => (off(), resolve(r));
    const onError = (e: Error) => (
      off(),
      reject(new NetCdfError(`the NetCDF-4 reader failed: ${e.message}`))
    );
    const onExit = (code: number) => (
      off(),
      reject(new NetCdfError(`the NetCDF-4 reader stopped (exit ${code})`))
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  reply.catch(() => {}); // when the deadline wins, the reader's end rejects it unheard
  worker.postMessage(message, transfer);
  try {
    return await deadline.within(reply);
  } catch (error) {
    if (error instanceof PreviewLimitError) {
      if (shared === worker) shared = undefined;
      await worker.terminate();
    }
    throw error;
  }
}

/** Opens the NetCDF-4/HDF5 file; the caller closes it (which lets the next preview use the reader). */
export async function openHdf5(source: RandomAccess, deadline: Deadline): Promise<Hdf5File> {
  if (source.size > HDF5_MAX_BYTES) {
    throw new PreviewLimitError(
      `NetCDF-4 file of ${source.size} bytes: a preview opens at most ${HDF5_MAX_BYTES}; download it`,
    );
  }
  const previous = turn;
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  turn = previous.then(() => mine);
  let holding = false; // the reader is this preview's (its turn came)
  const close = async () => {
    try {
      if (holding && shared) await ask({ op: 'close' }, deadline);
    } catch {
      // a reader terminated at the deadline holds no file
    } finally {
      holding = false;
      release();
    }
  };
  try {
    await deadline.within(previous);
    holding = true;
    // Read in its turn: previews waiting for the reader do not each hold a file in memory.
    const bytes = await deadline.within(source.read(0, source.size));
    // Handed over, not copied (a view of a larger buffer is copied first: transferring would detach the rest).
    const owned =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    const opened = await ask({ op: 'open', bytes: owned }, deadline, [owned.buffer as ArrayBuffer]);
    if (!opened.ok) throw new NetCdfError(`NetCDF-4 file not readable: ${opened.error}`);
    return {
      variables: opened.variables ?? [],
      async read(variable, start, count, readDeadline) {
        const answer = await ask({ op: 'read', name: variable.name, start, count }, readDeadline);
        if (!answer.ok) throw new NetCdfError(`variable '${variable.name}' not readable: ${answer.error}`);
        return answer.values ?? new Float64Array();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
