import { timingSafeEqual } from 'node:crypto';
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
  /** The API token's id when `via` is 'token' (for per-token rate limits). */
  tokenId?: string;
}

/** What authentication found: a principal, nothing at all, or credentials that were presented and failed. */
export type Authentication = { principal: Principal } | { principal: null; reason: 'missing' | 'invalid' };

const INVALID: Authentication = { principal: null, reason: 'invalid' };

/**
 * The principal of a bearer token. The database finds the row by the token's
 * SHA-256 through a unique index; the hash found is compared again in constant
 * time, so no step depends on how much of a guess was right. Malformed,
 * unknown, expired and revoked all give the same 'invalid'.
 */
async function authenticateToken(db: Kysely<DB>, token: string | undefined, now: Date): Promise<Authentication> {
  if (!token || !isWellFormedToken(token)) return INVALID;
  const hash = hashToken(token);
  const found = await findUserByTokenHash(db, hash, now);
  if (!found || !timingSafeEqual(Buffer.from(found.tokenHash, 'hex'), Buffer.from(hash, 'hex'))) return INVALID;
  const { id, username, name, isAdmin, tokenId } = found;
  return { principal: { id, username, name, isAdmin, via: 'token', tokenId } };
}

/**
 * Resolves the caller from `Authorization: Bearer` or the session cookie.
 * A bearer header wins; malformed, unknown, expired and revoked all read as 'invalid'.
 */
export async function authenticate(db: Kysely<DB>, headers: Headers, now: Date): Promise<Authentication> {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
    return authenticateToken(db, match?.[1], now);
  }
  const sessionId = readCookie(headers.get('cookie'), sessionCookieName());
  if (sessionId === null) return { principal: null, reason: 'missing' };
  const user = await resolveSession(db, sessionId, now);
  return user ? { principal: { ...user, via: 'session', sessionId } } : INVALID;
}
