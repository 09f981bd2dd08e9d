import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { clearWindow, hitWindow, unhitWindow } from '../queries/rate-limits';
import { TooManyRequestsError, secondsUntil } from './rate-limit';

export const SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/** Failed attempts per username and address in one window. */
export const ACCOUNT_LIMIT = 5;
/** Attempts per address in one window, whatever the usernames. */
export const ADDRESS_LIMIT = 50;

// Keys are stored hashed: people type passwords into the username field.
function key(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex');
}

export interface SignInAttempt {
  /** Call once the password was right: the account's failures are forgotten and the attempt is not held against the address. */
  succeeded(): Promise<void>;
}

/**
 * Counts a sign-in attempt before the password is checked, against the
 * username at this address and (when the address is known) the address
 * alone. Over either limit it throws TOO_MANY_REQUESTS with the seconds until
 * the window ends, even when the password would have been right. Counting
 * first means parallel guesses cannot slip past the limit together. Unknown
 * usernames are counted exactly like real ones.
 */
export async function admitSignIn(db: Kysely<DB>, username: string, address: string | null, now: Date): Promise<SignInAttempt> {
  const accountKey = key('sign-in:account', address ?? '*', username.normalize('NFKC').toLowerCase());
  const addressKey = address === null ? null : key('sign-in:address', address);
  const account = await hitWindow(db, accountKey, now, SIGN_IN_WINDOW_MS);
  const perAddress = addressKey === null ? null : await hitWindow(db, addressKey, now, SIGN_IN_WINDOW_MS);
  const blocked = [account.hits > ACCOUNT_LIMIT ? account : null, perAddress && perAddress.hits > ADDRESS_LIMIT ? perAddress : null]
    .filter((window) => window !== null)
    .map((window) => secondsUntil(window.resetAt, now));
  if (blocked.length > 0) {
    const seconds = Math.max(...blocked);
    throw new TooManyRequestsError(`Too many sign-in attempts; try again in ${Math.ceil(seconds / 60)} min`, seconds);
  }
  return {
    succeeded: async () => {
      await clearWindow(db, accountKey);
      if (addressKey !== null) await unhitWindow(db, addressKey, now);
    },
  };
}
