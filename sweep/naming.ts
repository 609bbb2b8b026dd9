// Directory names of tuples: `<zero-padded index>_<label>=<value>_…`. The index prefix alone
// makes names unique; the rest is for people browsing the runs.

/** A name component of one file system entry may not exceed this many bytes (ext4, xfs, …). */
export const MAX_DIR_BYTES = 255;
const HASH_SUFFIX_LENGTH = 9; // '@' + 8 hex digits

// Everything outside the design's safe set, one code point at a time (so `é` becomes one `-`).
const UNSAFE = /[^A-Za-z0-9._=+,@-]/gu;

export function safeText(text: string): string {
  return text.replace(UNSAFE, '-');
}

/**
 * Labels of varied parameters in directory names: the bare key, or `section.key` when the
 * same key name is varied in more than one section.
 */
export function directoryLabels(parameters: readonly { name: string; key: string }[]): string[] {
  const seen = new Map<string, number>();
  for (const { key } of parameters) seen.set(key, (seen.get(key) ?? 0) + 1);
  return parameters.map(({ name, key }) => (seen.get(key) === 1 ? key : name));
}

/** `label=value`, made of safe characters only. */
export function component(label: string, value: string): string {
  return `${safeText(label)}=${safeText(value)}`;
}

/** Names are pure ASCII by construction, so length is bytes; long ones are cut and get a hash. */
export function capLength(name: string): string {
  if (name.length <= MAX_DIR_BYTES) return name;
  return `${name.slice(0, MAX_DIR_BYTES - HASH_SUFFIX_LENGTH)}@${fnv1a32(name)}`;
}

/** FNV-1a, 32 bits: a short, dependency-free fingerprint (uniqueness comes from the index). */
function fnv1a32(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
