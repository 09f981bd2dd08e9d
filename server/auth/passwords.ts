import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { type SlotLoad, Slots } from './hash-limit';

// scrypt with N=2^15, r=8: 32 MiB per hash, memory-hard, in node:crypto (no native addon).
const PARAMS = { N: 32768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

// Four hashes at once (libuv's default thread pool, 128 MiB), 32 more waiting
// up to 3 s; beyond that TOO_MANY_REQUESTS rather than an unbounded backlog.
const hashing = new Slots({
  concurrency: 4,
  maxWaiting: 32,
  maxWaitMs: 3000,
  busyMessage: 'Too many sign-ins at once; try again in a moment',
});

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 };
  return hashing.run(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
      ),
  );
}

/** How many password hashes run and wait in this process now, and the most that ever ran at once. */
export function hashingLoad(): SlotLoad {
  return hashing.load();
}

/**
 * Throws TOO_MANY_REQUESTS (with Retry-After) when a password check started
 * now would be refused for a full queue: lets the sign-in refuse a busy server
 * before it counts the attempt against anyone.
 */
export function assertHashingRoom(): void {
  hashing.assertRoom();
}

/** A self-describing scrypt hash: `scrypt$N$r$p$salt$key` (base64url). The password itself is never stored. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `password` matches `stored`, compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, so an unknown username cannot be told apart by timing. */
export async function burnPasswordCheck(password: string): Promise<void> {
  // A first hash refused for a busy server must not stay the dummy for good.
  dummyHash ??= hashPassword('appstats-dummy-password').catch((error: unknown) => {
    dummyHash = undefined;
    throw error;
  });
  await verifyPassword(password, await dummyHash);
}
