import { createHmac, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { findCaller, isStale, markSessionSeen } from '../queries/caller';
import { deleteSession, insertSession } from '../queries/credentials';
import type { UserRow } from '../queries/users';
import { authSecret } from './secret';

export const SESSION_ABSOLUTE_MS = 30 * 24 * 3600 * 1000;
export const SESSION_IDLE_MS = 7 * 24 * 3600 * 1000;

/** The stored form of a session id: HMAC-SHA256 under AUTH_SECRET, so a database dump holds no usable id. */
export function hashSessionId(id: string): string {
  return createHmac('sha256', authSecret()).update(id).digest('hex');
}

/** Whether a cookie value has the shape of a session id at all (cheap reject before any lookup). */
export function isWellFormedSessionId(id: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(id);
}

/** Opens a new session (always a fresh id) and returns the id for the cookie. */
export async function openSession(db: Kysely<DB>, userId: string, now: Date): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await insertSession(db, {
    idHash: hashSessionId(id),
    userId,
    now,
    expiresAt: new Date(now.getTime() + SESSION_ABSOLUTE_MS),
  });
  return id;
}

/** The user of a live session id, or undefined when unknown, idle too long or expired; marks it seen when that is a minute old. */
export async function resolveSession(db: Kysely<DB>, id: string, now: Date): Promise<UserRow | undefined> {
  if (!isWellFormedSessionId(id)) return undefined;
  const idHash = hashSessionId(id);
  const found = await findCaller(db, { kind: 'session', idHash, idleSince: new Date(now.getTime() - SESSION_IDLE_MS) }, now);
  if (!found) return undefined;
  if (isStale(found.seenAt, now)) await markSessionSeen(db, idHash, now);
  return found.user;
}

/** Ends a session server-side. */
export async function closeSession(db: Kysely<DB>, id: string): Promise<void> {
  await deleteSession(db, hashSessionId(id));
}
