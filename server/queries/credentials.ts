import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import type { UserRow } from './users';

/** Stores a token hash for a user; returns the token's id. */
export async function insertApiToken(
  db: Kysely<DB>,
  token: { userId: string; name: string | null; hash: string; expiresAt: Date | null },
): Promise<{ id: string }> {
  return db
    .insertInto('api_tokens')
    .values({ user_id: token.userId, name: token.name, token_hash: token.hash, expires_at: token.expiresAt })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Marks a token revoked (idempotent); undefined when no token has this id. */
export async function revokeApiToken(db: Kysely<DB>, id: string, now: Date): Promise<{ id: string } | undefined> {
  return db
    .updateTable('api_tokens')
    .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)) }))
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
}

/** The user behind a live token hash (not expired, not revoked at `now`) with the token's id and stored hash, or undefined. */
export async function findUserByTokenHash(
  db: Kysely<DB>,
  hash: string,
  now: Date,
): Promise<(UserRow & { tokenId: string; tokenHash: string }) | undefined> {
  return db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .select(['u.id', 'u.username', 'u.name', 'u.is_admin as isAdmin', 't.id as tokenId', 't.token_hash as tokenHash'])
    .where('t.token_hash', '=', hash)
    .where('t.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
    .executeTakeFirst();
}

/** Stores a new session by the hash of its id. */
export async function insertSession(
  db: Kysely<DB>,
  session: { idHash: string; userId: string; expiresAt: Date; now: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      user_id: session.userId,
      expires_at: session.expiresAt,
      created_at: session.now,
      last_seen_at: session.now,
    })
    .execute();
}

/** last_seen_at is rewritten at most this often: a read of a session is not a write on every request. */
export const SESSION_TOUCH_EVERY_MS = 60_000;

/**
 * The user of a live session (absolute expiry not passed, seen within the idle
 * window), or undefined. Its last-seen time moves to `now` only when it is at
 * least SESSION_TOUCH_EVERY_MS old, in the same statement, so most requests
 * only read (the idle window is days; a minute of slack changes nothing).
 */
export async function touchSession(db: Kysely<DB>, idHash: string, now: Date, idleSince: Date): Promise<UserRow | undefined> {
  const staleBefore = new Date(now.getTime() - SESSION_TOUCH_EVERY_MS);
  return db
    .with('live', (qb) =>
      qb
        .selectFrom('sessions')
        .select('user_id')
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .where('last_seen_at', '>', idleSince),
    )
    .with('touched', (qb) =>
      qb
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where('id_hash', '=', idHash)
        .where('expires_at', '>', now)
        .where('last_seen_at', '>', idleSince)
        .where('last_seen_at', '<=', staleBefore)
        .returning('user_id'),
    )
    .selectFrom('live')
    .innerJoin('users as u', 'u.id', 'live.user_id')
    .select(['u.id', 'u.username', 'u.name', 'u.is_admin as isAdmin'])
    .executeTakeFirst();
}

/** Deletes a session server-side (sign-out). */
export async function deleteSession(db: Kysely<DB>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}
