// Reading collected outputs from the series storage (`<storageDir>/<seriesId>/<path>`).
// Paths come from the database or the URL: both are resolved and must stay inside the
// series' directory.
import { open, stat } from 'node:fs/promises';
import path from 'node:path';

export function seriesFilePath(storageDir: string, seriesId: string, relative: string): string | undefined {
  if (relative.includes('\0') || path.isAbsolute(relative)) return undefined;
  const root = path.resolve(storageDir, seriesId);
  const full = path.resolve(root, relative);
  return full.startsWith(root + path.sep) ? full : undefined;
}

export interface Slice {
  bytes: Buffer;
  size: number;
  /** True when the file is larger than what was read. */
  partial: boolean;
}

/** The first `max` bytes (or the last, with `fromEnd`); undefined when the file is missing. */
export async function readSlice(file: string, max: number, fromEnd = false): Promise<Slice | undefined> {
  let handle;
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    handle = await open(file, 'r');
    const length = Math.min(max, info.size);
    const bytes = Buffer.alloc(length);
    await handle.read(bytes, 0, length, fromEnd ? info.size - length : 0);
    return { bytes, size: info.size, partial: info.size > length };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  } finally {
    await handle?.close();
  }
}
