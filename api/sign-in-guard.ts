// Password sign-ins (POST /api/v1/session and the web's POST /login) share one guard, so that
// guessing through either counts against the same budget: per account, so that one account's
// password cannot be guessed from many addresses, and per client address, so that one
// address cannot try many accounts. Attempts count before the password is checked (parallel
// guesses cannot slip through while scrypt runs); a success forgives them.
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { RateLimiter, type RateLimit } from './rate-limit.ts';

const FIFTEEN_MINUTES = 15 * 60_000;

/** Documented in docs/security.md ("Sign-in holds"). */
export const SIGN_IN_LIMITS: { account: RateLimit; address: RateLimit } = {
  account: { limit: 10, windowMs: FIFTEEN_MINUTES },
  address: { limit: 30, windowMs: FIFTEEN_MINUTES },
};

export type SignInOutcome<T> =
  { status: 'signed-in'; user: T } | { status: 'refused' } | { status: 'limited'; retryAfterSeconds: number };

export class SignInGuard {
  private readonly accounts: RateLimiter;
  private readonly addresses: RateLimiter;

  constructor(options: { now?: () => number; limits?: typeof SIGN_IN_LIMITS } = {}) {
    const limits = options.limits ?? SIGN_IN_LIMITS;
    const now = options.now ?? Date.now;
    this.accounts = new RateLimiter({ ...limits.account, now });
    this.addresses = new RateLimiter({ ...limits.address, now });
  }

  /**
   * Runs `verify` (the password check) unless the account or the address has used up its
   * attempts, in which case `verify` is not even called: each call costs ~0.4 s of scrypt.
   */
  async signIn<T>(
    who: { address: string; name: string },
    verify: () => Promise<T | null>,
  ): Promise<SignInOutcome<T>> {
    const waitMs = Math.max(this.accounts.blockedFor(who.name), this.addresses.blockedFor(who.address));
    if (waitMs > 0) return { status: 'limited', retryAfterSeconds: Math.ceil(waitMs / 1000) };
    this.accounts.count(who.name);
    this.addresses.count(who.address);
    const user = await verify();
    if (user === null) return { status: 'refused' };
    this.accounts.reset(who.name);
    // Only this attempt: the address's failures against other accounts still count.
    this.addresses.refund(who.address);
    return { status: 'signed-in', user };
  }
}

/**
 * The address a request comes from, as the rate limits count it: the TCP peer (headers such
 * as X-Forwarded-For are the client's to write), IPv6 by its /64, which one machine owns whole.
 * Behind a reverse proxy every client shares the proxy's address; see docs/security.md.
 */
export function clientAddress(c: Context): string {
  let address: string | undefined;
  try {
    address = getConnInfo(c).remote.address;
  } catch {
    // No socket: a request made in-process (app.request() in tests).
  }
  if (!address) return 'unknown';
  return address.includes(':') && !address.startsWith('::ffff:') ? ipv6Prefix64(address) : address;
}

function ipv6Prefix64(address: string): string {
  const [head = '', tail] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
