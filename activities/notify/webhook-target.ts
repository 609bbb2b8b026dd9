// Where a webhook may point (SSRF): an http(s) URL whose host resolves only to addresses that
// are not this server's own (loopback, its interfaces, "any"), not link-local (the cloud
// metadata services at 169.254.169.254 and fd00:ec2::254 among them) and not multicast, unless
// an admin allowed the address (TUPLET_WEBHOOK_ALLOW). Checked when the webhook is created and
// again at each delivery, on the addresses the request then connects to (a name that later
// resolves elsewhere — DNS rebinding — is refused at delivery).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import os from 'node:os';

export const MAX_WEBHOOK_URL_LENGTH = 2000;

export class WebhookTargetError extends Error {
  override name = 'WebhookTargetError';
}

/** The URL's form: http or https, no user or password in it, not too long. */
export function parseWebhookUrl(text: string): URL {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new WebhookTargetError(`url: longer than ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookTargetError(`url: '${text.slice(0, 100)}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookTargetError(`url: ${url.protocol} is not http: or https:`);
  }
  // Credentials in the URL would be a secret in the database; the signature authenticates.
  if (url.username || url.password) throw new WebhookTargetError('url: must not carry a user or password');
  return url;
}

const FORBIDDEN_RANGES: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'], // "this host"
  ['127.0.0.0', 8, 'ipv4'], // loopback
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['224.0.0.0', 4, 'ipv4'], // multicast
  ['255.255.255.255', 32, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fe80::', 10, 'ipv6'], // link-local
  ['fd00:ec2::254', 128, 'ipv6'], // AWS metadata over IPv6
  ['ff00::', 8, 'ipv6'], // multicast
];

function forbiddenList(): BlockList {
  const list = new BlockList();
  for (const [address, prefix, type] of FORBIDDEN_RANGES) list.addSubnet(address, prefix, type);
  // This machine's own addresses: a webhook must not call the server (or a neighbour service
  // listening on one of its interfaces) from inside.
  for (const entries of Object.values(os.networkInterfaces())) {
    for (const entry of entries ?? []) {
      list.addAddress(entry.address.split('%')[0]!, entry.family === 'IPv6' ? 'ipv6' : 'ipv4');
    }
  }
  return list;
}

function allowList(allow: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of allow) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/** `::ffff:127.0.0.1` is 127.0.0.1: judged as the IPv4 address it maps. */
function unmapped(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, type: 'ipv4' };
  return { address, type: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export interface ResolvedTarget {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves the URL's host and refuses it when any of its addresses is forbidden and not
 * allowed; answers the addresses to connect to (the request must use exactly these).
 */
export async function resolveWebhookTarget(url: URL, allow: readonly string[]): Promise<ResolvedTarget[]> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedTarget[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) as 4 | 6 }];
  } else {
    try {
      addresses = (await lookup(host, { all: true })).map((a) => ({
        address: a.address,
        family: a.family as 4 | 6,
      }));
    } catch (error) {
      throw new WebhookTargetError(`url: cannot resolve ${host}: ${(error as Error).message}`);
    }
  }
  const forbidden = forbiddenList();
  const allowed = allowList(allow);
  for (const { address } of addresses) {
    const { address: plain, type } = unmapped(address);
    if (forbidden.check(plain, type) && !allowed.check(plain, type)) {
      throw new WebhookTargetError(
        `url: ${host} resolves to ${address}, this server's own, loopback, link-local or metadata address; ` +
          'webhooks may not reach it (an admin may allow it with TUPLET_WEBHOOK_ALLOW)',
      );
    }
  }
  return addresses;
}
