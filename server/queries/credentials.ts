import type { Kysely } from 'kysely';
import type { DB } from '../db/types';

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

/** Deletes a session server-side (sign-out). */
export async function deleteSession(db: Kysely<DB>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}
