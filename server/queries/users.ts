import type { Kysely } from 'kysely';
import type { DB } from '../db/types';

export interface UserRow {
  id: string;
  username: string;
  name: string | null;
  isAdmin: boolean;
}

/** Creates a user with an already hashed password; throws pg 23505 on a duplicate username. */
export async function insertUser(
  db: Kysely<DB>,
  user: { username: string; name: string | null; passwordHash: string; isAdmin: boolean },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({ username: user.username, name: user.name, password_hash: user.passwordHash, is_admin: user.isAdmin })
    .returning(['id', 'username', 'name', 'is_admin as isAdmin'])
    .executeTakeFirstOrThrow();
}

/** The user with this username and their password hash, for sign-in; undefined when unknown. */
export async function findUserForSignIn(db: Kysely<DB>, username: string) {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'name', 'is_admin as isAdmin', 'password_hash as passwordHash'])
    .where('username', '=', username)
    .executeTakeFirst();
}

/** The user with this username, or undefined. */
export async function findUserByUsername(db: Kysely<DB>, username: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'username', 'name', 'is_admin as isAdmin'])
    .where('username', '=', username)
    .executeTakeFirst();
}
