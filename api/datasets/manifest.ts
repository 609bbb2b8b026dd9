// The manifest of an uploaded dataset version: every admitted entry of its archive with its
// size and (for a file) sha256, in archive order. Stored beside the archive, so that inspecting
// a version reads a small JSON object, never the archive; its sha256 identifies the content.
import { createHash } from 'node:crypto';
import { packageEntries } from '../../hosts/package.ts';

export interface ManifestEntry {
  path: string;
  type: 'file' | 'directory';
  size: number;
  /** Files only. */
  sha256?: string;
}

export interface Manifest {
  entries: ManifestEntry[];
}

/** Reads the (already checked) archive once more, hashing each file as it streams. */
export async function manifestOf(archive: string): Promise<Manifest> {
  const entries: ManifestEntry[] = [];
  for await (const entry of packageEntries(archive)) {
    if (entry.type === 'Directory') {
      entries.push({ path: entry.path, type: 'directory', size: 0 });
      continue;
    }
    const hash = createHash('sha256');
    if (entry.data !== undefined) hash.update(entry.data);
    else if (entry.open) for await (const part of await entry.open()) hash.update(part);
    entries.push({ path: entry.path, type: 'file', size: entry.size ?? 0, sha256: hash.digest('hex') });
  }
  return { entries };
}

/** The manifest's bytes as stored, and their sha256 (what `manifestSha256` records). */
export function encodeManifest(manifest: Manifest): { text: string; sha256: string } {
  const text = `${JSON.stringify(manifest)}\n`;
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}
