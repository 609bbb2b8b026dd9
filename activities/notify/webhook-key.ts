// The server's webhook key and each webhook's signing secret, derived from it: a secret is
// never stored, so a database leak reveals none, and deleting a webhook ends its secret.
// The key comes from TUPLET_WEBHOOK_KEY; else from TUPLET_PAYLOAD_KEY (domain-separated, so
// the payload key itself never signs anything a receiver sees); else from a key file in the
// data dir created at first start. Every process that signs or shows secrets (API, control
// worker) must find the same key: split deployments set one of the two variables.
import { createHmac, randomBytes } from 'node:crypto';
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.ts';

export const WEBHOOK_KEY_FILE = 'webhook.key';

const resolved = new Map<string, Promise<Buffer>>();

/** The key for this configuration (read or created once per process). */
export function webhookKey(config: Pick<Config, 'notify' | 'payloadKey' | 'dataDir'>): Promise<Buffer> {
  if (config.notify.webhookKey) return Promise.resolve(config.notify.webhookKey);
  if (config.payloadKey) {
    return Promise.resolve(createHmac('sha256', config.payloadKey).update('tuplet webhook key').digest());
  }
  const file = path.join(config.dataDir, WEBHOOK_KEY_FILE);
  let key = resolved.get(file);
  if (!key) {
    key = readOrCreateKeyFile(file);
    resolved.set(file, key);
    key.catch(() => resolved.delete(file));
  }
  return key;
}

async function readOrCreateKeyFile(file: string): Promise<Buffer> {
  // Written aside and linked into place: the file appears whole or not at all, and of two
  // processes starting at once, one links and the other reads its key.
  const aside = `${file}.${randomBytes(6).toString('hex')}`;
  await writeFile(aside, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside);
  }
  const text = (await readFile(file, 'utf8')).trim();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`${file}: not a webhook key (64 hex digits); remove it to have a new one made`);
  }
  return Buffer.from(text, 'hex');
}

/** The secret a webhook's receiver verifies signatures with (hex, shown once at creation). */
export function webhookSecret(key: Buffer, webhookId: string): string {
  return createHmac('sha256', key).update(`webhook:${webhookId}`).digest('hex');
}

/** `sha256=<hex>`: the X-Tuplet-Signature of a body, the HMAC-SHA256 of its exact bytes. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
