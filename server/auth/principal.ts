import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { findUserByTokenHash } from '../queries/credentials';
import type { UserRow } from '../queries/users';
import { readCookie, sessionCookieName } from './cookies';
import { resolveSession } from './sessions';
import { hashToken, isWellFormedToken } from './tokens';

/** Who is calling, and how they proved it. */
export interface Principal extends UserRow {
  via: 'session' | 'token';
  sessionId?: string;
}

/** What authentication found: a principal, nothing at all, or credentials that were presented and failed. */
export type Authentication = { principal: Principal } | { principal: null; reason: 'missing' | 'invalid' };

/**
 * Resolves the caller from `Authorization: Bearer` or the session cookie.
 * A bearer header wins; malformed, unknown, expired and revoked all read as 'invalid'.
 */
export async function authenticate(db: Kysely<DB>, headers: Headers, now: Date): Promise<Authentication> {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    const token = match?.[1];
    if (!token || !isWellFormedToken(token)) return { principal: null, reason: 'invalid' };
    const user = await findUserByTokenHash(db, hashToken(token), now);
    return user ? { principal: { ...user, via: 'token' } } : { principal: null, reason: 'invalid' };
  }
  const sessionId = readCookie(headers.get('cookie'), sessionCookieName());
  if (sessionId === null) return { principal: null, reason: 'missing' };
  const user = await resolveSession(db, sessionId, now);
  return user ? { principal: { ...user, via: 'session', sessionId } } : { principal: null, reason: 'invalid' };
}
