import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { type BackoffPolicy, clearWindow, hitBackoff, hitWindow, rememberKey, remembersKey } from '../queries/rate-limits';
import { addressGroup } from './client-address';
import { assertHashingRoom } from './passwords';
import { TooManyRequestsError, secondsUntil } from './rate-limit';

/** The window of the per-address counters (all usernames, and an account's known addresses). */
export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/** Failed attempts per account, from any number of addresses, before each further one has to wait. */
export const ACCOUNT_LIMIT = 5;
/** The wait after the ACCOUNT_LIMIT-th failure; it doubles with every failure after it. */
export const ACCOUNT_FIRST_DELAY_MS = 30 * 1000;
/** The longest wait between two attempts at one account. */
export const ACCOUNT_MAX_DELAY_MS = 15 * 60 * 1000;
/** An account's failures are forgotten this long after the last one (or at once by a good sign-in). */
export const ACCOUNT_MEMORY_MS = 24 * 60 * 60 * 1000;
/** Attempts per address (an IPv4 address, an IPv6 /64) in one window, whatever the usernames and outcomes. */
export const ADDRESS_LIMIT = 50;
/** How long an address stays known to an account after a good sign-in from it. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;
/** Failures per account from one known address in one window, while the account is held back. */
export const KNOWN_ADDRESS_LIMIT = 5;

const ACCOUNT_BACKOFF: BackoffPolicy = {
  free: ACCOUNT_LIMIT,
  baseMs: ACCOUNT_FIRST_DELAY_MS,
  maxMs: ACCOUNT_MAX_DELAY_MS,
  memoryMs: ACCOUNT_MEMORY_MS,
};

// Keys are stored hashed: people type passwords into the username field.
function key(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

function refuse(seconds: number): TooManyRequestsError {
  const wait = seconds < 60 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
  return new TooManyRequestsError(`Too many sign-in attempts; try again in ${wait}`, seconds);
}

export interface SignInAttempt {
  /** Call once the password was right: the account's failures are forgotten and the address becomes known to it. Nothing is given back to the address. */
  succeeded(): Promise<void>;
}

/**
 * Counts a sign-in attempt before the password is checked (so parallel
 * guesses cannot slip past a limit together) and throws TOO_MANY_REQUESTS
 * with the seconds to wait, even when the password would have been right.
 * Unknown usernames are counted exactly like real ones.
 *
 * - Per address (when it is known, grouped by addressGroup): ADDRESS_LIMIT
 *   attempts per window over all usernames. Successes count too and are never
 *   given back, or one's own account would refill the budget between guesses.
 * - Per account, from every address together: ACCOUNT_LIMIT failures, then
 *   one attempt 30 s after the last, 60 s, 2 min, … capped at 15 min. Guesses
 *   per account are bounded whatever the number of addresses: 9 in the first
 *   quarter hour, about 100 a day after that.
 *
 * The trade-off: an account held back is held back for everyone, the real
 * user too. That lockout is short and never permanent (the real user's wait
 * is at most 15 min after the attacker's last admitted guess, and a good
 * sign-in forgets the failures), but an attacker who keeps spending every
 * slot can keep the account unreachable from unknown addresses. So, when the
 * address is known (TRUST_PROXY), one that signed into this account within
 * KNOWN_ADDRESS_MS may still try while the account is held back, limited to
 * KNOWN_ADDRESS_LIMIT failures per window of its own: an attacker would need
 * the user's own network. Without a trusted proxy nothing tells the real user
 * apart, and only the bounded delay protects them.
 *
 * A server too busy hashing passwords refuses before anything is counted.
 */
export async function admitSignIn(db: Kysely<DB>, username: string, address: string | null, now: Date): Promise<SignInAttempt> {
  assertHashingRoom();
  const name = username.normalize('NFKC').toLowerCase();
  const group = address === null ? null : addressGroup(address);
  if (group !== null) {
    const perAddress = await hitWindow(db, key('sign-in:address', group), now, SIGN_IN_WINDOW_MS);
    if (perAddress.hits > ADDRESS_LIMIT) throw refuse(secondsUntil(perAddress.resetAt, now));
  }
  const accountKey = key('sign-in:account', name);
  const knownKey = group === null ? null : key('sign-in:known', group, name);
  const knownFailuresKey = group === null ? null : key('sign-in:known-failures', group, name);
  const account = await hitBackoff(db, accountKey, now, ACCOUNT_BACKOFF);
  if (!account.admitted) {
    const known = knownKey !== null && knownFailuresKey !== null && (await remembersKey(db, knownKey, now));
    const failures = known ? await hitWindow(db, knownFailuresKey, now, SIGN_IN_WINDOW_MS) : null;
    if (!failures || failures.hits > KNOWN_ADDRESS_LIMIT) throw refuse(secondsUntil(account.nextAt, now));
  }
  return {
    succeeded: async () => {
      await clearWindow(db, accountKey);
      if (knownKey === null || knownFailuresKey === null) return;
      await rememberKey(db, knownKey, now, KNOWN_ADDRESS_MS);
      await clearWindow(db, knownFailuresKey);
    },
  };
}
