import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { type AppRow, type AppWithMembership, findAppWithMembership } from '../queries/apps';
import { type Standing, standingOn } from './permissions';

export type AppAccess = { app: AppRow; standing: Standing } | null;

/** The access a found app (or none) gives a user: null both when there is no app and when the user cannot read it. */
export function accessOf(found: AppWithMembership | null | undefined, user: { id: string; isAdmin: boolean }): AppAccess {
  if (!found) return null;
  const standing = standingOn(found.app, user, found.membershipRole);
  return standing.canRead ? { app: found.app, standing } : null;
}

/**
 * Resolves an app by UUID or natural id together with the user's standing on
 * it, in one statement; null both when it does not exist and when the user
 * cannot read it, so the two are indistinguishable to the caller.
 */
export async function resolveReadableApp(
  db: Kysely<DB>,
  idOrNaturalId: string,
  user: { id: string; isAdmin: boolean },
): Promise<AppAccess> {
  return accessOf(await findAppWithMembership(db, idOrNaturalId, user.id), user);
}
