import { TRPCError } from '@trpc/server';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { type UserRow, findUserByUsername } from '../queries/users';

// The errors of naming people, shared by the settings page's procedures and the
// CLI's (routers/settings.ts, routers/admin.ts): one message for each rule.

/** The user with this username; NOT_FOUND `Unknown user: …` otherwise. */
export async function requireUser(db: Kysely<DB>, username: string): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: `Unknown user: ${username}` });
  return user;
}

/** The refusal for adding, changing or removing an app's owner (CONTRACT §9). */
export function ownerUntouchable(username: string): TRPCError {
  return new TRPCError({
    code: 'FORBIDDEN',
    message: `${username} owns this app; the owner keeps every right and cannot be added, changed or removed as a member`,
  });
}
