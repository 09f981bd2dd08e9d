import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type AppAccess, accessOf } from '../access/resolve-app';
import type { DB } from '../db/types';
import { type CredentialKey, findCaller, isStale, markSessionSeen, markTokenUsed } from '../queries/caller';
import type { UserRow } from '../queries/users';
import { readCookie, sessionCookieName } from './cookies';
import { SESSION_IDLE_MS, hashSessionId, isWellFormedSessionId } from './sessions';
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

/** The authentication of a request and, when an app was named up front, the caller's access to it, found in the same statement. */
export interface Authenticated {
  auth: Authentication;
  /** Present only when `appRef` was given and a principal was found. */
  app?: { ref: string; access: AppAccess };
}

const INVALID: Authenticated = { auth: { principal: null, reason: 'invalid' } };
const MISSING: Authenticated = { auth: { principal: null, reason: 'missing' } };

/** What the request presents: a well-formed credential, a malformed one, or none. */
function credentialOf(headers: Headers, now: Date): { key: CredentialKey; sessionId?: string } | 'invalid' | 'missing' {
  const authorization = headers.get('authorization');
  if (authorization !== null) {
    const token = /^Bearer ([^\s]+)$/i.exec(authorization.trim())?.[1];
    return token && isWellFormedToken(token) ? { key: { kind: 'token', hash: hashToken(token) } } : 'invalid';
  }
  const sessionId = readCookie(headers.get('cookie'), sessionCookieName());
  if (sessionId === null) return 'missing';
  if (!isWellFormedSessionId(sessionId)) return 'invalid';
  const idleSince = new Date(now.getTime() - SESSION_IDLE_MS);
  return { key: { kind: 'session', idHash: hashSessionId(sessionId), idleSince }, sessionId };
}

/**
 * Resolves the caller from `Authorization: Bearer` or the session cookie (a
 * bearer header wins), and with `appRef` also that app and the caller's
 * standing on it, all in one statement. A token is found by its SHA-256
 * through a unique index and the hash found compared again in constant time.
 * Malformed, unknown, expired, revoked and idle all read as 'invalid'. The
 * credential's last use is written only when it is a minute old.
 */
export async function authenticate(db: Kysely<DB>, headers: Headers, now: Date, appRef?: string): Promise<Authenticated> {
  const credential = credentialOf(headers, now);
  if (credential === 'missing') return MISSING;
  if (credential === 'invalid') return INVALID;
  const { key } = credential;
  const found = await findCaller(db, key, now, appRef);
  if (!found) return INVALID;
  let principal: Principal;
  if (key.kind === 'token') {
    if (!found.token || !timingSafeEqual(Buffer.from(found.token.hash, 'hex'), Buffer.from(key.hash, 'hex'))) return INVALID;
    principal = { ...found.user, via: 'token', tokenId: found.token.id };
    if (isStale(found.seenAt, now)) await markTokenUsed(db, found.token.id, now);
  } else {
    principal = { ...found.user, via: 'session', ...(credential.sessionId ? { sessionId: credential.sessionId } : {}) };
    if (isStale(found.seenAt, now)) await markSessionSeen(db, key.idHash, now);
  }
  const auth: Authentication = { principal };
  return appRef === undefined ? { auth } : { auth, app: { ref: appRef, access: accessOf(found.app, principal) } };
}
