// OpenSSH known_hosts: parsing and the host key check (pure). Supports plain host
// patterns with wildcards and negation, `[host]:port` entries for non-standard ports,
// hashed `|1|salt|hash` entries (HMAC-SHA1 of the host name), and the `@revoked` marker.
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  /** 1-based line in the file, for messages. */
  line: number;
  marker?: '@revoked' | '@cert-authority';
  /** Comma-separated host patterns, or a hashed host. */
  hosts: { kind: 'patterns'; patterns: string[] } | { kind: 'hashed'; salt: Buffer; hash: Buffer };
  keyType: string;
  /** The key blob (base64-decoded). */
  key: Buffer;
}

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority')
      marker = fields.shift() as KnownHostEntry['marker'];
    const [hostField, keyType, keyBase64] = fields;
    if (!hostField || !keyType || !keyBase64) return; // malformed lines are skipped, as ssh does
    const key = Buffer.from(keyBase64, 'base64');
    if (key.length === 0) return;
    const hosts = parseHostField(hostField);
    if (!hosts) return;
    entries.push({ line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  });
  return entries;
}

function parseHostField(field: string): KnownHostEntry['hosts'] | undefined {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return undefined;
    return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
  }
  return { kind: 'patterns', patterns: field.split(',').filter((p) => p !== '') };
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostKeyName(host, port);
  if (entry.hosts.kind === 'hashed') {
    const digest = createHmac('sha1', entry.hosts.salt).update(name).digest();
    return digest.equals(entry.hosts.hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith('!');
    if (wildcard(negated ? pattern.slice(1) : pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

function wildcard(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The key type written inside a key blob (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > blob.length - 4 || length > 64) return undefined;
  return blob.toString('latin1', 4, 4 + length);
}

/** OpenSSH's fingerprint: `SHA256:` and the unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict =
  | { kind: 'ok'; line: number }
  | { kind: 'unknown' }
  | { kind: 'changed'; lines: number[] }
  | { kind: 'revoked'; line: number };

/** Checks a presented key against the entries for host:port. */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  blob: Buffer,
): HostKeyVerdict {
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && entryMatches(e, host, port));
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key.equals(blob));
  if (revoked) return { kind: 'revoked', line: revoked.line };
  const plain = forHost.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(blob));
  if (same) return { kind: 'ok', line: same.line };
  if (plain.length === 0) return { kind: 'unknown' };
  return { kind: 'changed', lines: plain.map((e) => e.line) };
}

/** Host key algorithms to offer so the server presents a key type we know for it. */
export function hostKeyAlgorithmsFor(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): string[] {
  const algorithms = new Set<string>();
  for (const entry of entries) {
    if (entry.marker || !entryMatches(entry, host, port)) continue;
    if (entry.keyType === 'ssh-rsa')
      ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'].forEach((a) => algorithms.add(a));
    else algorithms.add(entry.keyType);
  }
  return [...algorithms];
}
