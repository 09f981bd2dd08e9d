import { type Kysely, sql } from 'kysely';
import type { DB, Role, Visibility } from '../db/types';

// Who has access to an app, and the app's own settings: what /apps/{id}/settings
// and the CLI's member:add change. The owner is never a member to add, change
// or remove (CONTRACT §9): every function here refuses them with 'owner'.

/** The app a change is about: its id and owner. */
export interface AppRef {
  id: string;
  ownerId: string;
}

export interface MemberRow {
  userId: string;
  username: string;
  name: string | null;
  role: 'owner' | Role;
  /** When the membership was given; null for the owner. */
  addedAt: Date | null;
}

const RANK = sql<number>`case m.role when 'admin' then 1 when 'member' then 2 else 3 end`;

/**
 * The owner, then every member by role (admin, member, viewer) and username.
 * A membership row the owner may also hold is left out: the owner's role is
 * owner whatever it says.
 */
export async function listMembers(db: Kysely<DB>, app: AppRef): Promise<MemberRow[]> {
  const owner = await db
    .selectFrom('users')
    .select(['id as userId', 'username', 'name'])
    .where('id', '=', app.ownerId)
    .executeTakeFirstOrThrow();
  const members = await db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id as userId', 'u.username', 'u.name', 'm.role', 'm.created_at as addedAt'])
    .where('m.app_id', '=', app.id)
    .where('m.user_id', '<>', app.ownerId)
    .orderBy(RANK)
    .orderBy('u.username')
    .execute();
  return [{ ...owner, role: 'owner', addedAt: null }, ...members];
}

/** A user's membership role on an app, or null. */
export async function memberRole(db: Kysely<DB>, appId: string, userId: string): Promise<Role | null> {
  const row = await db
    .selectFrom('memberships')
    .select('role')
    .where('app_id', '=', appId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

export type SaveOutcome = { outcome: 'added' | 'changed'; role: Role } | { outcome: 'exists'; role: Role } | { outcome: 'owner' };

/**
 * Gives a user a role on an app. `ifMember: 'replace'` changes the role of a
 * member (the CLI's member:add); `'refuse'` leaves it and answers 'exists'
 * with the role they hold (the settings page's Add). In one statement, so two
 * adds at once cannot both win.
 */
export async function saveMember(
  db: Kysely<DB>,
  params: { app: AppRef; userId: string; role: Role; ifMember: 'replace' | 'refuse' },
): Promise<SaveOutcome> {
  if (params.userId === params.app.ownerId) return { outcome: 'owner' };
  const key = ['app_id', 'user_id'] as const;
  const row = await db
    .insertInto('memberships')
    .values({ app_id: params.app.id, user_id: params.userId, role: params.role })
    .onConflict((oc) => (params.ifMember === 'replace' ? oc.columns(key).doUpdateSet({ role: params.role }) : oc.columns(key).doNothing()))
    // xmax is 0 on a freshly inserted row version and set on one that an upsert updated.
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirst();
  if (row) return { outcome: row.inserted ? 'added' : 'changed', role: params.role };
  const held = await memberRole(db, params.app.id, params.userId);
  return held ? { outcome: 'exists', role: held } : saveMember(db, params);
}

/** Changes a member's role: 'absent' when the user is not a member, 'owner' for the owner. */
export async function changeMemberRole(
  db: Kysely<DB>,
  params: { app: AppRef; userId: string; role: Role },
): Promise<'changed' | 'absent' | 'owner'> {
  if (params.userId === params.app.ownerId) return 'owner';
  const result = await db
    .updateTable('memberships')
    .set({ role: params.role })
    .where('app_id', '=', params.app.id)
    .where('user_id', '=', params.userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0 ? 'changed' : 'absent';
}

/** Ends a membership: 'absent' when the user is not a member, 'owner' for the owner. */
export async function removeMember(db: Kysely<DB>, params: { app: AppRef; userId: string }): Promise<'removed' | 'absent' | 'owner'> {
  if (params.userId === params.app.ownerId) return 'owner';
  const result = await db
    .deleteFrom('memberships')
    .where('app_id', '=', params.app.id)
    .where('user_id', '=', params.userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0 ? 'removed' : 'absent';
}

/** Renames an app (its natural id stays: links keep working). */
export async function renameApp(db: Kysely<DB>, appId: string, name: string): Promise<void> {
  await db.updateTable('apps').set({ name }).where('id', '=', appId).execute();
}

/** Makes an app private (members only) or public (every signed-in user may read its overview). */
export async function setAppVisibility(db: Kysely<DB>, appId: string, visibility: Visibility): Promise<void> {
  await db.updateTable('apps').set({ visibility }).where('id', '=', appId).execute();
}
