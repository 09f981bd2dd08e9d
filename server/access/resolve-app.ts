import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { type AppRow, findApp, findMembershipRole } from '../queries/apps';
import { type Standing, standingOn } from './permissions';

export type AppAccess = { app: AppRow; standing: Standing } | null;

/**
 * Resolves an app by UUID or natural id together with the user's standing on
 * it; null both when it does not exist and when the user cannot read it, so
 * the two are indistinguishable to the caller.
 */
export async function resolveReadableApp(
  db: Kysely<DB>,
  idOrNaturalId: string,
  user: { id: string; isAdmin: boolean },
): Promise<AppAccess> {
  const app = await findApp(db, idOrNaturalId);
  if (!app) return null;
  const membership = user.isAdmin || app.ownerId === user.id ? null : await findMembershipRole(db, app.id, user.id);
  const standing = standingOn(app, user, membership);
  return standing.canRead ? { app, standing } : null;
}
