// Password hashing with scrypt (node:crypto). The stored form describes itself —
// `scrypt$N$r$p$salt$hash`, salt and hash in base64 — so the cost can be raised later
// without invalidating existing hashes: a successful sign-in rehashes a cheaper one.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** OWASP's recommendation for scrypt: 2^17 × 8 × 128 bytes = 128 MiB and ~0.4 s per hash. */
export const DEFAULT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Refuse stored parameters that would make a single verification expensive (a tampered row).
const MAX_N = 2 ** 20;

function deriveKey(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node's default cap (32 MiB) is below that from N = 2^15 on.
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes at DEFAULT_COST. `cost` exists for tests that create many users and would otherwise
 * spend most of their time here; whatever they store is rehashed at the default on sign-in.
 */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, KEY_BYTES, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const isPositiveInt = (n: number) => Number.isSafeInteger(n) && n > 0;
  if (![N, r, p].every(isPositiveInt) || N > MAX_N || r > 32 || p > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || key.length === 0) return undefined;
  return { cost: { N, r, p }, salt, key };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  try {
    const actual = await deriveKey(password, parsed.salt, parsed.key.length, parsed.cost);
    return timingSafeEqual(actual, parsed.key);
  } catch {
    return false; // e.g. N not a power of two: not a hash we wrote
  }
}

/** True when a stored hash is cheaper than the default: the next sign-in should rehash it. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const { N, r, p } = parsed.cost;
  return N < DEFAULT_COST.N || r < DEFAULT_COST.r || p < DEFAULT_COST.p;
}

/** A hash of nothing in particular, to spend the same time when a user does not exist. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}
