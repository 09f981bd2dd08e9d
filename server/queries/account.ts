import type { Kysely } from 'kysely';
import type { DB } from '../db/types';

// The signed-in user's own account: their password and their sessions.

/** The stored password hash of a user, for checking the current password; undefined when there is no such user. */
export async function findPasswordHash(db: Kysely<DB>, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('password_hash').where('id', '=', userId).executeTakeFirst();
  return row?.password_hash;
}

/**
 * Ends every session of a user but the one whose id hash is `keepIdHash`
 * (null ends them all); returns how many ended. Their cookies stop working
 * at once: sessions are looked up on every request.
 */
export async function endOtherSessions(db: Kysely<DB>, userId: string, keepIdHash: string | null): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .$if(keepIdHash !== null, (qb) => qb.where('id_hash', '<>', keepIdHash ?? ''))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Replaces the password hash `currentHash` (the one just checked) and ends
 * every other session of the user, in one transaction: no session opened with
 * the old password outlives the change (API tokens are not passwords and
 * stay). Returns how many sessions ended, or null when the stored hash is no
 * longer `currentHash` (another change came first) and nothing was done.
 */
export async function replacePassword(
  db: Kysely<DB>,
  params: { userId: string; currentHash: string; passwordHash: string; keepIdHash: string | null },
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('users')
      .set({ password_hash: params.passwordHash })
      .where('id', '=', params.userId)
      .where('password_hash', '=', params.currentHash)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return null;
    return endOtherSessions(trx, params.userId, params.keepIdHash);
  });
}
