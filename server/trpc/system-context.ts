import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import type { Context } from './context';

/**
 * The context of the administration caller (the CLI, the demo seed, test
 * fixtures): no HTTP request and no principal, but system rights, which the
 * `admin` procedures require and no HTTP request ever gets. Not metered.
 */
export function systemContext(db: Kysely<DB>): Context {
  return { db, auth: { principal: null, reason: 'missing' }, now: () => new Date(), setCookie: () => undefined, system: true };
}
